"""HTML tables for the reference pages (names, chronology, claims), built from the datasets.

Every value is escaped: the data may hold any text, and it is shown, never interpreted."""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from .render import html_table

VERDICT_LABELS = {"supported": "Supported", "contested": "Contested", "wrong": "Wrong", "unresolved": "Unresolved"}


def text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def table(frame: pd.DataFrame, headers: dict[str, str], caption: str | None = None) -> str:
    """An escaped HTML table of the given columns, in the given order, with readable headers."""
    rows = ([text(v) for v in row] for row in frame[list(headers)].itertuples(index=False))
    return html_table(list(headers.values()), rows, caption)


def life(row) -> str:
    born, died = text(row.born), text(row.died)
    return f"{born or '?'}–{died or '?'}" if born or died else ""


def people_concordance(people: pd.DataFrame) -> HTML:
    rows = people[people.status == "active"].sort_values("name").assign(life=lambda f: f.apply(life, axis=1))
    return HTML(table(rows, {"name": "Name in this book", "name_pinyin": "Pinyin", "name_period": "Period spelling",
                             "name_native": "Native script", "aliases": "Aliases", "nationality": "Nationality",
                             "role": "Role", "life": "Life", "id": "Id"},
                      f"{len(rows)} people, alphabetical by the name used in this book"))


def places_concordance(places: pd.DataFrame) -> HTML:
    rows = places[places.status == "active"].sort_values("name").assign(
        position=lambda f: f.apply(lambda r: "" if pd.isna(r.lat) else f"{r.lat:.2f}, {r.lon:.2f}", axis=1))
    return HTML(table(rows, {"name": "Name in this book", "name_pinyin": "Pinyin", "name_period": "Period spelling",
                             "name_native": "Native script", "aliases": "Aliases", "kind": "Kind",
                             "country_1930s": "Held by (1930s)", "position": "Lat, lon", "id": "Id"},
                      f"{len(rows)} places, alphabetical by the name used in this book"))


def when(row) -> str:
    """A date as precisely as it is known."""
    start, end, precision = row.date_start, row.date_end, row.date_precision
    if precision == "year" and start.year == end.year:
        return str(start.year)
    if precision == "month" and (start.year, start.month) == (end.year, end.month):
        return start.strftime("%B %Y")
    first = start.strftime("%-d %B %Y") if precision == "day" else start.strftime("%B %Y")
    last = end.strftime("%-d %B %Y") if precision == "day" else end.strftime("%B %Y")
    return first if first == last else f"{first} – {last}"


def chronology(events: pd.DataFrame, places: pd.DataFrame, period_id: str) -> HTML:
    names = places.set_index("id")["name"]
    rows = events[(events.period_id == period_id) & (events.status == "active")].sort_values(["date_start", "id"])
    rows = rows.assign(when=rows.apply(when, axis=1), place=rows.place_id.map(names),
                       sources_list=rows.sources.str.replace(";", "; "))
    return HTML(table(rows, {"when": "When", "title": "Event", "description": "What happened", "category": "Category",
                             "place": "Place", "sources_list": "Sources", "id": "Id"}))


def claim_block(claim, variants: pd.DataFrame) -> str:
    mine = variants[variants.claim_id == claim.id]
    seed = mine[mine.source_id == "src-globalsecurity-2019"]
    others = mine[mine.source_id != "src-globalsecurity-2019"]
    quote = "".join(f"<blockquote>{html.escape(text(q))}</blockquote>" for q in seed.quote)
    verdict = text(claim.verdict)
    out = [f'<div class="sinosoviet-claim" id="{html.escape(claim.id)}">',
           f'<p><strong>{html.escape(claim.id)} · {html.escape(text(claim.topic))}</strong> — '
           f'<span class="verdict verdict-{html.escape(verdict)}">{VERDICT_LABELS.get(verdict, verdict)}</span></p>',
           quote, f"<p>{html.escape(text(claim.reasoning))}</p>"]
    if len(others):
        out.append(table(others.assign(value=others.apply(variant_value, axis=1)),
                         {"source_id": "Source", "locator": "Where", "value": "What it says", "quote": "In its words"}))
    out.append("</div>")
    return "".join(out)


def variant_value(row) -> str:
    numbers = [text(v) for v in (row.value_low, row.value_best, row.value_high) if text(v)]
    figure = "–".join(dict.fromkeys(n.removesuffix(".0") for n in numbers))
    parts = [text(row.value_text), f"{figure} {text(row.unit)}".strip() if figure else ""]
    return "; ".join(p for p in parts if p)


def claims_section(claims: pd.DataFrame, variants: pd.DataFrame, section: str) -> HTML:
    rows = claims[claims.section == section].sort_values("id")
    return HTML("".join(claim_block(c, variants) for c in rows.itertuples()))


def suggested_citation(cff: dict) -> str:
    """A plain-text citation from CITATION.cff's fields."""
    authors = "; ".join(a.get("name") or f"{a.get('family-names', '')}, {a.get('given-names', '')}" for a in cff["authors"])
    year = str(cff["date-released"])[:4]
    return f"{authors} ({year}). {cff['title']} (version {cff['version']}) [{cff['type']}]. Licence: {cff['license']}."


def bibtex_citation(cff: dict, key: str = "sinosoviet") -> str:
    authors = " and ".join("{" + a["name"] + "}" if "name" in a else f"{a['family-names']}, {a['given-names']}"
                           for a in cff["authors"])
    return (f"@misc{{{key},\n  author = {{{authors}}},\n  title = {{{cff['title']}}},\n"
            f"  year = {{{str(cff['date-released'])[:4]}}},\n  version = {{{cff['version']}}},\n"
            f"  note = {{Licence {cff['license']}}}\n}}")
