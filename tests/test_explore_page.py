"""The book's Explore page filters in the page itself, with no kernel: set its inputs in a real
browser and the drawn marks and the table's rows change together, and as the data say they should."""
from __future__ import annotations

import pytest

from conftest import HTML
from sinosoviet import data
from visits import PHONE, draw_all, open_page

PAGE = "notebooks/explore.html"
MARKS = "#explore-events g.mark-symbol.role-mark path"


@pytest.fixture(scope="module")
def tables():
    return data.load_all()


@pytest.fixture
def tab(browser, book_server):
    if not (HTML / PAGE).exists():
        pytest.fail(f"{PAGE} is not built: run `make book`")
    tab, errors, failures = open_page(browser, book_server, PAGE)
    draw_all(tab)
    tab.wait_for_function("() => [...document.querySelectorAll('.sinosoviet-explorer-chart')]"
                          ".every(el => el.dataset.rendered || el.dataset.error)", timeout=15_000)
    yield tab
    tab.context.close()
    assert not errors and not failures, (errors, failures)


def set_input(tab, explorer: str, name: str, value) -> None:
    """Set one of a chart's bound inputs as a reader would (a menu, a slider, a checkbox)."""
    control = tab.locator(f"#explore-{explorer} .vega-bindings [name={name}]")
    kind = control.get_attribute("type")
    if kind == "checkbox":
        control.set_checked(bool(value))
    elif kind == "range":
        control.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", str(value))
    else:
        control.select_option(str(value))
    tab.wait_for_timeout(150)  # the table follows on the next animation frame


def shown(tab, explorer: str) -> tuple[int, list[list[str]]]:
    """(rows matching the filters and the search, the cells of the table's current page)."""
    rows = int(tab.get_attribute(f"#explore-{explorer}", "data-rows"))
    cells = tab.eval_on_selector_all(f"#explore-{explorer} tbody tr",
                                     "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))")
    return rows, cells


def active_events(tables):
    events = tables["events"]
    return events[events.status == "active"]


def test_filters_change_the_marks_and_the_rows_together(tab, tables):
    events = active_events(tables)
    assert tab.locator(MARKS).count() == len(events) == shown(tab, "events")[0]
    first_page = shown(tab, "events")[1]
    assert len(first_page) == 15

    set_input(tab, "events", "category", "aid")
    aid = events[events.category == "aid"]
    assert tab.locator(MARKS).count() == len(aid) == shown(tab, "events")[0] < len(events)

    set_input(tab, "events", "year_from", 1938)
    set_input(tab, "events", "year_to", 1939)
    years = aid[aid.date_start.dt.year.between(1938, 1939)]
    rows, cells = shown(tab, "events")
    assert tab.locator(MARKS).count() == len(years) == rows < len(aid)
    assert all(("1938" in c[0] or "1939" in c[0]) for c in cells)

    # the person who appears in most of those events
    people = years.people.dropna().str.split(";").explode()
    person = people[people != ""].value_counts().index[0]
    set_input(tab, "events", "person", person)
    theirs = years[years.people.fillna("").str.split(";").map(lambda ids: person in ids)]
    rows, cells = shown(tab, "events")
    assert tab.locator(MARKS).count() == len(theirs) == rows == len(cells) > 0
    assert {c[1] for c in cells} == set(theirs.title)


def test_the_table_pages_and_searches(tab, tables):
    rows, first = shown(tab, "events")
    tab.locator("#explore-events .sinosoviet-pager button", has_text="Next").click()
    _, second = shown(tab, "events")
    assert len(second) == 15 and second[0] != first[0]
    assert "16–30 of" in tab.inner_text("#explore-events .sinosoviet-pager-status")

    tab.fill("#explore-events input[type=search]", "Borodin")
    found, cells = shown(tab, "events")
    assert 0 < found < rows and all("borodin" in " ".join(c).lower() for c in cells)
    assert tab.locator(MARKS).count() == rows  # the search narrows the table, not the chart's filters


