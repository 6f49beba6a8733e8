"""The built book: every page loads from loopback alone, without console errors or failed
requests, and every chart draws marks. The checks on a page as loaded read one shared visit per
page and window size (tests/visits.py)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError

from conftest import HTML, book_pages
from visits import LOCAL_HOSTS, PHONE, open_page, wait_for_charts

PAGES = book_pages()


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


def test_the_root_page_sends_the_reader_on_with_a_language_title_and_icon():
    """index.html, which a host serves for the site's address, is a whole page: language, title,
    an icon (without one a browser asks for /favicon.ico, which the book has not: a failed request
    at every visit; its failed and aborted requests are checked with every page's below) and a
    link for a client that does not follow its refresh."""
    text = (HTML / "index.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="en">' in text, text[:200]
    assert "<title>Soviet Intervention in China, 1923–1941</title>" in text
    assert '<link rel="icon" href="data:," />' in text
    target = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', text)[1]
    assert (HTML / target).is_file() and f'<a href="{target}">' in text, target


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_nothing_from_other_hosts(page):
    parser = ResourceLinks()
    parser.feed((HTML / page).read_text(encoding="utf-8"))
    assert not [u for u in parser.urls if remote(u)], f"{page} loads resources from another host"


def test_stylesheets_load_no_remote_fonts():
    offenders = [str(css.relative_to(HTML)) for css in HTML.rglob("*.css")
                 if re.search(r"@import\s+url\(\s*['\"]?https?:|url\(\s*['\"]?https?://", css.read_text(encoding="utf-8", errors="replace"))]
    assert not offenders, f"stylesheets that load from another host: {offenders}"


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_offline(visits, page):
    seen = visits(page)
    assert not seen["failures"], f"{page}: failed requests {seen['failures']}"
    assert not seen["errors"], f"{page}: console errors {seen['errors']}"
    broken = [c for c in seen["charts"] if c["error"] or c["marks"] == 0]
    assert not broken, f"{page}: charts that did not draw {broken}"


@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_accessibility_violations(visits, page):
    """axe-core (from the npm registry) on the rendered page, charts drawn: no violation of any
    impact (moderate ones too, such as two regions of one name or content outside every landmark)."""
    found = [f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']}"
             for v in visits(page)["violations"]]
    assert not found, f"{page}: " + "; ".join(found)


@pytest.mark.parametrize("page", ["notebooks/p1-1923-1927.html", "notebooks/p5-1937-1939.html"])
def test_bound_dropdown_redraws_the_chart(browser, book_server, page):
    """Choosing a category in a chart's own dropdown fades the other categories, with no kernel."""
    tab, errors, failures = open_page(browser, book_server, page)
    wait_for_charts(tab)
    timeline = tab.locator(".sinosoviet-chart").filter(has=tab.locator("select[name=pick_category]")).first
    timeline.scroll_into_view_if_needed()
    faded = "el => [...el.querySelectorAll('svg path')].filter(p => p.getAttribute('opacity') === '0.12').length"
    before = timeline.evaluate(faded)
    timeline.locator("select[name=pick_category]").select_option("aid")
    try:  # until the chart has redrawn, not a fixed pause
        tab.wait_for_function(f"el => ({faded})(el) > 0", arg=timeline.element_handle(), timeout=3_000, polling=50)
    except TimeoutError:
        pass  # the assertion below says what was drawn
    after = timeline.evaluate(faded)
    tab.context.close()
    assert before == 0 and after > 0, f"{page}: faded marks before {before}, after choosing 'aid' {after}"
    assert not errors and not failures


@pytest.mark.parametrize("page", PAGES)
def test_page_reads_in_a_narrow_window(visits, page):
    """In a phone-sized window nothing makes the page scroll sideways: charts scale down to the
    column and wide tables scroll inside their own frame."""
    seen = visits(page, "phone")
    assert seen["page_width"] <= PHONE["width"], f"{page}: the page is {seen['page_width']} px wide in a {PHONE['width']} px window"
    assert not seen["too_wide"], f"{page}: elements past the right edge: {seen['too_wide'][:5]}"
    assert not seen["errors"] and not seen["failures"], f"{page}: {seen['errors']} {seen['failures']}"
