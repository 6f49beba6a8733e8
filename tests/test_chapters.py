"""The period chapters keep what the book promises: enough prose, real citations, glued numbers,
and numbered, described charts, so that a later change cannot quietly thin a chapter."""
from __future__ import annotations

import json
import math
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


def place_names(row) -> set[str]:
    """Every name a place goes by in places.csv: modern, pinyin, period spelling and aliases."""
    names = {row["name"]}
    for column in ("name_pinyin", "name_period"):
        if isinstance(row[column], str) and row[column]:
            names.add(row[column])
    if isinstance(row["aliases"], str):
        names |= {a.strip() for a in row["aliases"].split(";") if a.strip()}
    return names


def events_map_spec(nb: dict) -> dict:
    """The chapter's map of its places (the one drawn by charts.place_map)."""
    maps = [spec_of(c) for c in figure_cells(nb) if "charts.place_map(" in "".join(c["source"])]
    assert len(maps) == 1, f"{len(maps)} place maps"
    return maps[0]


def drawn_places(spec: dict) -> list[dict]:
    return [r for rows in spec.get("datasets", {}).values() if isinstance(rows, list)
            for r in rows if isinstance(r, dict) and str(r.get("id", "")).startswith("pl-")]


@pytest.mark.parametrize("slug", CHAPTERS)
def test_every_place_the_prose_names_is_on_the_chapter_map(slug):
    """A place that the chapter's text names, and that places.csv locates, is drawn on its map."""
    places = data.load("places")
    text = markdown(notebook(slug))
    named = {row["id"]: sorted(n for n in place_names(row)
                               if re.search(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])", text))
             for _, row in places[places.lat.notna()].iterrows()}
    named = {k: v for k, v in named.items() if v}
    drawn = {r["id"] for r in drawn_places(events_map_spec(notebook(slug)))}
    missing = {k: v for k, v in named.items() if k not in drawn}
    assert named and not missing, f"{slug}: named in the text but not on the map: {missing}"


@pytest.mark.parametrize("slug", CHAPTERS)
def test_the_map_counts_what_it_draws(slug):
    spec = events_map_spec(notebook(slug))
    count = int(re.match(r"Map of (\d+) places", spec["description"]).group(1))
    rows = drawn_places(spec)
    assert count == len(rows) == len({r["id"] for r in rows}), f"{slug}: says {count}, draws {len(rows)}"
    # every place lies inside the projection's frame (Moscow too): the map reaches as far as its places
    projection = spec["projection"]
    west = projection["center"][0] - math.degrees(spec["width"] / 2 / projection["scale"])
    east = projection["center"][0] + math.degrees(spec["width"] / 2 / projection["scale"])
    outside = [r["name"] for r in rows if not west <= r["lon"] <= east]
    assert not outside, f"{slug}: places outside the map: {outside}"


def text_layers(spec: dict) -> list[dict]:
    return [layer for layer in spec.get("layer", []) if (layer.get("mark") or {}).get("type") == "text"]


@pytest.mark.parametrize("slug", CHAPTERS)
def test_map_labels_are_not_repeated(slug):
    """One label per spot: no place labelled twice (Lanzhou on two routes), none printed over another."""
    nb = notebook(slug)
    for cell in figure_cells(nb):
        spec = spec_of(cell)
        if "projection" not in spec:
            continue
        labels = [r["label"] for layer in text_layers(spec) for r in layer["data"]["values"]]
        names = [n for label in labels for n in label.split(", ")]
        assert names, f"{slug}: a map without labels"
        assert len(names) == len(set(names)), f"{slug}: repeated map labels {sorted(names)}"
