"""A historian who opens a number in the aid, personnel, air-war or credits tables finds a primary
or scholarly source with a locator for it (a page, a document, an article), or the row's
`weak_evidence` flag saying there is none."""
from __future__ import annotations

import pytest

from sinosoviet import data

QUANTITY_TABLES = ("aid_deliveries", "personnel", "air_war", "credits")
# a source of one of these kinds is a single document or article: the work itself is the locator
SINGLE_ITEM_KINDS = {"document", "newspaper"}


def strong_without_locator(name: str, tables) -> list[str]:
    sources = tables["sources"].set_index("id")
    missing = []
    for row in data.active(tables[name]).itertuples():
        if row.weak_evidence:
            continue
        refs = [(sid, loc) for sid, loc in data.source_refs(row.sources)
                if sources.at[sid, "tier"] in ("primary", "scholarly")]
        if not any(loc or sources.at[sid, "kind"] in SINGLE_ITEM_KINDS for sid, loc in refs):
            missing.append(row.id)
    return missing


@pytest.fixture(scope="module")
def tables():
    return data.load_all()


@pytest.mark.parametrize("name", QUANTITY_TABLES)
def test_every_number_has_a_located_strong_source_or_its_flag(tables, name):
    missing = strong_without_locator(name, tables)
    assert not missing, (f"{name}: rows whose primary or scholarly sources give no page or document "
                         f"locator: {missing}")


def test_a_row_without_a_locator_is_caught(tables):
    frame, sources = tables["personnel"], tables["sources"].set_index("id")
    paged = [i for i, row in data.active(frame).iterrows() if not row.weak_evidence
             and not {sources.at[s, "kind"] for s, _ in data.source_refs(row.sources)} & SINGLE_ITEM_KINDS]
    assert paged, "no personnel row rests on paged works: pick another table for this check"
    stripped = frame.sources.where(frame.index != paged[0], frame.sources.str.replace(r"\[[^\]]*\]", "", regex=True))
    assert frame.id[paged[0]] in strong_without_locator("personnel", dict(tables, personnel=frame.assign(sources=stripped)))
