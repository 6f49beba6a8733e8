"""Notebooks that follow their inputs. Each notebook records, in its metadata, fingerprints of
what its stored outputs were computed from: the data package, the package's code, and the
notebook's own code cells. `refresh` (run by `make book`) re-executes exactly the notebooks whose
inputs changed, after checking that the data load, and rewrites the prose's numbers and citation
labels; `execute` (run by `make notebooks`) re-executes every notebook given.

Execution metadata (timestamps) and widget state (random model ids) are not kept, so a re-run
changes a notebook only where its outputs change.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .. import data
from . import prose

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent
KEY = "sinosoviet"


def digest(paths) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def inputs(nb) -> dict[str, str]:
    """Fingerprints of what a notebook's outputs depend on, by kind, so that a change can be named."""
    data_dir = Path(data.DATA_DIR)
    code = [p for p in PACKAGE.rglob("*.py") if "book" not in p.relative_to(PACKAGE).parts]
    cells = hashlib.sha256("\0".join(c.source for c in nb.cells if c.cell_type == "code").encode()).hexdigest()[:16]
    return {"data": digest([*data_dir.glob("*.csv"), data_dir / "datapackage.json", *data_dir.glob("basemap/*"),
                            ROOT / "CITATION.cff"]),
            "code": digest(code), "cells": cells}


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    # the kernel app's own start-up notices (its loopback transport) are not for the person running make
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   extra_arguments=["--IPKernelApp.log_level=ERROR"]).execute()
    nb.metadata.pop("widgets", None)
    nb.metadata[KEY] = {"inputs": inputs(nb)}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def stale(path: Path) -> list[str]:
    """Which inputs of the notebook changed since its outputs were stored (empty: none)."""
    nb = nbformat.read(path, as_version=4)
    stored = nb.metadata.get(KEY, {}).get("inputs", {})
    return [kind for kind, value in inputs(nb).items() if stored.get(kind) != value]


def refresh(paths: list[Path]) -> None:
    """Re-execute the notebooks whose inputs changed, then rewrite the prose from the data."""
    data.load_all()  # a table that breaks its schema stops here, with the loader's message
    for path in paths:
        changed = stale(path)
        if changed:
            print(f"re-executing {path}: its {' and '.join(changed)} changed", flush=True)
            execute(path)
    prose.main([])


def main(argv: list[str]) -> None:
    command, *paths = argv
    if command not in ("execute", "refresh") or not paths:
        raise SystemExit("usage: python -m sinosoviet.book.notebooks execute|refresh NOTEBOOK...")
    try:
        if command == "refresh":
            refresh([Path(p) for p in paths])
        else:
            for path in paths:
                print(f"executing {path}", flush=True)
                execute(Path(path))
            prose.main([])
    except data.DataError as err:
        raise SystemExit(f"make stopped, the book is unchanged: {err}") from None
    except CellExecutionError as err:
        raise SystemExit(f"make stopped, the book is unchanged: a notebook raised an error:\n{err}") from None


if __name__ == "__main__":
    main(sys.argv[1:])
