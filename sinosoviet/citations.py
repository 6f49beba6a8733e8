"""data/citations.csv, generated from the `sources` cells of every table and from claim_variants'
source_id and locator, so that standard tools can check every citation as a foreign key. The cells
stay the one source of truth; this table is derived from them, and a test keeps it in step.

    python -m sinosoviet.citations          # writes data/citations.csv

A bracketed locator in a cell (`src-garver1988[p. 53]`) is split into the place in the work
(`locator`: page, chapter, note, section, document, entry, infobox, abstract, route of a
document, a page of a web site) and the rest (`note`: what the source says there, how it was
read, a variant, "citing …"). claim_variants' own `locator` column is copied as it is.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from . import data

COLUMNS = ["id", "table_name", "row_id", "source_id", "locator", "note", "status"]

# A part of a bracketed locator that names a place in the work rather than what is found there.
PLACE = re.compile(
    r"^(?:(?:online |Kindle )?pp?\. \d"
    r"|ch\. \d|chapter \d|note \d|n\. \d|vol\. \d|CHC vol\. \d|doc\. \d|\S+ tel\. \d|route \d"
    r"|section '.+'$|abstract$|infobox$|author's preface$"
    r"|related_people/[a-z0-9/-]+$|biographie/[a-z0-9/-]+$)")


def split_locator(text: str) -> tuple[str, str]:
    """(locator, note) of a bracketed locator: its leading parts that name a place in the work,
    and the rest. Parts are separated by ", "; a place may be followed by ": " and a note."""
    if not text:
        return "", ""
    head, colon, tail = text.partition(": ")
    places: list[str] = []
    parts = head.split(", ")
    while parts and PLACE.match(parts[0]):
        places.append(parts.pop(0))
    if not places:
        return "", text
    rest = ", ".join(parts)
    if colon:
        rest = f"{rest}: {tail}" if rest else tail
    return ", ".join(places), rest


def status_of(frame: pd.DataFrame) -> list[str]:
    """The status of each citing row: its own, where its table has one, else active."""
    return [str(s) for s in frame["status"]] if "status" in frame else ["active"] * len(frame)


def citations(tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per citation: each source named in a `sources` cell, in table, row and cell order,
    then each claim variant's source."""
    tables = tables if tables is not None else {n: data.load(n) for n in data.table_names() if n != "citations"}
    rows = []
    for res in data.package()["resources"]:
        name = res["name"]
        listed = [f["name"] for f in res["schema"]["fields"] if f.get("sinosoviet:listOf") == "sources"]
        for column in listed:
            frame = tables[name]
            for row_id, cell, status in zip(frame["id"], frame[column], status_of(frame)):
                for n, (source_id, bracketed) in enumerate(data.source_refs(cell), start=1):
                    rows.append((f"ci-{row_id}-{n}", name, row_id, source_id, *split_locator(bracketed), status))
    variants = tables["claim_variants"]
    for row_id, source_id, locator, status in zip(variants["id"], variants["source_id"], variants["locator"],
                                                  status_of(variants)):
        rows.append((f"ci-{row_id}-1", "claim_variants", row_id, source_id, locator, "", status))
    return pd.DataFrame(rows, columns=COLUMNS)


def to_csv(frame: pd.DataFrame) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(frame[COLUMNS].itertuples(index=False, name=None))
    return out.getvalue()


def write(data_dir: Path | str = data.DATA_DIR) -> Path:
    path = Path(data_dir) / "citations.csv"
    path.write_text(to_csv(citations()), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write())
