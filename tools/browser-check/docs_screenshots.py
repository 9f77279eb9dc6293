#!/usr/bin/env python3
"""Makes the README's report screenshots from the full-page screenshots of check.sh.

    python3 tools/browser-check/docs_screenshots.py SHOTS_DIR docs/screenshots [KIND ...]

For each report kind (or the KINDs named): the top of its page (where its headline charts are), cut at
HEIGHT pixels, reduced to a 128-colour palette so each file stays small (under 250 KB), written as
docs/screenshots/<kind>.png. The optimize page's top is followed by its geographic candidate's territories
by county (the rows of PARTS, for check.sh's run of scenarios/northstar/segmentation.toml; look at the
result when the page changes). Needs Pillow.
"""
import sys
from pathlib import Path

from PIL import Image

KINDS = ["simulate", "stress", "compare", "optimize", "backtest"]
HEIGHT = {"simulate": 2950, "stress": 2050, "compare": 2000, "optimize": 3500, "backtest": 1750}
# Bands of rows pasted one under the other, instead of the top HEIGHT rows: the optimize page's headline
# charts, then the county map of its geographic candidate (heading, map and legend).
PARTS = {"optimize": [(0, 2750), (6610, 7380)]}
MAX_BYTES = 250_000


def main():
    shots, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for kind in sys.argv[3:] or KINDS:
        found = sorted(shots.glob(f"{kind}-*.png"))
        if not found:
            sys.exit(f"{shots}: no screenshot of the {kind} report; run tools/browser-check/check.sh first")
        page = Image.open(found[0]).convert("RGB")
        bands = [page.crop((0, a, page.width, min(page.height, b))) for a, b in PARTS.get(kind, [(0, HEIGHT[kind])])]
        top = Image.new("RGB", (page.width, sum(b.height for b in bands)), "white")
        y = 0
        for band in bands:
            top.paste(band, (0, y))
            y += band.height
        small = top.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        target = out / f"{kind}.png"
        small.save(target, optimize=True)
        size = target.stat().st_size
        print(f"{target}: {top.width}x{top.height}, {size // 1000} KB")
        if size > MAX_BYTES:
            sys.exit(f"{target} is {size} bytes, more than {MAX_BYTES}: lower its HEIGHT")


if __name__ == "__main__":
    main()
