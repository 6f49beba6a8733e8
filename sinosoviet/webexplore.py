"""The kernel-free explorers of the book's Explore page: Vega-Lite charts whose inputs (menus,
sliders, a checkbox) filter the marks in the page, each with a table of the same rows that the
book's `_static/sinosoviet-tables.js` pages, searches and filters as the chart's inputs change.

One list of `Filter`s says how a view filters: it gives both the Vega expression the chart filters
with and the description the table driver applies, so that the marks and the rows cannot disagree.
The rows travel once, inside the chart's spec (dataset `rows`), with the columns the table shows.
In Jupyter the same output shows only a note (a notebook's HTML output runs no script); the
ipywidgets explorers (`sinosoviet.explore`) are the ones that work there.
"""
from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass

import altair as alt
import pandas as pd
from markupsafe import Markup

from . import charts, pages, render
from .data import active, source_refs, split_list

ALL = "all"
ROWS = "rows"  # the name of the dataset that holds a view's rows, for the chart and the table
YEARS = (1923, 1941)
# as wide as the page's column, so that text keeps its size on a phone (heights are fixed: Vega-Lite
# warns about any "fit" autosize beside a height given per row)
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


@dataclass(frozen=True)
class Filter:
    """One way a view narrows its rows. `kind` is "equals" (the row's field equals the input,
    unless the input is "all"), "member" (the field, a ";a;b;" list, contains the input),
    "years" (the field lies between the two inputs; a row with no year is kept only while the
    `undated` input, a checkbox, is ticked) or "interval" (the field, a date, lies inside the span
    the reader drags across the chart, an interval selection: the chart fades what lies outside
    it, which stays drawn so that the span can be moved, and the table leaves it out)."""
    kind: str
    field: str
    params: tuple[str, ...]
    undated: str | None = None

    def expression(self) -> str:
        field = f"datum[{json.dumps(self.field)}]"
        if self.kind == "equals":
            (p,) = self.params
            return f"({p} == '{ALL}' || {field} == {p})"
        if self.kind == "member":
            (p,) = self.params
            return f"({p} == '{ALL}' || indexof({field}, ';' + {p} + ';') >= 0)"
        if self.kind == "years":
            low, high = self.params
            return f"(isValid({field}) ? {field} >= {low} && {field} <= {high} : {self.undated or 'false'})"
        if self.kind == "interval":
            return "true"  # the chart shows the span by fading, not by filtering (see the class)
        raise ValueError(f"unknown filter kind {self.kind!r}")


def expression(filters: list[Filter]) -> str:
    return " && ".join(f.expression() for f in filters if f.kind != "interval")


def menu(name: str, label: str, choices: list[tuple[str, str]], everything: str | None) -> alt.Parameter:
    """A dropdown bound to the page: (value, label) choices, after an entry for everything."""
    if everything:
        choices = [(ALL, everything), *choices]
    return alt.param(name=name, value=choices[0][0], bind=alt.binding_select(
        options=[v for v, _ in choices], labels=[lab for _, lab in choices], name=label))


def year_sliders(low: int, high: int) -> list[alt.Parameter]:
    return [alt.param(name=name, value=value, bind=alt.binding_range(min=low, max=high, step=1, name=label))
            for name, value, label in (("year_from", low, "From year "), ("year_to", high, "To year "))]


@dataclass(frozen=True)
class Column:
    field: str
    title: str
    html: bool = False  # the field holds escaped HTML (links); anything else is shown as text


