"""Charts on a phone and on a desktop, measured in the browser: every chart's text stays readable
(at least 11 CSS px, as the reader sees it, after any scaling of the SVG), charts fit the column,
and a tap shows the same details as hovering."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError

from conftest import HTML, book_pages
from visits import DESKTOP, PHONE, open_page, wait_for_charts

SMALLEST_TEXT = 11  # CSS px
CHART_PAGES = [p for p in book_pages() if 'class="sinosoviet-chart"' in (HTML / p).read_text(encoding="utf-8")]

SIZES = ["phone-390", "desktop-1400"]  # the shared visits' window sizes (tests/visits.py)


def measure(visits, page: str, size: str) -> dict:
    """The page's shared visit in a window of that size, after checking that it loaded cleanly."""
    seen = visits(page, size)
    assert not seen["errors"] and not seen["failures"], f"{page}: {seen['errors']} {seen['failures']}"
    states = seen["charts"]
    assert states and not [s for s in states if s["error"] or not s["rendered"]], f"{page}: {states}"
    return seen


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=SIZES)
@pytest.mark.parametrize("page", CHART_PAGES)
def test_chart_text_is_readable(visits, page, viewport):
    texts = measure(visits, page, "phone" if viewport is PHONE else "desktop")["texts"]
    assert texts, f"{page}: no chart text found"
    smallest = min(texts, key=lambda t: t["px"])
    # printed for the record (pytest -s): the smallest chart text on each page at each width
    print(f"\n{page} at {viewport['width']} px: smallest chart text {smallest['px']:.1f} px "
          f"({smallest['text']!r}, {len({t['chart'] for t in texts})} charts)")
    small = sorted({(t["chart"], t["text"], round(t["px"], 1)) for t in texts if t["px"] < SMALLEST_TEXT - 0.05})
    assert not small, f"{page} at {viewport['width']} px: chart text below {SMALLEST_TEXT} px: {small[:8]}"


def test_there_are_chart_pages():
    assert len(CHART_PAGES) >= 8, CHART_PAGES


@pytest.mark.parametrize("page", ["notebooks/p1-1923-1927.html", "notebooks/p5-1937-1939.html"])
def test_a_tap_shows_the_details_a_hover_shows(browser, book_server, page):
    """On a touch screen, tapping a dot of the timeline opens its tooltip."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    tab = context.new_page()
    tab.goto(f"{book_server}/{page}", wait_until="load")
    wait_for_charts(tab)
    timeline = tab.locator(".sinosoviet-chart").filter(has=tab.locator("select[name=pick_category]")).first
    timeline.scroll_into_view_if_needed()
    dot = timeline.locator("svg .mark-symbol path").first
    box = dot.bounding_box()
    tab.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = tab.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=3000)
    text = tooltip.inner_text()
    context.close()
    assert re.search(r"Event", text) and re.search(r"\d{1,2} [A-Z][a-z]+ \d{4}", text), text


@pytest.mark.parametrize("page", ["notebooks/p1-1923-1927.html", "notebooks/p5-1937-1939.html"])
def test_the_year_sliders_narrow_the_timeline(browser, book_server, page):
    """Moving the timeline's "From year" slider to its last year leaves only that year's events
    drawn, in the page itself, with no kernel."""
    tab, errors, failures = open_page(browser, book_server, page, viewport=PHONE)
    wait_for_charts(tab)
    timeline = tab.locator(".sinosoviet-chart").filter(has=tab.locator("input[name=year_from]")).first
    timeline.scroll_into_view_if_needed()
    count = "el => el.querySelectorAll('svg .mark-symbol path').length"
    before = timeline.evaluate(count)
    last = timeline.locator("input[name=year_from]").get_attribute("max")
    timeline.locator("input[name=year_from]").evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", last)
    try:  # until the chart has redrawn, not a fixed pause
        tab.wait_for_function(f"([el, n]) => {{ const now = ({count})(el); return 0 < now && now < n; }}", arg=[timeline.element_handle(), before],
                              timeout=3_000, polling=50)
    except TimeoutError:
        pass  # the assertion below says what was drawn
    after = timeline.evaluate(count)
    tab.context.close()
    assert 0 < after < before, f"{page}: {before} events drawn, {after} after narrowing to {last}"
    assert not errors and not failures


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=SIZES)
@pytest.mark.parametrize("page", CHART_PAGES)
def test_chart_labels_do_not_overprint(visits, page, viewport):
    charts = visits(page, "phone" if viewport is PHONE else "desktop")["labels"]
    clashes = []
    for chart in charts:
        boxes = chart["boxes"]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                # 1 px of tolerance: glyph boxes include their line's leading
                if a["x0"] < b["x1"] - 1 and b["x0"] < a["x1"] - 1 and a["y0"] < b["y1"] - 1 and b["y0"] < a["y1"] - 1:
                    clashes.append((chart["chart"], a["text"], b["text"]))
    assert not clashes, f"{page} at {viewport['width']} px: labels printed over each other: {clashes[:6]}"
