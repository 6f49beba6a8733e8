"""The print edition (make pdf): every chapter, every chart, figure numbers, the bibliography and
the concordance are in the PDF."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from sinosoviet import data

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "_build" / "pdf" / "book.pdf"


@pytest.fixture(scope="module")
def text():
    if not PDF.exists():
        pytest.fail("the PDF is not built: run `make pdf` (make test does it first)")
    from pypdf import PdfReader

    # NFKC: the PDF sets "fi" and "fl" as ligature glyphs
    return unicodedata.normalize("NFKC", " ".join(" ".join((page.extract_text() or "").split())
                                                  for page in PdfReader(str(PDF)).pages))


def test_every_chapter_is_in_the_pdf(text):
    for title in data.load("periods").title:
        assert title in text, f"chapter missing from the PDF: {title}"
    for heading in ["Reading the source", "Names concordance", "Chronology", "Bibliography", "About the data"]:
        assert heading in text, f"{heading} missing from the PDF"


def test_every_chart_drew_for_print():
    manifest = json.loads(PDF.with_suffix(".json").read_text(encoding="utf-8"))
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
