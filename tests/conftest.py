"""Shared fixtures: the built book served on loopback, and a headless Chromium that can reach
nothing else."""
from __future__ import annotations

from pathlib import Path

import pytest

from sinosoviet.book.browser import launch, serve

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"


def book_pages() -> list[str]:
    """Every HTML page of the built book, relative to _build/html."""
    if not (HTML / "index.html").exists():
        return []
    return sorted(str(p.relative_to(HTML)) for p in HTML.rglob("*.html") if "_static" not in p.parts)


@pytest.fixture(scope="session")
def book_server():
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make book` (make test does it first)")
    server = serve(HTML)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


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
