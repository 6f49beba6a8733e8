"""The print edition: the single-page HTML build printed to PDF by headless Chromium, after every
chart has drawn, so that each chart is in the PDF as vector SVG.

Usage: python -m sinosoviet.book.pdf HTML_DIR PAGE OUT.pdf  (writes OUT.json beside the PDF: how many
charts the page had and how many drew)."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from .browser import launch, serve

def print_pdf(html_dir: Path, page: str, out: Path) -> dict:
    from playwright.sync_api import sync_playwright

    # Sphinx's single-page build writes asset links relative to the root, though the page sits in
    # book/ (the book's root document); a copy at the root finds them.
    shutil.copyfile(html_dir / page, html_dir / "print.html")
    server = serve(html_dir)
    try:
        with sync_playwright() as p:
            browser = launch(p)
            tab = browser.new_page(viewport={"width": 1000, "height": 1400})
            # offline, as the book: the single-page build still names MathJax's CDN, which is not needed
            tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                      else route.abort())
            tab.goto(f"http://127.0.0.1:{server.server_address[1]}/print.html", wait_until="load")
            tab.wait_for_function("() => [...document.querySelectorAll('.sinosoviet-chart')]"
                                  ".every(el => el.dataset.rendered || el.dataset.error)", timeout=120_000)
            manifest = tab.evaluate("() => ({charts: document.querySelectorAll('.sinosoviet-chart').length,"
                                    " drawn: document.querySelectorAll('.sinosoviet-chart[data-rendered] svg').length,"
                                    " failed: [...document.querySelectorAll('.sinosoviet-chart[data-error]')].map(e => e.id)})")
            tab.emulate_media(media="print")
            out.parent.mkdir(parents=True, exist_ok=True)
            tab.pdf(path=str(out), format="A4", print_background=True,
                    margin={"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
            browser.close()
    finally:
        server.shutdown()
    out.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


if __name__ == "__main__":
    html_dir, page, out = sys.argv[1:4]
    result = print_pdf(Path(html_dir), page, Path(out))
    print(f"{out}: {result['drawn']} of {result['charts']} charts drawn")
    if result["failed"] or result["drawn"] != result["charts"]:
        raise SystemExit(f"charts failed to draw for print: {result['failed']}")
