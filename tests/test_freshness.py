"""The book follows its inputs: every committed notebook records what its outputs were computed
from, a changed input marks the notebook for re-execution, and a broken table stops `make book`
with the loader's message before anything is built."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from sinosoviet.book import notebooks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_record_current_inputs(path):
    assert notebooks.stale(path) == [], f"{path.name}: outputs older than their inputs; run `make notebooks`"


@pytest.fixture
def clone(tmp_path):
    """A copy of the package, data and notebooks, importable from tmp_path."""
    for name in ("sinosoviet", "data", "notebooks"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("CITATION.cff", "_config.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def run(clone: Path, code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=clone, capture_output=True, text=True,
                          env={"PYTHONPATH": str(clone), "PATH": "/usr/bin:/bin"})


def test_a_changed_value_marks_every_notebook_for_re_execution(clone):
    table = clone / "data" / "aid_deliveries.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",885,", ",8850,", 1), encoding="utf-8")
    out = run(clone, "from pathlib import Path; from sinosoviet.book import notebooks; "
                     "print(notebooks.stale(Path('notebooks/p5-1937-1939.ipynb')))")
    assert out.stdout.strip() == "['data']", out.stderr


def test_a_broken_row_stops_the_build_with_the_loaders_message(clone):
    table = clone / "data" / "aid_deliveries.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",924,", ",nine hundred,", 1), encoding="utf-8")
    before = (clone / "notebooks" / "p5-1937-1939.ipynb").read_bytes()
    out = run(clone, "from sinosoviet.book import notebooks; notebooks.main(['refresh', 'notebooks/p5-1937-1939.ipynb'])")
    assert out.returncode == 1
    assert "aid_deliveries.csv, line 3, column 'quantity_best', value 'nine hundred': not an integer" in out.stderr
    assert (clone / "notebooks" / "p5-1937-1939.ipynb").read_bytes() == before


def test_a_stored_error_output_is_found_and_only_then_the_notebook_is_parsed():
    from sinosoviet.book.sphinxext import error_outputs

    cells = [nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("1 / 0")]
    cells[1].outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])]
    nb = nbformat.v4.new_notebook(cells=cells)
    assert error_outputs(nbformat.writes(nb)) == [1]
    cells[1].outputs = [nbformat.v4.new_output("stream", name="stderr", text="an error")]
    assert error_outputs(nbformat.writes(nb)) == []
