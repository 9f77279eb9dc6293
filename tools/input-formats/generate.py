# Writes docs/input-formats.md from the importer's field tables (src/io/fields.rs), the per-field
# descriptions in desc.txt (file.field | unit | default | example | meaning) and template.md.
# Usage: python3 tools/input-formats/generate.py > docs/input-formats.md
import os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
src = open(os.path.join(ROOT, 'src/io/fields.rs')).read()
tables = {}
for m in re.finditer(r'pub\(crate\) mod (\w+)_fields \{(.*?)\n\}', src, re.S):
    rows = []
    for f in re.finditer(r'(\w+) = "([^"]+)", (true|false), (\w+), \[([^\]]*)\];', m.group(2)):
        aliases = re.findall(r'"([^"]+)"', f.group(5))
        rows.append((f.group(2), f.group(3) == 'true', f.group(4), aliases))
    tables[m.group(1)] = rows
desc = {}
for line in open(os.path.join(HERE, 'desc.txt')):
    line = line.rstrip('\n')
    if not line or line.startswith('#'): continue
    key, unit, default, example, text = line.split(' | ')
    desc[key] = (unit, default, example, text)
def table(name):
    out = ['| field | required | type, unit | default when empty or absent | example | headers it recognises | meaning |', '|---|---|---|---|---|---|---|']
    for (field, req, kind, aliases) in tables[name]:
        unit, default, example, text = desc.get(f'{name}.{field}', ('', '', '', ''))
        kinds = {'Text': 'text', 'Number': 'number', 'Money': 'money', 'Date': 'date', 'Flag': 'yes/no'}
        t = kinds[kind] + (f', {unit}' if unit else '')
        out.append(f'| `{field}` | {"yes" if req else "no"} | {t} | {default or "—"} | `{example}` | {", ".join("`"+a+"`" for a in aliases)} | {text} |')
    return '\n'.join(out)
tpl = open(os.path.join(HERE, 'template.md')).read()
print(re.sub(r'\{\{table (\w+)\}\}', lambda m: table(m.group(1)), tpl), end='')
