"""Re-execute notebooks and write their outputs back (`make notebooks`).

Execution metadata (timestamps) and widget state (random model ids) are not kept, so a re-run
changes a notebook only where its outputs change. Explorers carry their own HTML snapshot.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    # the kernel app's own start-up notices (its loopback transport) are not for the person running make
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   extra_arguments=["--IPKernelApp.log_level=ERROR"]).execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def main(argv: list[str]) -> None:
    command, *paths = argv
    if command != "execute" or not paths:
        raise SystemExit("usage: python -m sinosoviet.notebooks execute NOTEBOOK...")
    for path in paths:
        print(f"executing {path}", flush=True)
        execute(Path(path))


if __name__ == "__main__":
    main(sys.argv[1:])
