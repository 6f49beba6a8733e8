"""Visits to the built book's pages in headless Chromium, shared by the page tests.

Each page is visited once per window size (DESKTOP, PHONE) on a worker, in a fresh browser
context with every non-loopback request blocked, and everything the tests of test_pages.py,
test_phone.py and test_speed.py check on a page as loaded is recorded in that one visit: console
errors and Vega warnings, failed requests, the files asked for, each chart's state, the width of
the page and what sticks out past the window, the size of every chart text, the boxes of chart
labels, and (desktop) axe-core's violations. The tests that work a control (a dropdown, a
slider, a tap) change the page, so they open their own."""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


def open_page(browser, base: str, page: str, viewport: dict | None = None, asked: list | None = None):
    """Open a page with every non-loopback request blocked; return (tab, console errors, failures).
    `asked`: a list to which the path of every request is added."""
    context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
    tab = context.new_page()
    errors, failures = [], []
    # errors, and Vega's own warnings about a spec ("WARN ...")
    tab.on("console", lambda msg: errors.append(msg.text)
           if msg.type == "error" or (msg.type == "warning" and msg.text.startswith("WARN")) else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("requestfailed", lambda req: failures.append(f"{req.url} ({req.failure})"))
    if asked is not None:
        tab.on("request", lambda request: asked.append(urlparse(request.url).path))

    def only_loopback(route):
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            failures.append(f"blocked request to another host: {route.request.url}")
            route.abort()

    context.route("**/*", only_loopback)
    tab.goto(f"{base}/{page}", wait_until="load")
    return tab, errors, failures


CHART_STATES = (
    "els => els.map(el => ({id: el.id, error: el.dataset.error || null, rendered: !!el.dataset.rendered,"
    " marks: el.querySelectorAll('svg .mark-rect path, svg .mark-rect, svg [class^=mark-] path,"
    " svg [class^=mark-] rect, svg [class^=mark-] circle, svg [class^=mark-] line, svg [class^=mark-] text').length}))")


# Charts and explorers draw as they come near the window (sinosoviet-charts.js,
# sinosoviet-tables.js); the page's hook draws them all
# (as for print). A page with a chart's spec and no hook fails here (a TypeError in the page).
DRAW_ALL = ("() => { if (document.querySelector('script.sinosoviet-spec, .sinosoviet-explorer')) "
            "window.sinosovietDrawAll(); }")


def draw_all(tab, timeout: float = 30_000) -> None:
    """Ask the page to draw every chart, wherever it is, once its deferred scripts have run."""
    tab.wait_for_function("() => document.readyState !== 'loading'", timeout=timeout)
    tab.evaluate(DRAW_ALL)


def wait_for_charts(tab, timeout: float = 30_000) -> list[dict]:
    """Draw every chart (draw_all), wait until every chart container has drawn or failed; report
    each one's state (a chart still undrawn at the timeout is reported as such, with no marks)."""
    draw_all(tab, timeout)
    try:
        tab.wait_for_function(
            "() => [...document.querySelectorAll('.sinosoviet-chart')].every("
            "el => el.dataset.rendered || el.dataset.error)", timeout=timeout, polling=100)
    except TimeoutError:
        pass
    return tab.eval_on_selector_all(".sinosoviet-chart", CHART_STATES)


# Each SVG text element's size as drawn: its computed font size times the SVG's scale on screen
# (rendered width over the width of its own coordinate system, the viewBox).
MEASURE = """els => els.flatMap(el => [...el.querySelectorAll('svg')].slice(0, 1).flatMap(svg => {
  const box = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width
    ? svg.viewBox.baseVal.width : parseFloat(svg.getAttribute('width'));
  const scale = svg.getBoundingClientRect().width / box;
  const chartRight = svg.getBoundingClientRect().right;
  return [...svg.querySelectorAll('text')]
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => ({chart: el.id, text: t.textContent.trim().slice(0, 40), right: chartRight,
                px: parseFloat(getComputedStyle(t).fontSize) * scale}));
}))"""

# Text marks drawn by the charts themselves (map labels, row labels), as boxes on the screen; a
# label hidden on a narrow map (opacity 0) is left out.
LABEL_BOXES = """els => els.map(el => ({chart: el.id, boxes: [...el.querySelectorAll('svg .mark-text text')]
  .filter(t => t.textContent.trim() && getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
  .map(t => { const r = t.getBoundingClientRect();
              return {text: t.textContent.trim(), x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; })}))"""

# Elements past the window's right edge, other than those scrolling inside their own frame
TOO_WIDE = (
    "els => els.filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 1"
    " && !el.closest('.sinosoviet-table-wrap, .highlight, .bd-sidebar-primary, .bd-sidebar-secondary'); })"
    ".map(el => el.tagName + ' ' + Math.round(el.getBoundingClientRect().right))")


def axe_script() -> str:
    """axe-core as `make test` fetched it from the npm registry (pinned version and checksum)."""
    path = Path(sys.prefix) / "share" / "axe-core" / "axe.min.js"
    if not path.exists():
        pytest.fail(f"{path} is missing: `make test` fetches axe-core from the npm registry")
    return str(path)


def visit(browser, base: str, page: str, size: str) -> dict:
    """One visit to a page in a window of `size` (desktop or phone): what the page tests check."""
    asked: list[str] = []
    tab, errors, failures = open_page(browser, base, page, viewport=VIEWPORTS[size], asked=asked)
    try:
        seen = {"charts": wait_for_charts(tab)}
        seen["page_width"] = tab.evaluate("() => document.documentElement.scrollWidth")
        seen["too_wide"] = tab.eval_on_selector_all(".sinosoviet-chart svg, img, table:not(.sinosoviet-data), pre", TOO_WIDE)
        seen["texts"] = tab.eval_on_selector_all(".sinosoviet-chart", MEASURE)
        seen["labels"] = tab.eval_on_selector_all(".sinosoviet-chart", LABEL_BOXES)
        if size == "desktop":
            # every part of the page checked, also what the page lays out only as it is read
            tab.add_style_tag(content="* { content-visibility: visible !important; }")
            tab.add_script_tag(path=axe_script())
            # no preload: axe would re-fetch @import-ed theme stylesheets against the page's URL (404s)
            seen["violations"] = tab.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations'], preload: false})).violations")
            # every file of a first visit (test_speed): nothing is still loading (usually so by now)
            tab.wait_for_load_state("networkidle")
    finally:
        tab.context.close()
    return {**seen, "errors": errors, "failures": failures, "asked": asked}
