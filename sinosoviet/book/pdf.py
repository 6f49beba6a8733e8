"""The print edition: the single-page HTML build printed to PDF by headless Chromium, after every
chart has drawn, so that each chart is in the PDF as vector SVG.

The engine is Chromium's own CSS paged media (sinosoviet/static/sinosoviet-print.css: @page
margin boxes for page numbers, a named page per chapter for its running head and new page), with
the book's shape added by sinosoviet/book/print.js (title page, contents, parts, in-document links,
the explorers as a pointer). Chromium also writes the PDF outline (bookmarks) from the headings
and tags the PDF. The contents' page numbers come from a first printing: each contents entry is a
link to its chapter, Chromium names a destination for each, and pypdf reads its page; the numbers are written in and
the book printed again (the numbers' box has a fixed width, so nothing moves). This keeps to one
engine, already pinned and tested for the charts, with no polyfill such as Paged.js re-paginating
a 1.6 MB page in JavaScript; nothing is fetched, and the book prints offline.

Usage: python -m sinosoviet.book.pdf HTML_DIR PAGE OUT.pdf  (writes OUT.json beside the PDF: the
charts drawn, the chapters and their pages, the tables too wide for the page)."""
from __future__ import annotations

import datetime
import io
import json
import re
import shutil
import sys
import time
from pathlib import Path

import yaml

from .browser import launch, serve

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("print.js")
# A4 less the margins of sinosoviet-print.css (18 mm each side), in CSS px: the text block that
# every table must fit (measured before printing).
TEXT_WIDTH_PX = round((210 - 2 * 18) / 25.4 * 96)


# A caption's sentence about working the chart on screen: hover, click, tap, choose in a menu,
# or the data table under the chart (a disclosure, not printed). print.js applies it as a RegExp.
SCREEN_SENTENCE = re.compile(r"[^.!?<>]*\b(?:[Hh]over|[Cc]lick|[Tt]ap|[Cc]hoose|table under the chart)\b[^<>]*?[.!?](?=\s|<|$)")


# The reference chapters, condensed for print: columns dropped (by their heading), elements
# hidden (CSS selectors), and a note in their place saying where the whole is.
CONDENSE = {
    "reading-the-source": {
        "hide": [".sinosoviet-claim .sinosoviet-table-wrap", ".sinosoviet-claim table"],
        "note": "In print each claim gives the article's words, the verdict and its reasoning. Every source's "
                "version of each claim, with locators and quotations, is tabulated in the web edition and in "
                "the data (data/claim_variants.csv)."},
    "about-the-data": {
        "hide": ["#the-columns-of-each-table > :not(:first-child)"],
        "note": "In print the codebook gives the data's conventions and how to use the tables; the columns of "
                "each table, with their types, meanings and constraints, are described in the web edition, in "
                "the codebook that travels with the data (data/README.md) and in data/datapackage.json."},
    "names-concordance": {
        "hide": [".sinosoviet-detail"],
        "note": "In print the concordance gives each name's spellings and script; aliases, coordinates and "
                "gazetteer links are in the web edition and in the data (data/people.csv, data/places.csv)."},
    "chronology": {
        "drop": ["Sources"],
        "hide": [".sinosoviet-detail"],
        "note": "In print the chronology lists each event by date, place, kind and title. What happened, and "
                "the sources for each event, are in the web edition and in the data (data/events.csv)."},
    "bibliography": {"drop": ["Kind", "Data rows citing it"], "note": ""},  # the note: WORKS_CITED
}
# The printed bibliography: the works the printed text cites.
WORKS_CITED = {
    "section": "bibliography",
    "note": "In print the bibliography lists the {cited} works cited in the printed text, each by the short "
            "form the text cites and its full reference. All {all} sources, including those cited only by "
            "rows of the data, with the kind of each work and the rows citing it, are in the web edition and "
            "in the data (data/sources.csv, data/citations.csv).",
}


def book_facts(root: Path = ROOT) -> dict:
    """What the title page says, from CITATION.cff (the one record of title, authors, version)."""
    from sinosoviet.pages import suggested_citation

    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    title, _, subtitle = cff["title"].partition(": ")
    released = cff["date-released"]
    released = released if isinstance(released, datetime.date) else datetime.date.fromisoformat(str(released))
    code_licence = (root / "LICENSE").read_text(encoding="utf-8").splitlines()[0].strip()
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return {
        "title": title, "subtitle": subtitle,
        "authors": "; ".join(a.get("name") or f"{a['given-names']} {a['family-names']}" for a in cff["authors"]),
        "edition": f"Version {cff['version']} · {released.day} {released:%B %Y}",
        "licence": f"Text and data: {cff['license']}. Code: {code_licence}.",
        "citation": f"Suggested citation: {suggested_citation(cff)}",
        "parts": [part["caption"] for part in toc["parts"]],
        "screenSentence": SCREEN_SENTENCE.pattern,
        "condense": CONDENSE,
        "worksCited": WORKS_CITED,
        "explore": ("The explorers are interactive and cannot be printed: the Explore the data page of the web "
                    "edition and, in Jupyter, the notebook notebooks/explore.ipynb let the reader filter the "
                    "book's tables and draw what is selected. The tables themselves are in the data package "
                    "described in About the data."),
    }


