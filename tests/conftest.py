"""Shared fixtures: the built book served on loopback, and a headless Chromium that can reach
nothing else (one of each per pytest-xdist worker); and how `make test` spreads the suite over the
cores."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from sinosoviet.book.browser import launch, serve
from visits import visit

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"


def book_pages() -> list[str]:
    """Every HTML page of the built book, relative to _build/html."""
    if not (HTML / "index.html").exists():
        return []
    return sorted(str(p.relative_to(HTML)) for p in HTML.rglob("*.html") if "_static" not in p.parts)


# How `make test` shares the suite between two workers (pytest-xdist, `-n 2 --dist loadgroup`).
# A unit of work runs whole on one worker: a module's tests share its module-scoped fixtures (one
# JupyterLab session, one PDF text), and an nbval notebook's cells share one kernel and run in
# order. The page tests of test_pages, test_phone and test_speed are grouped by page instead, across
# the three modules, since they share that page's visits (the `visits` fixture, one cache per
# worker). Units start longest first, so that the short ones fill in at the end and both workers
# finish together: COST gives rough seconds, measured on the 2-core machine (only their order
# matters); other pages, notebooks and modules take the defaults at the end.
COST = {
    "tests/test_jupyterlab.py": 40,
    # pages: a desktop visit (with axe-core, slow on long pages) and a phone visit; on p1 and p5
    # the timeline's controls are also worked, each in a visit of its own
    "page:notebooks/reading-the-source.html": 20, "page:notebooks/p5-1937-1939.html": 20,
    "page:notebooks/p1-1923-1927.html": 15, "page:notebooks/data.html": 11, "page:notebooks/names.html": 10,
    "page:notebooks/chronology.html": 10,
    "tests/test_gazetteer.py": 12, "tests/test_explore_page.py": 12, "tests/test_explore.py": 10,
    "tests/test_package.py": 10, "tests/test_reference_pages.py": 9, "tests/test_reuse.py": 7,
    "tests/test_speed.py": 6, "tests/test_freshness.py": 6, "tests/test_release.py": 5, "tests/test_citations.py": 4,
    "tests/test_pdf.py": 4,
    "page": 6, "notebook": 4,
}
PAGE_TEST = re.compile(r"^tests/test_(pages|phone|speed)\.py::\w+\[(?P<page>[^\]]+?\.html)(-[^\]]*)?\]$")


def unit(nodeid: str) -> str:
    """The unit of work a test belongs to: its page, or its file."""
    page = PAGE_TEST.match(nodeid)
    return f"page:{page['page']}" if page else nodeid.split("::", 1)[0]


def cost(scope: str) -> float:
    kind = "page" if scope.startswith("page:") else "notebook" if scope.endswith(".ipynb") else scope
    return COST.get(scope, COST.get(kind, 2))


def pytest_collection_modifyitems(config, items):
    # a stable sort: the longest units first, the tests of a unit keep their order
    items.sort(key=lambda item: -cost(unit(item.nodeid)))


@pytest.hookimpl(optionalhook=True, tryfirst=True)  # a hook of pytest-xdist, ahead of its own
def pytest_xdist_make_scheduler(config, log):
    """xdist's own loadgroup reads `xdist_group` marks through an attribute pytest 9 no longer
    has, so the grouping is done here instead, from the test ids."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit(nodeid)

    config.option.loadscopereorder = False  # keep the order above, not xdist's (by test count)
    return UnitScheduling(config, log)


@pytest.fixture(scope="session")
def book_server():
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make book` (make test does it first)")
    server = serve(HTML, compressed=True)  # as a static host serves it: the .br and .gz copies
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def visits(browser, book_server):
    """visits(page, size="desktop"): the one visit to a page in a window of that size on this
    worker (tests/visits.py), made on first use and shared by every check of the page as loaded."""
    cache: dict[tuple[str, str], dict] = {}

    def get(page: str, size: str = "desktop") -> dict:
        if (page, size) not in cache:
            cache[page, size] = visit(browser, book_server, page, size)
        return cache[page, size]

    return get


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        try:
            browser = launch(p)
        except RuntimeError as err:
            pytest.fail(str(err))
        yield browser
        browser.close()
