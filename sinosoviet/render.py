"""How the project's charts are shown: deterministic output that draws offline everywhere.

In Jupyter a chart is one MIME bundle: the Vega-Lite 5 spec (`application/vnd.vegalite.v5+json`),
which JupyterLab and Notebook 7 draw with the Vega they bundle themselves, and its text
alternative as `text/plain`. There is deliberately no `text/html` beside it: JupyterLab prefers
HTML whenever it is present, and HTML would need a script the frontend does not have.

The book turns the same spec into HTML at build time (`chart_html`, called by the myst-nb MIME
render plugin in `sinosoviet.book.mime`): a container whose id is derived from the spec, the spec
as inert JSON, a call to `sinosovietEmbed` (the book's `_static/sinosoviet-charts.js`, which uses
the vega bundle the book serves itself), and the chart's data as a table for readers who cannot
see the chart, and for print. Same spec in, same bytes out: nbval compares every spec in full.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import date
from itertools import repeat

from markupsafe import Markup

NAME = "sinosoviet"
VEGALITE_MIME = "application/vnd.vegalite.v5+json"


def spec_json(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chart_id(spec: dict) -> str:
    return "chart-" + hashlib.sha256(spec_json(spec).encode("utf-8")).hexdigest()[:16]


def script_safe(text: str) -> str:
    """JSON with no "<" or "&" left, so that nothing in the data can close or open an element."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def tabular_datasets(spec: dict) -> list[tuple[str, list[dict]]]:
    """The spec's inline datasets that are flat records (map geometry is left out)."""
    found = []
    for name, rows in sorted(spec.get("datasets", {}).items()):
        if rows and all(isinstance(r, dict) and "geometry" not in r and "type" not in r for r in rows):
            found.append((name, rows))
    return found


def html_table(headers: list[str], rows, caption: str | None = None, row_ids=None, label: str | None = None) -> str:
    """An escaped HTML table in a focusable wrapper (keyboard users can scroll a wide table).
    Cells are text, escaped here, or `Markup` built from escaped parts; `row_ids` become anchors.
    The wrapper is a region a screen reader lists by its name: `label`, or else the caption; two
    regions of a page should not share one."""
    head = "".join(f'<th scope="col">{html.escape(str(h))}</th>' for h in headers)
    ids = (f' id="{html.escape(i, quote=True)}"' for i in row_ids) if row_ids is not None else repeat("")
    body = "".join(f"<tr{i}>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for i, row in zip(ids, rows))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    label = html.escape(label or caption or "Data table", quote=True)
    return (f'<div class="sinosoviet-table-wrap" tabindex="0" role="region" aria-label="{label}">'
            f'<table class="sinosoviet-data">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')


def field_titles(spec) -> dict[str, str]:
    """Each data field's title as the chart's encodings and tooltips give it to readers; a field
    given two different titles keeps none (neither would be right for the whole column)."""
    found: dict[str, set[str]] = {}

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("field"), str) and isinstance(node.get("title"), str):
                found.setdefault(node["field"], set()).add(node["title"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return {field: titles.pop() for field, titles in found.items() if len(titles) == 1}


def column_label(column: str, titles: dict[str, str]) -> str:
    """A column's heading in a chart's data table: the chart's own title for the field, else the
    field name in words ("estimate_best" -> "Estimate best")."""
    if column in titles:
        return titles[column]
    if column == "id":
        return "ID"
    words = column.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


# The chart data tables are made while the book builds (sinosoviet.book.mime), so these stay free
# of pandas: importing it would cost the build about a second.
SOURCE_SPAN = re.compile(r'<span title="(src-[^"]+)">(.*?)</span>')
PLAIN_COLUMNS = {"year", "seq", "geonames", "order", "lat", "lon"}  # numbers that are not quantities


def readable_cell(column: str, value):
    """A value of a chart's data as a reader should see it in the chart's data table: quantities
    with thousands separators and no ".0", dates as "12 June 1923", nothing for a missing value,
    and sources as author–year links to the bibliography (ids stay in the links)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if column in PLAIN_COLUMNS:
            return f"{value:g}" if isinstance(value, float) else str(value)
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    value = str(value)
    if SOURCE_SPAN.search(value):
        # the span's text is author–year (and locator), escaped when the span was made: read back
        # and escaped again, so that nothing in it can become markup
        return Markup("; ").join(Markup('<a href="bibliography.html#{}">{}</a>').format(i, html.unescape(label))
                                 for i, label in SOURCE_SPAN.findall(value))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value).strftime("%-d %B %Y")
    return value


def chart_title(spec: dict) -> str:
    """The chart's title as one line ("" for a chart without one)."""
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


def data_table(spec: dict) -> str:
    """The chart's data as escaped HTML tables inside a <details> element."""
    tables = []
    titles = field_titles(spec)
    datasets = tabular_datasets(spec)
    for number, (_, rows) in enumerate(datasets, start=1):
        columns = list(dict.fromkeys(k for r in rows for k in r))
        headers = [column_label(c, titles) for c in columns]
        label = f"Data shown in the chart {chart_title(spec)}".rstrip()
        if len(datasets) > 1:
            label += f", table {number} of {len(datasets)}"
        cells = ([readable_cell(c, r.get(c)) for c in columns] for r in rows)
        tables.append(html_table(headers, cells, label=label))
    if not tables:
        return ""
    return "<details class=\"sinosoviet-chart-data\"><summary>Data shown in this chart</summary>" + "".join(tables) + "</details>"


def _cell(value) -> str:
    if isinstance(value, Markup):
        return str(value)
    return "" if value is None else html.escape(str(value))


def chart_html(spec: dict) -> str:
    cid = chart_id(spec)
    label = html.escape(spec.get("description", "Chart"), quote=True)
    return (
        f'<div class="sinosoviet-figure"><div id="{cid}" class="sinosoviet-chart" role="img" aria-label="{label}"></div>\n'
        f'<script type="application/json" class="sinosoviet-spec">{script_safe(spec_json(spec))}</script>\n'
        f'<script>window.sinosovietEmbed && window.sinosovietEmbed(document.currentScript);</script>\n'
        f"{data_table(spec)}</div>"
    )


def mimebundle(spec: dict) -> dict:
    """What Jupyter receives for a chart: the spec, and its description as the text alternative."""
    return {VEGALITE_MIME: spec, "text/plain": spec.get("description", "Chart")}


def enable() -> None:
    """Show Altair charts in this kernel as `mimebundle` does (idempotent). Explicit: importing the
    package changes nothing in how a user's own charts render; the notebooks call
    `sinosoviet.charts.enable()` once."""
    import altair as alt

    if NAME not in alt.renderers.names():
        alt.renderers.register(NAME, lambda spec, **metadata: mimebundle(spec))
    alt.renderers.enable(NAME)
