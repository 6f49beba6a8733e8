"""The reference pages of the built book let a reader find every person, place, event and source:
each is generated from the data, so each row of the data must be on its page."""
from __future__ import annotations

import re

import pytest

from conftest import HTML
from sinosoviet import data


@pytest.fixture(scope="module")
def tables():
    return data.load_all()


def page(name: str) -> str:
    path = HTML / name
    if not path.exists():
        pytest.fail(f"{name} is not built: run `make book` (make test does it first)")
    return path.read_text(encoding="utf-8")


def cells(html: str) -> set[str]:
    return set(re.findall(r"<td>([^<]*)</td>", html))


def test_every_source_has_an_anchored_row_with_its_author_year_label(tables):
    html = page("notebooks/bibliography.html")
    anchored = re.findall(r'<tr id="(src-[^"]+)">', html)
    assert sorted(anchored) == sorted(tables["sources"].id)
    assert "<td>Garver 1988</td>" in html and "Missionaries of Revolution" in html


def test_every_citation_in_the_book_leads_to_its_bibliography_row(tables):
    known = set(tables["sources"].id)
    for path in HTML.rglob("*.html"):
        for target in re.findall(r'href="(?:[./]*notebooks/)?bibliography\.html#([^"]+)"', path.read_text(encoding="utf-8")):
            assert target in known, f"{path.relative_to(HTML)}: link to {target!r}, which is not a source"


def test_concordance_names_every_person_and_place(tables):
    shown = cells(page("notebooks/names.html"))
    for name in ("people", "places"):
        active = tables[name][tables[name].status == "active"]
        missing = set(active.id) - shown
        assert not missing, f"{name} missing from the concordance: {sorted(missing)[:5]}"


def test_chronology_lists_every_event(tables):
    shown = cells(page("notebooks/chronology.html"))
    events = tables["events"][tables["events"].status == "active"]
    missing = set(events.id) - shown
    assert not missing and len(events) >= 200, f"events missing from the chronology: {sorted(missing)[:5]}"


def test_data_page_documents_every_column_and_offers_every_table(tables):
    html = page("notebooks/data.html")
    for resource in data.package()["resources"]:
        section = html.split(f'id="codebook-{resource["name"].replace("_", "-")}"', 1)
        assert len(section) == 2, f"no codebook section for {resource['name']}"
        body = section[1].split("<h4 ", 1)[0]
        columns = set(re.findall(r"<tr><td><code>([^<]+)</code></td>", body))
        assert columns == {f["name"] for f in resource["schema"]["fields"]}, resource["name"]
        link = re.search(rf'href="(\.\./_downloads/[0-9a-f]+/{re.escape(resource["path"])})"', html)
        assert link and (HTML / "notebooks" / link[1]).exists(), f"no download for {resource['path']}"


def test_how_to_cite_gives_a_citation_for_every_table(tables):
    html = page("notebooks/how-to-cite.html")
    for resource in data.package()["resources"]:
        assert f"table data/{resource['path']}. Licence" in html, f"no citation for {resource['path']}"


def test_every_link_to_a_source_lands_on_its_row():
    anchors = set(re.findall(r'<tr id="(src-[^"]+)">', page("notebooks/bibliography.html")))
    linked = {}
    for path in HTML.rglob("*.html"):
        for target in re.findall(r'href="bibliography\.html#(src-[^"]+)"', path.read_text(encoding="utf-8")):
            linked.setdefault(target, path.name)
    assert len(linked) >= 300, f"only {len(linked)} sources linked from the tables"
    missing = {t: p for t, p in linked.items() if t not in anchors}
    assert not missing, f"links to sources with no row: {dict(list(missing.items())[:5])}"


def test_print_build_links_sources_within_its_single_page():
    path = HTML.parent / "print" / "_build" / "singlehtml" / "book" / "introduction.html"
    if not path.exists():
        pytest.fail(f"{path} is not built: run `make pdf` (make test does it first)")
    text = path.read_text(encoding="utf-8")
    assert 'href="bibliography.html#src-' not in text
    assert len(re.findall(r'href="#src-[^"]+"', text)) >= 300