class View:
    """A chart and the description of its table; shown, it is the HTML the book's script drives."""

    def __init__(self, key: str, title: str, chart: alt.TopLevelMixin, rows: pd.DataFrame, columns: list[Column],
                 filters: list[Filter], noun: str, help_text: str):
        self.key, self.title, self.noun, self.help_text = key, title, noun, help_text
        self.columns, self.filters = columns, filters
        self.rows = json.loads(rows.to_json(orient="records", force_ascii=False))
        self.spec = chart.to_dict()
        self.spec.setdefault("datasets", {})[ROWS] = self.rows

    def config(self) -> dict:
        return {"spec": self.spec, "data": ROWS, "title": self.title, "noun": self.noun,
                "filters": [asdict(f) for f in self.filters], "columns": [asdict(c) for c in self.columns]}

    def html(self) -> str:
        label = html.escape(self.spec.get("description", self.title), quote=True)
        return (f'<div class="sinosoviet-explorer" id="explore-{self.key}">'
                f'<p class="sinosoviet-explorer-help">{html.escape(self.help_text)}</p>'
                f'<div class="sinosoviet-chart sinosoviet-explorer-chart" role="img" aria-label="{label}"></div>'
                f'<script type="application/json" class="sinosoviet-explorer-config">'
                f"{render.script_safe(render.spec_json(self.config()))}</script>"
                f'<div class="sinosoviet-explorer-table" aria-live="polite"></div>'
                f'<p class="sinosoviet-explorer-static">This explorer runs in the web page of the book. In Jupyter, '
                f"use the explorers of the next section, which redraw from Python.</p></div>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html(), "text/plain": f"{self.title}: {len(self.rows)} {self.noun} (works in the book)"}


def padded(cell) -> str:
    """A ;-separated list as ";a;b;", so that a member test cannot match part of an id."""
    items = split_list(pages.text(cell))
    return f";{';'.join(items)};" if items else ""


def people_choices(people: pd.DataFrame, used: set[str]) -> list[tuple[str, str]]:
    rows = people[people.id.isin(used)]
    return sorted(((r.id, pages.sort_name(r)) for r in rows.itertuples()), key=lambda c: c[1].casefold())


def place_choices(places: pd.DataFrame, used: set[str]) -> list[tuple[str, str]]:
    rows = places[places.id.isin(used)]
    return sorted(((r.id, r.name) for r in rows.itertuples()), key=lambda c: c[1].casefold())


def period_choices(periods: pd.DataFrame) -> list[tuple[str, str]]:
    return [(r.id, r.title) for r in periods.sort_values("seq").itertuples()]


def category_choices(present) -> list[tuple[str, str]]:
    return [(c, c) for c in charts.CATEGORY_ORDER if c in set(present)]


def event_rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Active events with what the filters test and what the table shows."""
    events = tables["events"]
    events = active(events).sort_values(["date_start", "id"])
    places = tables["places"].set_index("id")
    return pd.DataFrame({
        "id": events.id, "date": events.date_start.dt.strftime("%Y-%m-%d"), "year": events.date_start.dt.year,
        "period": events.period_id.astype(str), "category": events.category.astype(str),
        "place_id": events.place_id.fillna("").astype(str), "people": events.people.map(padded),
        "when": events.apply(pages.when, axis=1), "title": events.title.astype(str),
        "description": events.description.fillna("").astype(str),
        "place": events.place_id.map(places["name"]).fillna(""),
        "sources": events.sources.map(lambda cell: str(pages.source_links(cell))),
    })


def event_filters(with_place: bool = True) -> list[Filter]:
    found = [Filter("equals", "period", ("period",)), Filter("equals", "category", ("category",)),
             Filter("member", "people", ("person",))]
    if with_place:
        found.append(Filter("equals", "place_id", ("place",)))
    return found + [Filter("years", "year", ("year_from", "year_to"))]


def event_params(tables, rows: pd.DataFrame, with_place: bool = True) -> list[alt.Parameter]:
    used_people = {p for cell in rows.people for p in split_list(cell.strip(";"))}
    params = [menu("period", "Period ", period_choices(tables["periods"]), "All periods"),
              menu("category", "Category ", category_choices(rows.category), "All categories"),
              menu("person", "Person ", people_choices(tables["people"], used_people), "Anyone")]
    if with_place:
        params.append(menu("place", "Place ", place_choices(tables["places"], set(rows.place_id) - {""}), "Anywhere"))
    return params + year_sliders(*YEARS)


def events_view(tables: dict[str, pd.DataFrame]) -> View:
    rows = event_rows(tables)
    span = alt.selection_interval(name="span", encodings=["x"])
    filters = [*event_filters(), Filter("interval", "date", (span.name,))]
    chart = alt.Chart(alt.NamedData(ROWS), width="container", height=240).transform_filter(
        expression(filters)).mark_circle(size=70).encode(
        x=alt.X("date:T", title="Date (earliest possible)", scale=alt.Scale(domain=["1923-01-01", "1941-12-31"]),
                axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 2})),
        y=alt.Y("category:N", sort=charts.CATEGORY_ORDER, title=None),
        color=charts.category_colour(rows.category),
        opacity=alt.condition(span, alt.value(0.9), alt.value(0.15)),
        tooltip=[alt.Tooltip("title:N", title="Event"), alt.Tooltip("when:N", title="When"),
                 alt.Tooltip("place:N", title="Place"), alt.Tooltip("category:N", title="Category")],
    ).add_params(*event_params(tables, rows), span).properties(
        autosize=FIT_WIDTH, title="Events",
        description="Timeline of the events that match the filters, one dot each, by category; the table below "
                    "lists the same events.")
    columns = [Column("when", "When"), Column("title", "Event"), Column("description", "What happened"),
               Column("place", "Place"), Column("sources", "Sources", html=True)]
    return View("events", "Events", charts.themed(chart), rows, columns, filters, "events",
                "Choose a period, a category, a person or a place, and move the year sliders: the dots and the "
                "table keep to the events that match. For example, choose Borodin as the person to follow his "
                "mission from 1923 to 1927. To narrow the time line to a few years, drag across it: the table "
                "keeps the events inside the span, which can be dragged along; a double click clears it.")


def group_labels(aid: pd.DataFrame, estimates: pd.DataFrame) -> dict[str, str]:
    """What each group of figures counts: the words of the book's estimate where there is one,
    else the item as its first source names it, with its years."""
    labels = dict(zip(*charts.estimates_by_group(estimates, "aid_deliveries")[["group_id", "label"]].T.values))
    for group, rows in aid.groupby("group_id", sort=False):
        if group not in labels:
            first = rows.iloc[0]
            years = f"{first.period_start}" if first.period_start == first.period_end else \
                f"{first.period_start}–{first.period_end}"
            labels[group] = f"{first['item'][:1].upper()}{first['item'][1:]}, {years}"
    return labels


def aid_rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    aid = tables["aid_deliveries"]
    aid = active(aid)
    value = aid.quantity_best.fillna(aid.quantity_low).fillna(aid.quantity_high)
    aid = aid[value.notna()].assign(value=value[value.notna()]).sort_values(["category", "group_id", "year", "id"])
    labels = group_labels(aid, tables["estimates"])
    return pd.DataFrame({
        "id": aid.id, "category": aid.category.astype(str), "year": aid.year.astype("Int64"),
        "group": aid.group_id.map(labels), "item": aid["item"].astype(str),
        "years": [str(y) if pd.notna(y) else f"{s}–{e} total" for y, s, e in zip(aid.year, aid.period_start, aid.period_end)],
        "value": aid.value.astype(float), "figure": aid.apply(aid_figure, axis=1), "unit": aid.unit.astype(str),
        "source": aid.sources.map(lambda cell: "; ".join(pages.source_label(s, loc) for s, loc in source_refs(cell))),
        "sources": aid.sources.map(lambda cell: str(pages.source_links(cell))),
        "evidence": aid.weak_evidence.fillna(False).astype(bool).map(charts.EVIDENCE),
    })


def aid_figure(row) -> str:
    """A figure as its source gives it: one number, or a range around the best."""
    numbers = [int(v) for v in (row.quantity_low, row.quantity_best, row.quantity_high) if pd.notna(v)]
    low, high = min(numbers), max(numbers)
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


AID_FILTERS = [Filter("equals", "category", ("category",)),
               Filter("years", "year", ("year_from", "year_to"), undated="totals")]


def aid_view(tables: dict[str, pd.DataFrame]) -> View:
    rows = aid_rows(tables)
    categories = [c for c in tables["aid_deliveries"].category.cat.categories if (rows.category == c).any()]
    # no "all": each category counts in one unit, and an axis has one unit
    params = [menu("category", "What ", [(c, c.replace("_", " ")) for c in categories], None),
              *year_sliders(1937, 1941),
              alt.param(name="totals", value=True, bind=alt.binding_checkbox(name="Include figures for 1937–1941 as a whole "))]
    y = alt.Y("group:N", title=None, sort=alt.SortField("value", order="descending"),
              axis=alt.Axis(labelLimit=150))
    base = alt.Chart(alt.NamedData(ROWS)).transform_filter(expression(AID_FILTERS)).encode(y=y)
    spread = base.mark_rule(color="#777777", strokeWidth=2).encode(
        x=alt.X("min(value):Q", title="Quantity (of what the menu names)",
                axis=alt.Axis(format=",d", tickCount=5, labelOverlap=True)), x2="max(value):Q")
    dots = base.mark_point(filled=True, size=80, stroke=charts.PALETTE[0], strokeWidth=1.5).encode(
        x=alt.X("value:Q"),
        fill=alt.Fill("evidence:N", title="Figure given by", sort=list(charts.EVIDENCE.values()),
                      scale=alt.Scale(domain=list(charts.EVIDENCE.values()), range=[charts.PALETTE[0], "white"]),
                      legend=None),  # the text above the chart says what a hollow dot is: a legend would not fit a phone
        tooltip=[alt.Tooltip("item:N", title="What the source counts"), alt.Tooltip("years:N", title="Year"),
                 alt.Tooltip("figure:N", title="Figure"), alt.Tooltip("unit:N", title="Unit"),
                 alt.Tooltip("source:N", title="Source"), alt.Tooltip("evidence:N", title="Given by")])
    groups = int(rows.groupby("category").group.nunique().max())  # rows of the fullest category
    chart = alt.layer(spread, dots).add_params(*params).properties(
        width="container", height=22 * groups, autosize=FIT_WIDTH, title="Aid deliveries: each source's figure",
        description="Dot plot of the delivery figures that match the filters, one dot per source, one row per "
                    "group of figures that count the same thing; a grey line spans the lowest to the highest.")
    columns = [Column("item", "What the source counts"), Column("years", "Year"), Column("figure", "Figure"),
               Column("unit", "Unit"), Column("sources", "Source", html=True)]
    return View("aid", "Aid deliveries", charts.themed(chart), rows, columns, AID_FILTERS, "figures",
                "Choose what was delivered and move the year sliders; untick the box to leave out figures that "
                "cover 1937–1941 as a whole. Each dot is one source's figure (hollow where only reference, popular "
                "or unreliable sources give it), and a grey line spans the lowest to the highest figure for the "
                "same thing. For the aircraft that reached China in 1938, choose "
                "aircraft, set both sliders to 1938 and untick the box.")


def claim_rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    claims = tables["claims"]
    claims = active(claims).sort_values("id")
    variants = tables["claim_variants"]
    variants = active(variants)
    by_claim = variants.groupby("claim_id").source_id.apply(lambda ids: list(dict.fromkeys(ids)))
    return pd.DataFrame({
        "id": claims.id, "period": claims.period_id.fillna("").astype(str), "verdict": claims.verdict.astype(str),
        "section": claims.section.astype(str),
        "verdict_label": claims.verdict.astype(str).map(pages.VERDICT_LABELS),
        "topic": [str(Markup('<a href="reading-the-source.html#{}">{}</a>').format(i, t))
                  for i, t in zip(claims.id, claims.topic)],
        "statement": claims.statement.astype(str),
        "sources": claims.id.map(lambda i: str(Markup("; ").join(pages.source_link(s) for s in by_claim.get(i, [])))),
    })


CLAIM_FILTERS = [Filter("equals", "period", ("period",)), Filter("equals", "verdict", ("verdict",)),
                 Filter("equals", "section", ("section",))]


def claims_view(tables: dict[str, pd.DataFrame]) -> View:
    rows = claim_rows(tables)
    params = [menu("period", "Period ", period_choices(tables["periods"]), "All periods"),
              menu("verdict", "Verdict ", [(v, pages.VERDICT_LABELS[v]) for v in charts.VERDICT_ORDER
                                            if (rows.verdict == v).any()], "Any verdict"),
              menu("section", "Section of the article ", [(s, s) for s in dict.fromkeys(tables["claims"].section)],
                   "All sections")]
    chart = alt.Chart(alt.NamedData(ROWS), width="container", height=26 * len(charts.VERDICT_ORDER)).transform_filter(
        expression(CLAIM_FILTERS)).mark_bar().encode(
        x=alt.X("count():Q", title="Statements of the article", axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("verdict_label:N", title=None, sort=[pages.VERDICT_LABELS[v] for v in charts.VERDICT_ORDER]),
        color=alt.Color("verdict:N", sort=charts.VERDICT_ORDER, legend=None,
                        scale=alt.Scale(domain=charts.VERDICT_ORDER, range=charts.VERDICT_COLOURS)),
        tooltip=[alt.Tooltip("verdict_label:N", title="Verdict"), alt.Tooltip("count():Q", title="Statements")],
    ).add_params(*params).properties(
        autosize=FIT_WIDTH, title="The article's statements by verdict",
        description="Bars: how many of the seed article's statements that match the filters have each verdict; "
                    "the table below lists them.")
    columns = [Column("topic", "Statement (in the ledger)", html=True), Column("statement", "What the article says"),
               Column("verdict_label", "Verdict"), Column("sources", "Sources", html=True)]
    return View("claims", "The claims ledger", charts.themed(chart), rows, columns, CLAIM_FILTERS, "statements",
                "Choose a period, a verdict or a section of the article: the bars count the statements that match "
                "and the table lists them; each links to its entry in the ledger, with every source's version.")


def place_rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per event at a place with coordinates: the map counts them per place."""
    events = event_rows(tables)
    places = tables["places"].set_index("id")
    located = events[events.place_id.isin(places.index[places.lat.notna()])]
    return located[["id", "year", "period", "category", "people", "when", "title", "place"]].assign(
        place_id=located.place_id, lat=located.place_id.map(places.lat).astype(float),
        lon=located.place_id.map(places.lon).astype(float),
        spelling=located.place_id.map(places.name_period).fillna(""),
        native=located.place_id.map(places.name_native).fillna(""))


def places_view(tables: dict[str, pd.DataFrame]) -> View:
    rows = place_rows(tables)
    filters = event_filters(with_place=False)
    points = alt.Chart(alt.NamedData(ROWS)).transform_filter(expression(filters)).transform_aggregate(
        events="count()", groupby=["place", "spelling", "native", "lat", "lon"]).mark_circle(
        color=charts.PALETTE[3], opacity=0.8, stroke="white").encode(
        longitude="lon:Q", latitude="lat:Q",
        size=alt.Size("events:Q", title="Events", scale=alt.Scale(range=[40, 500], zero=False),
                      legend=alt.Legend(format="d")),
        tooltip=[alt.Tooltip("place:N", title="Place"), alt.Tooltip("spelling:N", title="Period spelling"),
                 alt.Tooltip("native:N", title="Native script"), alt.Tooltip("events:Q", title="Events")])
    # the map is as wide as the column and its scale follows the width, so that on a phone the map
    # is smaller but its text is not (480 at the chapters' 640 px)
    chart = alt.layer(charts.basemap_layer().mark_geoshape(fill="#eeeeee", stroke="#999999", strokeWidth=0.5,
                                                          aria=False, clip=True),
                      points.mark_circle(color=charts.PALETTE[3], opacity=0.8, stroke="white", clip=True)
                      .add_params(*event_params(tables, rows, with_place=False))).project(
        type="mercator", scale=alt.ExprRef(expr="width * 0.75"), center=[110, 36],
    ).properties(width="container", height=440, autosize=FIT_WIDTH, title="Where the events took place",
                 description="Map of East Asia: each place where matching events took place is a circle sized by "
                             "their number; the table below lists the events. Modern borders, for orientation only.")
    columns = [Column("place", "Place"), Column("when", "When"), Column("title", "Event")]
    return View("places", "Places", charts.themed(chart), rows, columns, filters, "events",
                "Choose a period, a category or a person and move the year sliders: each circle is a place, sized "
                "by the number of matching events there (Moscow and other places outside this map are left out).")


def views(tables: dict[str, pd.DataFrame]) -> list[View]:
    return [events_view(tables), aid_view(tables), claims_view(tables), places_view(tables)]