def destination_pages(pdf: bytes) -> dict[str, int]:
    """The page (from 1) of every link target in the PDF: Chromium names a destination after the
    id of each element an in-document link leads to."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return {name.lstrip("/"): reader.get_destination_page_number(dest) + 1
            for name, dest in reader.named_destinations.items()}


def tidy_outline(pdf: bytes, titles: list[str]) -> bytes:
    """Chromium names the bookmark of a heading that opens a named page twice over ("1. 1. The
    first alliance, 1923–1927The first alliance, 1923–1927"): such a bookmark takes its
    chapter's title. The renamed bookmarks are appended to Chromium's PDF as an incremental update
    (PDF 1.7, 7.5.6): the changed objects, their cross-reference entries and a trailer pointing to
    the original's, so the rest of the file is kept byte for byte and need not be rewritten."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, NameObject, NumberObject, TextStringObject

    reader = PdfReader(io.BytesIO(pdf))
    changed: dict[tuple[int, int], DictionaryObject] = {}

    def walk(node):
        while node is not None:
            item = node.get_object()
            title = str(item.get("/Title", ""))
            clean = next((t for t in titles if title != t and title.endswith(t.split(". ", 1)[-1])
                          and t in title), None)
            if clean:
                item[NameObject("/Title")] = TextStringObject(clean)
                changed[node.idnum, node.generation] = item
            walk(item.get("/First"))
            node = item.get("/Next")

    walk(reader.trailer["/Root"]["/Outlines"].get("/First"))
    if not changed:
        return pdf
    previous = re.findall(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf)
    if not previous:
        raise SystemExit("the printed PDF does not end with a cross-reference offset")
    out = io.BytesIO()
    out.write(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets = {}
    for (number, generation), item in sorted(changed.items()):
        offsets[number, generation] = out.tell()
        out.write(f"{number} {generation} obj\n".encode())
        item.write_to_stream(out)
        out.write(b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n")
    for (number, generation), offset in sorted(offsets.items()):
        out.write(f"{number} 1\n{offset:010d} {generation:05d} n \n".encode())
    trailer = DictionaryObject({NameObject(key): reader.trailer.raw_get(key)
                                for key in ("/Size", "/Root", "/Info", "/ID") if key in reader.trailer})
    trailer[NameObject("/Prev")] = NumberObject(int(previous[-1]))
    out.write(b"trailer\n")
    trailer.write_to_stream(out)
    out.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def print_pdf(html_dir: Path, page: str, out: Path) -> dict:
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    # Sphinx's single-page build writes asset links relative to the root, though the page sits in
    # book/ (the book's root document); a copy at the root finds them.
    shutil.copyfile(html_dir / page, html_dir / "print.html")
    server = serve(html_dir)
    try:
        with sync_playwright() as p:
            browser = launch(p)
            # the text block's width, so that what is measured below is what prints
            tab = browser.new_page(viewport={"width": TEXT_WIDTH_PX, "height": 1400})
            # offline, as the book: the single-page build still names MathJax's CDN, which is not needed
            tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                      else route.abort())
            tab.goto(f"http://127.0.0.1:{server.server_address[1]}/print.html", wait_until="load")
            # on screen a chart draws as it comes near the window: the page's hook draws them all
            tab.evaluate("() => { window.sinosovietDrawAll(); }")
            tab.wait_for_function("() => [...document.querySelectorAll('.sinosoviet-chart')]"
                                  ".every(el => el.dataset.rendered || el.dataset.error)", timeout=120_000)
            manifest = tab.evaluate("() => ({charts: document.querySelectorAll('.sinosoviet-chart').length,"
                                    " drawn: document.querySelectorAll('.sinosoviet-chart[data-rendered] svg').length,"
                                    " failed: [...document.querySelectorAll('.sinosoviet-chart[data-error]')].map(e => e.id)})")
            tab.emulate_media(media="print")
            shaped = tab.evaluate(SCRIPT.read_text(encoding="utf-8"), book_facts())
            entries, manifest["condense_unmatched"] = shaped["entries"], shaped["unmatched"]
            refs = shaped["refs"]
            tab.evaluate("document.fonts.ready")
            manifest["wide_tables"] = tab.evaluate(
                "() => [...document.querySelectorAll('article table')].filter(t => t.offsetParent !== null"
                " && t.getBoundingClientRect().right > document.querySelector('article').getBoundingClientRect().right + 1)"
                ".map(t => (t.closest('section[id]') || {}).id + ': ' + (t.querySelector('caption, thead') || t).textContent.trim().slice(0, 80))")

            def printed() -> bytes:
                return tab.pdf(prefer_css_page_size=True, print_background=True, outline=True, tagged=True)

            ids = [e["id"] for e in entries] + sorted(refs)

            def target_pages(pdf: bytes) -> dict[str, int]:
                found = destination_pages(pdf)
                return {i: found[i] for i in ids}

            pages = target_pages(printed())
            for _ in range(3):  # once in practice: the numbers' box has a fixed width
                tab.evaluate("pages => document.querySelectorAll('.print-page').forEach("
                             "span => { span.textContent = pages[span.dataset.target]; })", pages)
                pdf = printed()
                if target_pages(pdf) == pages:
                    break
                pages = target_pages(pdf)
            else:
                raise SystemExit("the contents' page numbers did not settle")
            browser.close()
    finally:
        server.shutdown()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(tidy_outline(pdf, [e["title"] for e in entries]))
    manifest["chapters"] = [{**e, "page": pages[e["id"]]} for e in entries]
    manifest["cross_references"] = [{"id": i, "title": title, "page": pages[i]} for i, title in sorted(refs.items())]
    manifest["seconds"] = round(time.monotonic() - started, 1)
    out.with_suffix(".json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


if __name__ == "__main__":
    html_dir, page, out = sys.argv[1:4]
    result = print_pdf(Path(html_dir), page, Path(out))
    print(f"{out}: {result['drawn']} of {result['charts']} charts drawn, printed in {result['seconds']} s")
    if result["failed"] or result["drawn"] != result["charts"]:
        raise SystemExit(f"charts failed to draw for print: {result['failed']}")
    if result["wide_tables"]:
        raise SystemExit("tables wider than the page: " + "; ".join(result["wide_tables"]))
