"""The built book: every page loads from loopback alone, without console errors or failed
requests, and every chart draws marks."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest

from conftest import HTML, book_pages

PAGES = book_pages()
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class ResourceLinks(HTMLParser):
    """Addresses a page loads by itself: scripts, stylesheets, images, frames, fonts."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href") and (attrs.get("rel") or "") not in ("canonical", "alternate"):
            self.urls.append(attrs["href"])


def remote(url: str) -> bool:
    return url.startswith("//") or (urlparse(url).scheme in ("http", "https") and urlparse(url).hostname not in LOCAL_HOSTS)


def test_book_has_pages():
    assert "index.html" in PAGES and len(PAGES) >= 2, f"book pages found: {PAGES}"


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_nothing_from_other_hosts(page):
    parser = ResourceLinks()
    parser.feed((HTML / page).read_text(encoding="utf-8"))
    assert not [u for u in parser.urls if remote(u)], f"{page} loads resources from another host"


def test_stylesheets_load_no_remote_fonts():
    offenders = [str(css.relative_to(HTML)) for css in HTML.rglob("*.css")
                 if re.search(r"@import\s+url\(\s*['\"]?https?:|url\(\s*['\"]?https?://", css.read_text(encoding="utf-8", errors="replace"))]
    assert not offenders, f"stylesheets that load from another host: {offenders}"


def open_page(browser, base: str, page: str, viewport: dict | None = None):
    """Open a page with every non-loopback request blocked; return (tab, console errors, failures)."""
    context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
    tab = context.new_page()
    errors, failures = [], []
    # errors, and Vega's own warnings about a spec ("WARN ...")
    tab.on("console", lambda msg: errors.append(msg.text)
           if msg.type == "error" or (msg.type == "warning" and msg.text.startswith("WARN")) else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("requestfailed", lambda req: failures.append(f"{req.url} ({req.failure})"))

    def only_loopback(route):
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            failures.append(f"blocked request to another host: {route.request.url}")
            route.abort()

    context.route("**/*", only_loopback)
    tab.goto(f"{base}/{page}", wait_until="load")
    return tab, errors, failures


def wait_for_charts(tab) -> list[dict]:
    """Wait until every chart container has drawn or failed; report each one's state."""
    tab.wait_for_function(
        "() => [...document.querySelectorAll('.sinosoviet-chart')].every("
        "el => el.dataset.rendered || el.dataset.error)", timeout=10_000)
    return tab.eval_on_selector_all(
        ".sinosoviet-chart",
        "els => els.map(el => ({id: el.id, error: el.dataset.error || null,"
        " marks: el.querySelectorAll('svg .mark-rect path, svg .mark-rect, svg [class^=mark-] path,"
        " svg [class^=mark-] rect, svg [class^=mark-] circle, svg [class^=mark-] line, svg [class^=mark-] text').length}))")


def visit(browser, base: str, page: str) -> dict:
    """One visit to a page: console errors, failed requests, charts, and axe-core's violations."""
    tab, errors, failures = open_page(browser, base, page)
    charts = wait_for_charts(tab)
    tab.add_script_tag(path=axe_script())
    # no preload: axe would re-fetch @import-ed theme stylesheets against the page's URL (404s)
    axe = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations'], preload: false})")
    tab.context.close()
    return {"errors": errors, "failures": failures, "charts": charts, "violations": axe["violations"]}


@pytest.fixture(scope="module")
def visits(browser, book_server):
    cache = {}

    def get(page: str) -> dict:
        if page not in cache:
            cache[page] = visit(browser, book_server, page)
        return cache[page]

    return get


def axe_script() -> str:
    """axe-core as `make test` fetched it from the npm registry (pinned version and checksum)."""
    path = Path(sys.prefix) / "share" / "axe-core" / "axe.min.js"
    if not path.exists():
        pytest.fail(f"{path} is missing: `make test` fetches axe-core from the npm registry")
    return str(path)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_offline(visits, page):
    seen = visits(page)
    assert not seen["failures"], f"{page}: failed requests {seen['failures']}"
    assert not seen["errors"], f"{page}: console errors {seen['errors']}"
    broken = [c for c in seen["charts"] if c["error"] or c["marks"] == 0]
    assert not broken, f"{page}: charts that did not draw {broken}"


@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_serious_accessibility_violations(visits, page):
    """axe-core (from the npm registry) on the rendered page, charts drawn."""
    serious = [f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']}"
               for v in visits(page)["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{page}: " + "; ".join(serious)


@pytest.mark.parametrize("page", ["notebooks/p1-1923-1927.html", "notebooks/p5-1937-1939.html"])
def test_bound_dropdown_redraws_the_chart(browser, book_server, page):
    """Choosing a category in a chart's own dropdown fades the other categories, with no kernel."""
    tab, errors, failures = open_page(browser, book_server, page)
    wait_for_charts(tab)
    timeline = tab.locator(".sinosoviet-chart").filter(has=tab.locator("select[name=pick_category]")).first
    timeline.scroll_into_view_if_needed()
    before = timeline.evaluate("el => [...el.querySelectorAll('svg path')].filter(p => p.getAttribute('opacity') === '0.12').length")
    timeline.locator("select[name=pick_category]").select_option("aid")
    tab.wait_for_timeout(300)
    after = timeline.evaluate("el => [...el.querySelectorAll('svg path')].filter(p => p.getAttribute('opacity') === '0.12').length")
    tab.context.close()
    assert before == 0 and after > 0, f"{page}: faded marks before {before}, after choosing 'aid' {after}"
    assert not errors and not failures


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("page", PAGES)
def test_page_reads_in_a_narrow_window(browser, book_server, page):
    """In a phone-sized window nothing makes the page scroll sideways: charts scale down to the
    column and wide tables scroll inside their own frame."""
    tab, errors, failures = open_page(browser, book_server, page, viewport=PHONE)
    wait_for_charts(tab)
    page_width = tab.evaluate("() => document.documentElement.scrollWidth")
    too_wide = tab.eval_on_selector_all(
        ".sinosoviet-chart svg, img, table:not(.sinosoviet-data), pre",
        "els => els.filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 1"
        " && !el.closest('.sinosoviet-table-wrap, .highlight, .bd-sidebar-primary, .bd-sidebar-secondary'); })"
        ".map(el => el.tagName + ' ' + Math.round(el.getBoundingClientRect().right))")
    tab.context.close()
    assert page_width <= PHONE["width"], f"{page}: the page is {page_width} px wide in a {PHONE['width']} px window"
    assert not too_wide, f"{page}: elements past the right edge: {too_wide[:5]}"
    assert not errors and not failures
