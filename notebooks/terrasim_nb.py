"""What the planning notebooks share: running the terrasim CLI, reading its result files, saving figures.

The binary is `$TERRASIM` when set, else `target/release/terrasim` under the repository root (build it with
`cargo build --release`). Every run writes under `$TERRASIM_NOTEBOOK_OUT` (default `target/notebooks`), one
folder per notebook: the CLI's output folders and a `figures/` folder of PNG files. Relative paths in either
variable are taken from the repository root.
"""

import json
import os
import pathlib
import re
import subprocess

import pandas as pd

REPO = pathlib.Path(__file__).resolve().parent.parent

# Unit tokens a CSV column may carry (`bookings_usd_mean` is `bookings_mean` in USD); a result written
# before or after units were added to the headers reads the same.
_UNITS = {"money", "ratio", "usd", "eur", "gbp", "pct", "hours", "months", "x"}


def binary() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("TERRASIM", REPO / "target" / "release" / "terrasim"))
    if not path.is_absolute():
        path = REPO / path
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `cargo build --release` in {REPO}, or set TERRASIM")
    return path


def out_dir(notebook: str) -> pathlib.Path:
    """This notebook's folder under the notebooks' output folder."""
    root = pathlib.Path(os.environ.get("TERRASIM_NOTEBOOK_OUT", REPO / "target" / "notebooks"))
    if not root.is_absolute():
        root = REPO / root
    path = root / notebook
    (path / "figures").mkdir(parents=True, exist_ok=True)
    return path


_warned: set[str] = set()


def run(*args: object) -> None:
    """Runs `terrasim ARGS --quiet` from the repository root; its warnings are shown (each once), a failure
    raises with its error."""
    cmd = [str(binary()), *map(str, args), "--quiet"]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    for line in done.stderr.splitlines():
        if line.startswith("warning:") and line not in _warned:
            _warned.add(line)
            print(line)
    if done.returncode != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` exited with {done.returncode}:\n{done.stderr}")


def read_json(path: pathlib.Path) -> dict:
    return json.loads(pathlib.Path(path).read_text())


def read_csv(path: pathlib.Path, *columns: str) -> pd.DataFrame:
    """Reads a result CSV and returns `columns` under these names, whether the file's headers carry units
    (`bookings_usd_mean`) or not (`bookings_mean`). A column found under neither name is an error naming
    the file and the headers it has."""
    table = pd.read_csv(path)
    bare = {}
    for header in table.columns:
        name = "_".join(t for t in header.split("_") if t.lower() not in _UNITS)
        bare.setdefault(name, []).append(header)
    picked = {}
    for column in columns:
        found = [column] if column in table.columns else bare.get(column, [])
        if len(found) != 1:
            why = "is missing" if not found else f"matches {found}"
            raise KeyError(f"{path}: column {column!r} {why}; its headers are {list(table.columns)}")
        picked[column] = table[found[0]]
    return pd.DataFrame(picked)


def paired(metric_names: dict, plans: list, key: str) -> pd.DataFrame:
    """One row per (plan, metric) of a `compare.json` or `stress.json` list: the paired difference against
    the reference, its standard error and 95% interval. `key` is the list of figures in each entry
    (`figures` for compare, `differences` for stress)."""
    rows = []
    for plan in plans:
        for f in plan[key]:
            if f["metric"] in metric_names:
                rows.append({"plan": plan["name"], "metric": f["metric"], "label": metric_names[f["metric"]],
                             "reference": f["baseline"], "value": f["shocked"],
                             "difference": f["difference"]["mean"], "se": f["difference"]["se"],
                             "ci_low": f["ci_low"], "ci_high": f["ci_high"]})
    return pd.DataFrame(rows)


def plot_intervals(ax, rows: pd.DataFrame, scale: float = 1.0, unit: str = "") -> None:
    """One horizontal bar per row of `paired(...)`: the paired difference (red below zero, blue above) and its
    95% interval, with the zero line (no change against the reference)."""
    y = range(len(rows))
    d = rows["difference"] / scale
    err = [d - rows["ci_low"] / scale, rows["ci_high"] / scale - d]
    colors = ["C3" if v < 0 else "C0" for v in d]
    ax.barh(y, d, color=colors, alpha=0.35)
    ax.errorbar(d, y, xerr=err, fmt="o", color="k", capsize=3, ms=3, label="95% interval")
    ax.axvline(0, color="0.3", lw=1)
    ax.set_yticks(list(y), rows["plan"])
    ax.invert_yaxis()
    ax.set_xlabel(f"{rows['label'].iloc[0]}: paired difference{unit}")


def number(x: float) -> str:
    """A figure as tables show it: money and counts with thousands separators, small figures to 4 digits."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def save(fig, folder: pathlib.Path, name: str) -> None:
    """Saves `fig` as `folder/figures/NAME.png` and shows that file inline, so the executed notebook carries
    the same image as the file."""
    from IPython.display import Image, display
    import matplotlib.pyplot as plt

    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"figure name {name!r}: use lowercase letters, digits and underscores")
    path = folder / "figures" / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    display(Image(filename=str(path)))
