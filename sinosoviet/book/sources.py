"""The bibliography (book/references.bib) is the one home of every source; data/sources.csv is
generated from it so that researchers can use the sources without BibTeX."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from pybtex.database import parse_file
from pybtex.backends.plaintext import Backend
from pybtex.richtext import Text

ROOT = Path(__file__).resolve().parents[2]
BIB = ROOT / "book" / "references.bib"
PLAIN_TEXT = Backend()
COLUMNS = ["id", "kind", "tier", "author", "title", "year", "publisher", "url", "note", "status"]
KINDS = ("book", "article", "chapter", "thesis", "document", "newspaper", "memoir", "reference", "webpage")
TIERS = ("primary", "scholarly", "reference", "popular", "unreliable")


def kind(entry) -> str:
    """What the work is: the entry's own `kind` field, else a guess from its BibTeX type."""
    if entry.fields.get("kind"):
        return entry.fields["kind"]
    url = entry.fields.get("url", "")
    if "history.state.gov" in url or entry.type == "misc" and not url:
        return "document"
    if entry.type == "misc":
        return "webpage"
    return {"book": "book", "article": "article", "incollection": "chapter", "phdthesis": "thesis"}.get(entry.type, "document")


def plain(text: str) -> str:
    """BibTeX text as plain Unicode, decoded as the book's bibliography decodes it: no braces,
    accents and ampersands unescaped (Charg{\\'e} → Chargé), -- as an en dash."""
    # the backend is passed, not named: naming it costs a plugin lookup (15 ms) per call
    return " ".join(Text.from_latex(text).render(PLAIN_TEXT).split())


def authors(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    return plain("; ".join(str(p) for p in people))


def source_rows(bib_path: Path = BIB) -> list[dict]:
    bib = parse_file(str(bib_path), bib_format="bibtex")
    rows = []
    for key, entry in sorted(bib.entries.items()):
        f = entry.fields
        rows.append({
            "id": key, "kind": kind(entry), "author": authors(entry), "title": plain(f.get("title", "")),
            "year": plain(f.get("year", "")),
            "publisher": plain(f.get("publisher") or f.get("journal") or f.get("booktitle") or f.get("howpublished", "")),
            "url": f.get("url", ""),
            "tier": f.get("tier", ""), "note": plain(f.get("note", "")),
            "status": f.get("status", "active"),  # a withdrawn work keeps its entry with status = withdrawn
        })
    return rows


def sources_csv(bib_path: Path = BIB) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(source_rows(bib_path))
    return out.getvalue()


if __name__ == "__main__":
    (ROOT / "data" / "sources.csv").write_text(sources_csv(), encoding="utf-8")
