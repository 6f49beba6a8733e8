"""data/citations.csv: in step with the `sources` cells it is generated from, and checkable by
standard tools (a planted citation of a source that does not exist is caught by frictionless)."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from sinosoviet import citations, data


@pytest.fixture(scope="module")
def tables():
    return data.load_all()


def test_citations_table_is_in_step_with_the_cells():
    on_disk = (data.DATA_DIR / "citations.csv").read_text(encoding="utf-8")
    assert on_disk == citations.to_csv(citations.citations()), \
        "data/citations.csv is stale: run python -m sinosoviet.citations"


def test_every_citation_points_at_a_row_and_a_source(tables):
    cites = tables["citations"]
    ids = {name: set(frame["id"]) for name, frame in tables.items()}
    missing = [(c.table_name, c.row_id) for c in cites.itertuples() if c.row_id not in ids[c.table_name]]
    assert not missing, missing[:10]
    assert set(cites.source_id) <= ids["sources"]


def test_every_cited_source_in_a_cell_has_a_citation_row(tables):
    cites = tables["citations"]
    pairs = set(zip(cites.row_id, cites.source_id))
    for name, columns in data.source_fields().items():
        for column in columns:
            for row_id, cell in zip(tables[name]["id"], tables[name][column]):
                refs = data.source_refs(cell) if column != "source_id" else [(cell, "")]
                assert all((row_id, source_id) in pairs for source_id, _ in refs), (name, row_id)


@pytest.mark.parametrize("text,expected", [
    ("p. 53", ("p. 53", "")),
    ("note 125, p. 424", ("note 125, p. 424", "")),
    ("CHC vol. 12 (1983) ch. 11, p. 567, read in an online copy", ("CHC vol. 12 (1983) ch. 11, p. 567", "read in an online copy")),
    ("p. 115, citing North China Daily News, 14 Dec 1938", ("p. 115", "citing North China Daily News, 14 Dec 1938")),
    ("infobox: 22 October", ("infobox", "22 October")),
    ("related_people/peng-te-huai: variant b. 18 Dec 1886", ("related_people/peng-te-huai", "variant b. 18 Dec 1886")),
    ("variant: b. 1898", ("", "variant: b. 1898")),
    ("spelled 'Bogmolov'", ("", "spelled 'Bogmolov'")),
    ("", ("", "")),
])
def test_locators_and_notes_are_split(text, expected):
    assert citations.split_locator(text) == expected


def test_frictionless_catches_a_citation_of_a_missing_source(tmp_path):
    from frictionless import validate

    package = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, package, ignore=shutil.ignore_patterns("basemap"))
    path = package / "citations.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[5][rows[0].index("source_id")] = "src-does-not-exist"
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in ("sources", "citations")]
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")

    report = validate(str(package / "datapackage.json"))
    assert not report.valid
    errors = [(task, err) for task in report.tasks for err in task.errors]
    assert len(errors) == 1, [err.message for _, err in errors]
    task, error = errors[0]
    assert task.name == "citations" and task.place.endswith("citations.csv") and error.type == "foreign-key"
    assert error.row_number == 6 and "source_id" in error.field_names
    assert "src-does-not-exist" in error.cells
