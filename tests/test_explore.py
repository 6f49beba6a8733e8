"""The explorers, driven from Python as a notebook user would drive them with the mouse."""
from __future__ import annotations

import html
import re

import pytest

from sinosoviet import data, explore


@pytest.fixture(scope="module")
def tables():
    return data.load_all()


def chart_rows(explorer):
    spec = explorer.chart.to_dict()
    return [row for rows in spec["datasets"].values() for row in rows]


def test_timeline_filters_by_person_and_years(tables):
    ex = explore.timeline(tables)
    assert len(ex.rows) == (tables["events"].status == "active").sum()
    ex.controls["person"].value = "pe-borodin"
    assert len(ex.rows) > 0
    assert all("pe-borodin" in cell.split(";") for cell in ex.rows.people)
    assert {r["id"] for r in chart_rows(ex)} == set(ex.rows.id)
    ex.controls["years"].value = (1923, 1924)
    assert set(ex.rows.date_start.dt.year) <= {1923, 1924}
    assert f"{len(ex.rows)} of the events match" in ex.message.value or ex.message.value == "<p>One match.</p>"


def test_timeline_filter_by_period_category_and_place(tables):
    ex = explore.timeline(tables)
    ex.controls["period"].value = "pd-1937-1939"
    ex.controls["category"].value = ("aid",)
    assert set(ex.rows.period_id) == {"pd-1937-1939"} and set(ex.rows.category) == {"aid"}
    ex.controls["category"].value = tuple(ex.controls["category"].options)
    ex.controls["place"].value = "pl-lanzhou"
    assert set(ex.rows.place_id) == {"pl-lanzhou"}
    assert "Lanzhou" in ex.table.value


def test_a_filter_that_matches_nothing_says_so(tables):
    ex = explore.timeline(tables)
    ex.controls["person"].value = "pe-borodin"
    ex.controls["years"].value = (1940, 1941)
    assert ex.rows.empty and ex.chart is None and ex.table.value == ""
    assert "No events match these filters" in ex.message.value
    assert "No events match" in ex.snapshot_html()


def test_aid_aircraft_in_1938(tables):
    ex = explore.aid(tables)
    ex.controls["category"].value = "aircraft"
    ex.controls["years"].value = (1938, 1938)
    ex.controls["totals"].value = False
    assert len(ex.rows) >= 2
    assert set(ex.rows.category) == {"aircraft"} and set(ex.rows.year) == {1938}
    assert {r["id"] for r in chart_rows(ex)} == set(ex.rows.id)
    for item in ex.rows["item"]:
        assert item in ex.table.value


def test_aid_by_one_source(tables):
    ex = explore.aid(tables)
    source = ex.controls["source"].options[1][1]
    ex.controls["source"].value = source
    assert len(ex.rows) > 0 and all(source in cell for cell in ex.rows.sources)


def test_claims_show_quote_variants_and_verdict(tables):
    ex = explore.claims(tables)
    ex.controls["claim"].value = "cl-134"
    claim = tables["claims"].set_index("id").loc["cl-134"]
    assert claim.verdict.capitalize() in ex.table.value
    variants = tables["claim_variants"]
    mine = variants[variants.claim_id == "cl-134"]
    seed = mine[mine.source_id == "src-globalsecurity-2019"]
    assert html.escape(seed.quote.iloc[0]) in ex.table.value
    for source in mine[mine.source_id != "src-globalsecurity-2019"].source_id:
        assert source in ex.table.value
    assert ex.chart is not None


def test_claims_verdict_narrows_the_list(tables):
    ex = explore.claims(tables)
    ex.controls["verdict"].value = "wrong"
    wrong = set(tables["claims"][tables["claims"].verdict == "wrong"].id)
    assert {value for _, value in ex.controls["claim"].options} == wrong
    assert ex.rows.id.iloc[0] in wrong


def test_map_by_period(tables):
    ex = explore.places_map(tables)
    ex.controls["period"].value = "pd-1937-1939"
    events = tables["events"]
    expected = set(events[events.period_id == "pd-1937-1939"].place_id.replace("", None).dropna()) & set(
        tables["places"][tables["places"].lat.notna()].id)
    assert set(ex.rows.id) == expected
    ex.controls["years"].value = (1923, 1923)
    assert ex.rows.empty and "No places match" in ex.message.value


def test_html_in_the_data_is_shown_escaped(tables):
    doctored = dict(tables)
    events = tables["events"].copy()
    events.loc[events.index[0], "title"] = '<script>alert("x")</script>'
    doctored["events"] = events
    ex = explore.timeline(doctored)
    assert "<script>alert" not in ex.table.value
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in ex.table.value
    assert "<script>alert" not in ex.snapshot_html()


def test_snapshot_is_the_book_view(tables):
    bundle = explore.timeline(tables)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert 'class="sinosoviet-chart"' in bundle["text/html"] and "saved view" in bundle["text/html"]
    assert bundle["text/plain"].startswith("Events explorer:")



def table_rows(explorer) -> int:
    return explorer.table.value.count("<tr>") - 1  # less the header row


def test_explorer_opens_compact_and_shows_more_on_request(tables):
    ex = explore.timeline(tables)
    assert len(ex.rows) > 100 and table_rows(ex) == explore.Explorer.page
    assert ex.more.layout.display != "none" and "Show 15 more" in ex.more.description
    ex.more.click()
    assert table_rows(ex) == 2 * explore.Explorer.page
    ex.controls["person"].value = "pe-borodin"
    assert table_rows(ex) == min(len(ex.rows), explore.Explorer.page)
    assert "The table lists the first" not in ex.snapshot_html() or len(ex.rows) > explore.Explorer.page


def test_reset_restores_every_filter(tables):
    ex = explore.timeline(tables)
    everything = len(ex.rows)
    ex.controls["person"].value = "pe-borodin"
    ex.controls["years"].value = (1925, 1926)
    assert len(ex.rows) < everything
    ex.reset.click()
    assert len(ex.rows) == everything and ex.value("years") == (1923, 1941) and ex.value("person") == explore.ALL


def test_periods_are_offered_in_date_order_and_sources_by_author_year(tables):
    ex = explore.timeline(tables)
    periods = [value for _, value in ex.controls["period"].options][1:]
    assert periods == list(tables["periods"].sort_values("seq").id)
    aid = explore.aid(tables)
    labels = [label for label, _ in aid.controls["source"].options][1:]
    assert labels and not any(label.startswith("src-") for label in labels)
    assert "src-" not in html.unescape(re.sub(r'title="[^"]*"', "", aid.table.value))
