"""Executes every notebook in this folder against a results folder written by `terrasim simulate`.

Usage: python3 notebooks/run_notebooks.py RESULTS_DIR

Each notebook reads the folder from the TERRASIM_RESULTS environment variable, so analysts can point it at
any run. A notebook that raises fails this script with a non-zero exit code.
"""

import os
import pathlib
import sys

import nbformat
from nbclient import NotebookClient


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    results = pathlib.Path(sys.argv[1]).resolve()
    if not (results / "result.json").exists():
        print(f"{results}/result.json is missing: run `terrasim simulate ... --out {results}` first")
        return 2
    os.environ["TERRASIM_RESULTS"] = str(results)
    here = pathlib.Path(__file__).parent
    notebooks = sorted(here.glob("*.ipynb"))
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(here)}}).execute()
        print(f"ok  {path.name}")
    print(f"{len(notebooks)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
