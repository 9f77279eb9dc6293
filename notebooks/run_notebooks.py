"""Executes every notebook in this folder and checks that each produced its figures.

Usage: python3 notebooks/run_notebooks.py [OUT_DIR] [--results SIMULATE_DIR] [--only NAME ...]

OUT_DIR (default: $TERRASIM_NOTEBOOK_OUT, else target/notebooks) receives each notebook's CLI runs and PNG
figures (OUT_DIR/NAME/figures/) and the executed notebook with its outputs (OUT_DIR/NAME.ipynb). The
notebooks run the terrasim binary named by $TERRASIM, else target/release/terrasim (`cargo build --release`).
--results points simulation_results.ipynb at an existing `terrasim simulate` folder instead of its own run;
--only runs the named notebooks (file names, with or without .ipynb) instead of all.

A notebook fails when a cell raises (its checks are asserts) or when a figure it lists in its metadata
(`terrasim.figures`) is not written as a PNG file or not shown in the executed notebook. The exit code is 1
when any notebook fails, 2 on bad usage.
"""

import argparse
import os
import re
import shutil
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = pathlib.Path(__file__).resolve().parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def missing_figures(path: pathlib.Path, nb, out: pathlib.Path) -> list[str]:
    """What is missing of the figures the notebook lists: files not written as PNG, or not shown."""
    expected = nb.metadata.get("terrasim", {}).get("figures", [])
    missing = []
    for name in expected:
        png = out / path.stem / "figures" / f"{name}.png"
        if not png.is_file() or png.read_bytes()[:8] != PNG_SIGNATURE:
            missing.append(f"{png} (not written as a PNG file)")
    shown = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    if shown < len(expected):
        missing.append(f"{len(expected)} figures listed, {shown} shown in the executed notebook")
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_out = os.environ.get("TERRASIM_NOTEBOOK_OUT", str(HERE.parent / "target" / "notebooks"))
    parser.add_argument("out", nargs="?", default=default_out, help="output folder (default: %(default)s)")
    parser.add_argument("--results", help="a `terrasim simulate` folder for simulation_results.ipynb")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these notebooks")
    args = parser.parse_args()

    out = pathlib.Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ["TERRASIM_NOTEBOOK_OUT"] = str(out)
    if args.results:
        results = pathlib.Path(args.results).resolve()
        if not (results / "result.json").exists():
            print(f"{results}/result.json is missing: run `terrasim simulate ... --out {results}` first")
            return 2
        os.environ["TERRASIM_RESULTS"] = str(results)

    notebooks = sorted(HERE.glob("*.ipynb"))
    if args.only:
        wanted = {n.removesuffix(".ipynb") for n in args.only}
        unknown = wanted - {p.stem for p in notebooks}
        if unknown:
            print(f"no such notebook in {HERE}: {', '.join(sorted(unknown))}")
            return 2
        notebooks = [p for p in notebooks if p.stem in wanted]

    passed, failed = 0, 0
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        shutil.rmtree(out / path.stem / "figures", ignore_errors=True)  # an earlier run's figures prove nothing
        start = time.monotonic()
        client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(HERE)}})
        problems = []
        try:
            client.execute()
        except CellExecutionError as e:
            problems.append(re.sub(r"\x1b\[[0-9;]*m", "", str(e)).strip().splitlines()[-1])
        if not problems:
            problems = missing_figures(path, nb, out)
        executed = out / path.name
        nbformat.write(nb, executed)
        seconds = time.monotonic() - start
        if problems:
            failed += 1
            for p in problems:
                print(f"FAIL {path.name}: {p}")
            print(f"     the executed notebook, as far as it ran: {executed}")
        else:
            passed += 1
            print(f"ok   {path.name} ({seconds:.0f} s) -> {executed}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