def test_a_student_finds_the_aircraft_of_1938_and_the_spread_of_the_sources(tab, tables):
    set_input(tab, "aid", "category", "aircraft")
    set_input(tab, "aid", "year_from", 1938)
    set_input(tab, "aid", "year_to", 1938)
    set_input(tab, "aid", "totals", False)
    aid = tables["aid_deliveries"]
    expected = aid[(aid.status == "active") & (aid.category == "aircraft") & (aid.year == 1938)
                   & aid[["quantity_low", "quantity_best", "quantity_high"]].notna().any(axis=1)]
    rows, cells = shown(tab, "aid")
    assert rows == len(expected) >= 4 and {c[0] for c in cells} == set(expected["item"])
    assert {"SB", "I-16"} <= {c[0] for c in cells}
    assert all(c[1] == "1938" for c in cells)
    dots = tab.locator("#explore-aid g.mark-symbol.role-mark path").count()
    assert dots == len(expected)
    assert not any(c[4].startswith("src-") for c in cells)  # sources read author–year


def test_claims_and_places_follow_their_menus(tab, tables):
    claims = tables["claims"][tables["claims"].status == "active"]
    assert shown(tab, "claims")[0] == len(claims)
    set_input(tab, "claims", "verdict", "wrong")
    assert shown(tab, "claims")[0] == (claims.verdict == "wrong").sum()
    before = tab.locator("#explore-places g.mark-symbol.role-mark path").count()
    set_input(tab, "places", "period", "pd-1937-1939")
    after = tab.locator("#explore-places g.mark-symbol.role-mark path").count()
    assert 0 < after < before
    rows, _ = shown(tab, "places")
    located = tables["places"].dropna(subset=["lat"]).id
    events = active_events(tables)
    assert rows == (events.place_id.isin(located) & (events.period_id == "pd-1937-1939")).sum()


def test_a_span_dragged_across_the_timeline_narrows_the_table(tab, tables):
    everything = shown(tab, "events")[0]
    tab.locator("#explore-events svg").scroll_into_view_if_needed()
    plot = tab.locator("#explore-events svg").bounding_box()
    y = plot["y"] + plot["height"] * 0.45
    tab.mouse.move(plot["x"] + plot["width"] * 0.45, y)
    tab.mouse.down()
    tab.mouse.move(plot["x"] + plot["width"] * 0.6, y, steps=5)
    tab.mouse.up()
    tab.wait_for_timeout(300)
    rows, cells = shown(tab, "events")
    opacities = tab.eval_on_selector_all(MARKS, "ps => ps.map(p => p.getAttribute('opacity'))")
    assert 0 < rows < everything
    assert opacities.count("0.9") == rows and opacities.count("0.15") == everything - rows


def test_explorers_draw_as_they_come_into_view(browser, book_server):
    """On a phone the first explorer draws on its own, the last only once the reader scrolls to it
    (one explorer per task: four at once held a slow phone for about a second)."""
    tab, errors, failures = open_page(browser, book_server, PAGE, viewport=PHONE)
    try:
        state = ("() => [...document.querySelectorAll('.sinosoviet-explorer')].map(el => [el.id, "
                 "!!el.querySelector('.sinosoviet-explorer-chart').dataset.rendered, el.getBoundingClientRect().top])")
        tab.wait_for_function(f"() => ({state})()[0][1]", timeout=15_000)
        tab.wait_for_timeout(500)
        explorers = tab.evaluate(state)
        assert len(explorers) >= 3 and explorers[-1][2] > 3 * PHONE["height"], explorers
        assert not explorers[-1][1], f"an explorer far down the page drew on load: {explorers}"
        tab.evaluate(f"() => document.getElementById('{explorers[-1][0]}').scrollIntoView()")
        tab.wait_for_function(f"() => ({state})().every(e => e[1])", timeout=15_000)
    finally:
        tab.context.close()
    assert not errors and not failures, (errors, failures)
