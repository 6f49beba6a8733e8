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


# The explorers of the book's web page (sinosoviet.webexplore): the chart filters with a Vega
# expression and the page's table with the same filter descriptions; tests/test_explore_page.py
# drives them in a browser.
from sinosoviet import webexplore  # noqa: E402


def passes(row: dict, f: webexplore.Filter, inputs: dict) -> bool:
    """The table driver's test of one filter (sinosoviet-tables.js), written again in Python."""
    value = row[f.field]
    if f.kind == "equals":
        return inputs[f.params[0]] == "all" or value == inputs[f.params[0]]
    if f.kind == "member":
        return inputs[f.params[0]] == "all" or f";{inputs[f.params[0]]};" in (value or "")
    if f.kind == "interval":  # a span drawn on the chart, as (from, to) ISO days; none drawn: everything
        span = inputs.get(f.params[0])
        return not span or span[0] <= value <= span[1]
    low, high = (inputs[p] for p in f.params)
    return bool(inputs.get(f.undated)) if value is None else low <= value <= high


def test_filter_expressions_read_as_vega_expressions():
    assert webexplore.Filter("equals", "period", ("period",)).expression() == \
        """(period == 'all' || datum["period"] == period)"""
    assert webexplore.Filter("member", "people", ("person",)).expression() == \
        """(person == 'all' || indexof(datum["people"], ';' + person + ';') >= 0)"""
    assert webexplore.Filter("years", "year", ("year_from", "year_to"), undated="totals").expression() == \
        """(isValid(datum["year"]) ? datum["year"] >= year_from && datum["year"] <= year_to : totals)"""


def test_web_events_select_what_the_widget_explorer_selects(tables):
    view = webexplore.events_view(tables)
    inputs = {"period": "all", "category": "all", "person": "pe-borodin", "place": "all", "year_from": 1924,
              "year_to": 1926}
    web = {row["id"] for row in view.rows if all(passes(row, f, inputs) for f in view.filters)}
    widget = explore.timeline(tables)
    widget.controls["person"].value = "pe-borodin"
    widget.controls["years"].value = (1924, 1926)
    assert web == set(widget.rows.id) and web
    names = {p["name"] for p in view.spec["params"]}
    assert {f.params[0] for f in view.filters} <= names | {"year_from"}


def test_web_aid_view_answers_the_1938_aircraft_question(tables):
    view = webexplore.aid_view(tables)
    inputs = {"category": "aircraft", "year_from": 1938, "year_to": 1938, "totals": False}
    rows = [row for row in view.rows if all(passes(row, f, inputs) for f in view.filters)]
    assert {"SB", "I-16", "I-15 and I-15bis"} <= {r["item"] for r in rows}
    assert {r["figure"] for r in rows} >= {"282", "300"}
    assert all(r["year"] == 1938 for r in rows)
    assert not any("src-" in r["source"] for r in rows)


def test_web_views_carry_their_rows_once_with_readable_sources(tables):
    for view in webexplore.views(tables):
        assert view.spec["datasets"][webexplore.ROWS] == view.rows and view.rows
        config = view.config()
        assert {c["field"] for c in config["columns"]} <= set(view.rows[0])
        for column in view.columns:
            shown = " ".join(str(r[column.field]) for r in view.rows)
            # ids only inside links (href), never as text
            assert "src-" not in re.sub(r'href="[^"]*"', "", shown), (view.key, column.field)
        assert "<" not in view.html().split('class="sinosoviet-explorer-config">', 1)[1].split("</script>", 1)[0]


def test_people_menu_is_by_surname(tables):
    view = webexplore.events_view(tables)
    person = next(p for p in view.spec["params"] if p["name"] == "person")
    labels = person["bind"]["labels"][1:]
    assert "Borodin, Mikhail" in labels and labels == sorted(labels, key=str.casefold)


def test_claims_chart_labels_sources_by_author_year(tables):
    ex = explore.claims(tables)
    ex.controls["claim"].value = "cl-134"
    labels = {r["label"] for r in chart_rows(ex) if r.get("label")}
    assert labels and not any(label.startswith("src-") for label in labels)


def test_the_events_span_fades_the_chart_and_filters_only_the_table(tables):
    view = webexplore.events_view(tables)
    interval = [f for f in view.filters if f.kind == "interval"]
    assert interval and "span" not in webexplore.expression(view.filters)
    assert any(p["name"] == "span" and p["select"]["type"] == "interval" for p in view.spec["params"])


def test_chart_data_tables_read_as_numbers_dates_and_citations():
    from sinosoviet import pages

    assert pages.readable_cell("value", 50000000.0) == "50,000,000"
    assert pages.readable_cell("value", 3665) == "3,665" and pages.readable_cell("value", 2.5) == "2.5"
    assert pages.readable_cell("year", 1938) == "1938" and pages.readable_cell("low", None) == ""
    assert pages.readable_cell("date_start", "1923-06-12") == "12 June 1923"
    cell = pages.readable_cell("sources", '<span title="src-garver1988">Garver 1988, p. 53</span>;'
                                          ' <span title="src-x">&lt;b&gt;“X”<i>y</i></span>')
    assert str(cell).startswith('<a href="bibliography.html#src-garver1988">Garver 1988, p. 53</a>; ')
    assert "<i>" not in str(cell) and "&lt;b&gt;" in str(cell)


def test_chart_data_tables_head_their_columns_in_words():
    from sinosoviet.render import data_table

    spec = {"datasets": {"d": [{"id": "ad-1", "estimate_best": 885, "value": 3}]},
            "encoding": {"x": {"field": "value", "title": "Aircraft"},
                         "tooltip": [{"field": "value", "title": "Aircraft"}]}}
    head = data_table(spec).split("<tbody>")[0]
    assert '>ID</th>' in head and '>Estimate best</th>' in head and '>Aircraft</th>' in head
    assert "estimate_best" not in head and ">value<" not in head
    # a field the chart titles in two ways is named by the field, not by either title
    spec["encoding"]["y"] = {"field": "value", "title": "Count"}
    assert '>Value</th>' in data_table(spec)
