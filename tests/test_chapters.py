"""The period chapters keep what the book promises: enough prose, real citations, glued numbers,
and numbered, described charts, so that a later change cannot quietly thin a chapter."""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from sinosoviet import data
from sinosoviet.book.prose import CITE, FACT, stored_facts

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ["p1-1923-1927", "p2-1927-1931", "p3-1931-1935", "p4-1935-1937", "p5-1937-1939", "p6-1939-1941"]


def notebook(slug: str) -> dict:
    return json.loads((ROOT / "notebooks" / f"{slug}.ipynb").read_text(encoding="utf-8"))


def markdown(nb: dict) -> str:
    return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def prose_words(text: str) -> int:
    """Words a reader reads: no roles, URLs, comments, footnote definitions or markup."""
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"^\[\^[^\]]+\]:.*$", " ", text, flags=re.M)
    text = re.sub(r"\{[a-z:]+\}`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return len(re.findall(r"[^\W\d_][\w'’-]*", text))


def figure_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code" and c.get("metadata", {}).get("mystnb", {}).get("figure")]


def spec_of(cell: dict) -> dict:
    for output in cell.get("outputs", []):
        spec = output.get("data", {}).get("application/vnd.vegalite.v5+json")
        if spec:
            return spec
    raise AssertionError(f"figure cell without a chart: {''.join(cell['source'])[:80]}")


@pytest.fixture(scope="module")
def source_ids():
    return set(data.load("sources").id)


def test_every_chapter_is_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = {c["file"] for part in toc["parts"] for c in part["chapters"]}
    assert {f"notebooks/{slug}" for slug in CHAPTERS} <= files
    assert {"notebooks/reading-the-source", "book/historiography", "book/introduction"} <= files | {toc["root"]}


@pytest.mark.parametrize("slug", CHAPTERS)
def test_chapter_has_enough_prose(slug):
    words = prose_words(markdown(notebook(slug)))
    assert words >= 2000, f"{slug}: {words} words of prose"


@pytest.mark.parametrize("slug", CHAPTERS)
def test_chapter_cites_real_works(slug, source_ids):
    keys = {m["id"] for m in CITE.finditer(markdown(notebook(slug)))}
    assert len(keys) >= 5, f"{slug}: {len(keys)} distinct works cited"
    assert keys <= source_ids, f"{slug}: citations not in sources.csv: {sorted(keys - source_ids)}"


@pytest.mark.parametrize("slug", CHAPTERS)
def test_chapter_takes_its_numbers_from_the_data(slug):
    nb = notebook(slug)
    keys = {m["key"] for m in FACT.finditer(markdown(nb))}
    assert len(keys) >= 3, f"{slug}: numbers from the data {keys}"
    assert keys <= set(stored_facts(nbformat.reads(json.dumps(nb), as_version=4))), f"{slug}: facts not computed"


@pytest.mark.parametrize("slug", CHAPTERS)
def test_chapter_has_numbered_described_charts(slug):
    figures = figure_cells(notebook(slug))
    assert len(figures) >= 3, f"{slug}: {len(figures)} charts"
    for cell in figures:
        meta = cell["metadata"]["mystnb"]["figure"]
        assert meta.get("caption") and meta.get("name", "").startswith("fig-"), meta
        assert len(spec_of(cell).get("description", "")) > 40


@pytest.mark.parametrize("slug", CHAPTERS)
def test_chapter_has_an_interactive_chart(slug):
    specs = [spec_of(c) for c in figure_cells(notebook(slug))]
    bound = [s for s in specs if any("bind" in p for p in s.get("params", []))]
    assert bound, f"{slug}: no chart with a control that works without a kernel"


@pytest.mark.parametrize("slug", CHAPTERS)
def test_chapter_cross_references(slug):
    text = markdown(notebook(slug))
    others = {f"{s}.ipynb" for s in CHAPTERS} - {f"{slug}.ipynb"}
    assert any(o in text for o in others), f"{slug}: no link to another chapter"
    assert "reading-the-source.ipynb" in text and "data.ipynb" in text


def test_the_book_has_every_kind_of_chart():
    code = "\n".join("".join(c["source"]) for slug in CHAPTERS for c in figure_cells(notebook(slug)))
    for builder in ["charts.timeline", "charts.credits_chart", "charts.aid_chart", "charts.personnel_chart",
                    "charts.air_war_chart"]:
        assert builder in code, f"no chapter draws {builder}"
    maps = [s for slug in CHAPTERS for c in figure_cells(notebook(slug))
            for s in [spec_of(c)] if any(layer.get("mark", {}).get("type") == "geoshape" or layer.get("mark") == "geoshape"
                                         for layer in s.get("layer", []))]
    assert len(maps) >= 2
