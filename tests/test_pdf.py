"""The print edition (make pdf): a book — title page, contents whose page numbers are right,
bookmarks, page numbers and running heads, every chapter, chart and figure number, every glyph in
an embedded font, nothing from the screen, no link to the machine that printed it.

Page texts and fonts come from Debian's poppler-utils (pdftotext, pdffonts, pdftohtml; `make pdf`
installs them), read once per module where several tests share them."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from sinosoviet import data
from sinosoviet.book import fonts

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "_build" / "pdf" / "book.pdf"
CJK = [r for stem, _, _, ranges in fonts.FACES if stem == "noto-sans-cjk-sc" for r in ranges]


def poppler(tool: str, *args: str) -> str:
    if not PDF.exists():
        pytest.fail("the PDF is not built: run `make pdf` (make test does it first)")
    if not shutil.which(tool):
        pytest.fail(f"{tool} is missing: `make pdf` installs Debian's poppler-utils")
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def pages() -> list[str]:
    """Each page's text, laid out as printed (running head first, page number last)."""
    # NFKC: the PDF sets "fi" and "fl" as ligature glyphs
    return [unicodedata.normalize("NFKC", page) for page in poppler("pdftotext", "-layout", str(PDF), "-").split("\f")[:-1]]


@pytest.fixture(scope="module")
def text(pages) -> str:
    return " ".join(" ".join(page.split()) for page in pages)


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(PDF.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reader():
    from pypdf import PdfReader

    return PdfReader(str(PDF))


def lines(page: str) -> list[str]:
    return [" ".join(line.split()) for line in page.splitlines() if line.strip()]


def test_every_chapter_is_in_the_pdf(text):
    for title in data.load("periods").title:
        assert title in text, f"chapter missing from the PDF: {title}"
    for heading in ["Reading the source", "Names concordance", "Chronology", "Bibliography", "About the data"]:
        assert heading in text, f"{heading} missing from the PDF"


def test_every_chart_drew_for_print(manifest):
    figures = sum(len(re.findall(r'"figure": \{', (ROOT / "notebooks" / nb).read_text(encoding="utf-8")))
                  for nb in ["p1-1923-1927.ipynb", "p2-1927-1931.ipynb", "p3-1931-1935.ipynb", "p4-1935-1937.ipynb",
                             "p5-1937-1939.ipynb", "p6-1939-1941.ipynb"])
    assert manifest["failed"] == [] and manifest["drawn"] == manifest["charts"] >= figures


def test_charts_and_figure_numbers_are_in_the_pdf(text):
    for title in ["Events, 1923–1927", "Places of 1937–1939", "Soviet credits to China", "Air actions: claims against"]:
        assert title in text, f"chart title missing from the PDF: {title}"
    assert len(set(re.findall(r"Fig\. \d+\.\d+", text))) >= 18


def test_bibliography_and_concordance_entries(text):
    assert "Missionaries of Revolution" in text and "Blyukher" in text and "Alma-Ata" in text


def test_title_page(pages):
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    title, _, subtitle = cff["title"].partition(": ")
    first = " ".join(pages[0].split())
    for fact in [title, subtitle, cff["authors"][0]["name"], f"Version {cff['version']}", cff["license"],
                 "Suggested citation"]:
        assert fact in first, f"title page lacks {fact!r}"


def test_contents_give_the_page_each_chapter_starts_on(pages, manifest):
    chapters = manifest["chapters"]
    periods = set(data.load("periods").title)
    assert periods <= {re.sub(r"^\d+\. ", "", c["title"]) for c in chapters}
    first_chapter = min(c["page"] for c in chapters)
    contents = " ".join(" ".join(page.split()) for page in pages[1:first_chapter - 1])
    assert contents.startswith("Contents")
    for chapter in chapters:
        listed = re.search(re.escape(chapter["title"]) + r" (\d+)\b", contents)
        assert listed, f"the contents lack {chapter['title']!r} with a page number"
        page = int(listed.group(1))
        heading = lines(pages[page - 1])
        # the chapter's heading opens its page (after the running head, if any)
        assert chapter["title"] in heading[:2], f"{chapter['title']!r} is listed at p. {page}, which opens {heading[:2]}"


def test_cross_references_give_the_page_of_what_they_name(pages, manifest):
    refs = manifest["cross_references"]
    assert len(refs) >= 10, "cross-references to chapters and sections carry no page number"
    for ref in refs:
        assert ref["title"] in " ".join(pages[ref["page"] - 1].split()), \
            f"a reference to {ref['title']!r} says p. {ref['page']}, which does not hold it"


def test_outline_holds_parts_chapters_and_sections(reader, manifest):
    def titles(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from titles(item, depth + 1)
            else:
                yield depth, item.title
    outline = list(titles(reader.outline))
    for chapter in manifest["chapters"]:
        depth = 0 if chapter["level"] == "part" or chapter["id"] == "introduction" else 1
        assert (depth, chapter["title"]) in outline, f"no bookmark for {chapter['title']!r}"
    assert sum(depth == 2 for depth, _ in outline) >= 30, "sections within chapters have no bookmarks"


def test_every_page_after_the_front_matter_has_its_number_and_running_head(pages, manifest):
    chapters = [c for c in manifest["chapters"] if c["level"] == "chapter"]
    for number in range(chapters[0]["page"], len(pages) + 1):
        chapter = [c for c in chapters if c["page"] <= number][-1]
        text = lines(pages[number - 1])
        assert text and text[-1] == str(number), f"p. {number} ends with {text[-1:]}, not its number"
        if number > chapter["page"]:
            assert text[0] == chapter["title"], f"p. {number}: running head {text[0]!r}, not {chapter['title']!r}"


def test_no_link_to_the_machine_that_printed_it(reader):
    uris, internal = [], 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A") or {}
            if "/URI" in action:
                uris.append(str(action["/URI"]))
            elif "/Dest" in annot or action.get("/S") == "/GoTo":
                internal += 1
    loopback = [u for u in uris if re.search(r"//(127\.0\.0\.1|localhost|\[::1\])", u)]
    assert not loopback, f"{len(loopback)} links to a loopback address, e.g. {loopback[0]}"
    assert not [u for u in uris if u.startswith("file:")]
    assert internal >= 100, f"only {internal} in-document links: citations and cross-references should lead within the PDF"


SCREEN = ["Show code cell", "Hide code cell", "Data shown in this chart", "hover", "Hover", "click", "Click",
          "Choose a", "Highlight category", ".controls[", "explore.timeline(", "explore.aid(", "ipywidgets.",
          "Copy to clipboard"]


def test_nothing_from_the_screen(text):
    found = {s: text.count(s) for s in SCREEN if s in text}
    assert not found, f"screen-only text in print: {found}"
    assert "web edition" in text  # the explorers print as a pointer to it


def test_every_font_is_embedded_and_no_glyph_is_drawn(reader):
    listing = poppler("pdffonts", str(PDF)).splitlines()[2:]
    assert listing and all(" yes " in f" {line} " for line in listing)
    assert not [line for line in listing if "Type 3" in line], "glyphs drawn as Type 3 shapes, not set in a font"
    assert any("NotoSansCJKsc" in line for line in listing), "the book's CJK font is not embedded"


def test_every_cjk_character_is_set_in_the_cjk_font(pages):
    """Each run of Chinese or Japanese text is set in the Noto CJK subset, not drawn as a box by a
    font without it, and every CJK character of the book's text and data that the PDF prints is there.
    The runs are poppler's (pdftohtml -xml): a run of text ends wherever the font changes, and
    names the font its glyphs are drawn from."""
    cjk_pages = [n for n, page in enumerate(pages) if any(fonts.in_ranges(c, CJK) for c in page)]
    assert len(cjk_pages) >= 5
    document = ElementTree.fromstring(poppler("pdftohtml", "-xml", "-i", "-q", "-stdout", str(PDF)))
    font_names = {spec.get("id"): spec.get("family", "") for spec in document.iter("fontspec")}  # ids: the whole PDF's
    runs = [(font_names[run.get("font")], "".join(run.itertext())) for run in document.iter("text")]
    runs = [(font, text) for font, text in runs if any(fonts.in_ranges(c, CJK) for c in text)]
    assert runs
    print(f"\n{len(runs)} runs of CJK text on {len(cjk_pages)} pages, in {sorted({font for font, _ in runs})}")
    wrong = {font for font, _ in runs if "NotoSansCJK" not in font}
    assert not wrong, f"CJK text set in {wrong}"
    printed = {c for _, text in runs for c in text if fonts.in_ranges(c, CJK)}
    from fontTools.ttLib import TTFont
    cmap = TTFont(str(fonts.OUT / "noto-sans-cjk-sc.woff2")).getBestCmap()
    assert all(ord(c) in cmap for c in printed)
    assert len(printed) >= 200, f"only {len(printed)} distinct CJK characters printed"


def test_no_table_is_wider_than_the_text_block(manifest):
    assert manifest["wide_tables"] == []


def test_condensing_found_what_it_condenses(manifest):
    # a reference chapter, column or element renamed in the web book: update pdf.CONDENSE
    assert manifest["condense_unmatched"] == []


def test_proportion(manifest, pages):
    """The narrative (the introduction, the overview and the six period chapters) is at least half
    of the volume: the reference matter is condensed for print. Printed for the record."""
    starts = {c["id"]: c["page"] for c in manifest["chapters"]}
    evidence = next(c["page"] for c in manifest["chapters"] if c["title"] == "Evidence")
    narrative = evidence - starts["introduction"]
    share = narrative / len(pages)
    print(f"\n{len(pages)} pages; narrative pp. {starts['introduction']}–{evidence - 1} "
          f"({narrative} pages, {share:.0%}); PDF {PDF.stat().st_size / 1e6:.1f} MB; printed in {manifest['seconds']} s")
    assert share >= 0.5
