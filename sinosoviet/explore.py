"""ipywidgets explorers for notebook users: each is one call, e.g. `explore.timeline(tables)`.

An explorer filters a table with its controls and redraws a chart and a table of the matching
rows. Its state is plain Python (`rows`, `chart`, `message`), so tests drive it without a
browser. Shown in a notebook it is a live widget; in the static book, which has no kernel, the
same output carries an HTML snapshot of its current view (chart, rows and the filters used).
"""
from __future__ import annotations

import html

import altair as alt
import ipywidgets as widgets
import pandas as pd
from . import charts, pages, render
from .data import source_refs, split_list

ALL = "all"
LIVE_NOTE = ("This is a saved view. To filter it yourself, run the notebook in Jupyter: in a clone of the "
             "project, <code>make book</code>, then <code>.venv/bin/jupyter lab notebooks/explore.ipynb</code>.")


class Explorer:
    """Controls, a chart and a table of matching rows; subclasses say how to filter and draw."""

    title = "Explorer"
    noun = "rows"
    page = 15  # rows of the table shown at first, and added by "Show more"

    def __init__(self, tables: dict[str, pd.DataFrame]):
        self.tables = tables
        self.controls = self.make_controls()
        self.defaults = {name: control.value for name, control in self.controls.items()}
        self.shown = self.page
        self.message = widgets.HTML()
        self.table = widgets.HTML()
        self.output = widgets.Output()
        self.more = widgets.Button(description="Show more rows", layout=widgets.Layout(width="auto"))
        self.reset = widgets.Button(description="Reset filters", icon="undo", layout=widgets.Layout(width="auto"))
        self.more.on_click(lambda _button: self.show_more())
        self.reset.on_click(lambda _button: self.reset_filters())
        self.rows = pd.DataFrame()
        self.chart: alt.TopLevelMixin | None = None
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    def show_more(self) -> None:
        self.shown += self.page
        self.show_table()

    def reset_filters(self) -> None:
        for name, value in self.defaults.items():
            self.controls[name].value = value

    def make_controls(self) -> dict[str, widgets.Widget]:
        raise NotImplementedError

    def select(self) -> pd.DataFrame:
        raise NotImplementedError

    def draw(self, rows: pd.DataFrame) -> alt.TopLevelMixin | None:
        raise NotImplementedError

    def table_html(self, rows: pd.DataFrame) -> str:
        raise NotImplementedError

    def value(self, name: str):
        return self.controls[name].value

    def update(self) -> None:
        self.rows, self.shown = self.select(), self.page
        if self.rows.empty:
            self.chart = None
            self.message.value = f"<p><strong>No {self.noun} match these filters.</strong> Widen them to see more.</p>"
        else:
            self.chart = self.draw(self.rows)
            self.message.value = f"<p>{len(self.rows)} of the {self.noun} match.</p>" if len(self.rows) > 1 \
                else "<p>One match.</p>"
        self.show_table()
        self.show_chart()

    def show_table(self) -> None:
        """The first `shown` matching rows; the rest one "Show more" away."""
        shown = self.rows.head(self.shown)
        self.table.value = self.table_html(shown) if len(shown) else ""
        hidden = len(self.rows) - len(shown)
        self.more.layout.display = "" if hidden > 0 else "none"
        self.more.description = f"Show {min(hidden, self.page)} more of {hidden} rows not shown"

    def show_chart(self) -> None:
        """Put the chart into the Output widget's state rather than printing into it: the frontend
        draws it, and no display message lands among the cell's own outputs."""
        bundle = render.mimebundle(self.chart.to_dict()) if self.chart is not None else None
        self.output.outputs = () if bundle is None else ({"output_type": "display_data", "data": bundle, "metadata": {}},)

    def rows_note(self) -> str:
        hidden = len(self.rows) - min(self.shown, len(self.rows))
        return f"<p>The table lists the first {self.shown}; {hidden} more match.</p>" if hidden > 0 else ""

    def filters_text(self) -> str:
        return "; ".join(f"{c.description}: {control_text(c)}" for c in self.controls.values())

    def widget(self) -> widgets.VBox:
        return widgets.VBox([widgets.HTML(f"<h4>{html.escape(self.title)}</h4>"),
                             widgets.HBox([*self.controls.values(), self.reset],
                                          layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
                             self.message, self.output, self.table, self.more])

    def snapshot_html(self) -> str:
        chart = render.chart_html(self.chart.to_dict()) if self.chart is not None else ""
        return (f'<div class="sinosoviet-explorer"><p><strong>{html.escape(self.title)}</strong> — filters: '
                f"{html.escape(self.filters_text())}</p>{self.message.value}{chart}{self.table.value}{self.rows_note()}"
                f'<p class="sinosoviet-live-note">{LIVE_NOTE}</p></div>')

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle["text/html"] = self.snapshot_html()
        bundle["text/plain"] = f"{self.title}: {len(self.rows)} {self.noun} ({self.filters_text()})"
        return bundle


def control_text(control: widgets.Widget) -> str:
    """What a control is set to, as its labels say it."""
    value = getattr(control, "label", None) or control.value
    if isinstance(control, widgets.IntRangeSlider):
        return "{}–{}".format(*value)
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return "yes" if value is True else "no" if value is False else str(value)


def options(frame: pd.DataFrame, label: str, everything: str, by: str | None = None) -> list[tuple[str, str]]:
    """Menu entries (label, id) after the entry for everything, sorted by `by` (default: the label)."""
    rows = frame.sort_values(by or label)
    return [(everything, ALL)] + list(zip(rows[label].astype(str), rows["id"].astype(str)))


def years_slider(start: int, end: int) -> widgets.IntRangeSlider:
    """Wide enough to drag either knob, with the whole range readable beside it."""
    return widgets.IntRangeSlider(value=(start, end), min=start, max=end, description="Years",
                                  layout=widgets.Layout(width="32em"), style={"description_width": "initial"})


class TimelineExplorer(Explorer):
    title = "Events explorer"
    noun = "events"

    def make_controls(self):
        t = self.tables
        return {
            "period": widgets.Dropdown(options=options(t["periods"], "title", "All periods", by="seq"),
                                       value=ALL, description="Period"),
            "category": widgets.SelectMultiple(options=charts.CATEGORY_ORDER, value=tuple(charts.CATEGORY_ORDER),
                                               description="Categories", rows=6),
            "person": widgets.Dropdown(options=options(t["people"], "name", "Anyone"), value=ALL, description="Person"),
            "place": widgets.Dropdown(options=options(t["places"], "name", "Anywhere"), value=ALL, description="Place"),
            "years": years_slider(1923, 1941),
        }

    def select(self):
        events = self.tables["events"]
        keep = (events.status == "active") & events.category.isin(self.value("category"))
        keep &= events.date_start.dt.year.between(*self.value("years"))
        if self.value("period") != ALL:
            keep &= events.period_id == self.value("period")
        if self.value("place") != ALL:
            keep &= events.place_id == self.value("place")
        if self.value("person") != ALL:
            keep &= events.people.fillna("").map(lambda cell: self.value("person") in split_list(cell))
        return events[keep].sort_values(["date_start", "id"])

    def draw(self, rows):
        data = charts.records(rows, ["id", "date_start", "title", "category", "confidence"])
        return charts.themed(alt.Chart(charts.inline_records(data), width=charts.WIDTH, height=200).mark_circle(size=80).encode(
            x=alt.X("date_start:T", title="Date (earliest possible)"),
            y=alt.Y("category:N", sort=charts.CATEGORY_ORDER, title=None),
            color=charts.category_colour(rows.category),
            tooltip=[alt.Tooltip("title:N", title="Event"),
                     alt.Tooltip("date_start:T", title="From", format=charts.DATE_FORMAT),
                     alt.Tooltip("category:N", title="Category"), alt.Tooltip("confidence:N", title="Confidence")],
        ).properties(title="Matching events", description=f"Timeline of {len(rows)} matching events by category."))

    def table_html(self, rows):
        places = self.tables["places"].set_index("id")["name"]
        shown = rows.assign(when=rows.apply(pages.when, axis=1), place=rows.place_id.map(places),
                            sources=rows.sources.map(pages.source_names))
        return pages.table(shown, {"when": "When", "title": "Event", "description": "What happened",
                                   "category": "Category", "place": "Place", "sources": "Sources"})


class AidExplorer(Explorer):
    title = "Aid explorer"
    noun = "figures"

    def make_controls(self):
        aid = self.tables["aid_deliveries"]
        cited = sorted({source_id for cell in aid.sources for source_id, _ in source_refs(cell)})
        return {
            "category": widgets.Dropdown(options=[("All categories", ALL)] + [(c.replace("_", " "), c) for c in
                                         aid.category.cat.categories if (aid.category == c).any()],
                                         value=ALL, description="Category"),
            "years": years_slider(1937, 1941),
            "totals": widgets.Checkbox(value=True, description="Include 1937–1941 totals"),
            "source": widgets.Dropdown(options=[("All sources", ALL)] + sorted((pages.source_label(s), s) for s in cited),
                                       value=ALL, description="Source"),
        }

    def select(self):
        aid = self.tables["aid_deliveries"]
        keep = aid.year.between(*self.value("years")).fillna(False).astype(bool)
        if self.value("totals"):
            keep |= aid.year.isna()
        if self.value("category") != ALL:
            keep &= aid.category == self.value("category")
        if self.value("source") != ALL:
            keep &= aid.sources.map(lambda cell: any(source_id == self.value("source") for source_id, _ in source_refs(cell)))
        return aid[keep].sort_values(["category", "item", "year", "id"], na_position="first")

    def draw(self, rows):
        return charts.aid_chart(rows)

    def table_html(self, rows):
        rows = rows.assign(sources=rows.sources.map(pages.source_names))
        return pages.table(rows, {"item": "Item", "year": "Year", "quantity_low": "Low", "quantity_best": "Best",
                                  "quantity_high": "High", "unit": "Unit", "sources": "Source", "note": "Note"})


class ClaimsExplorer(Explorer):
    title = "Claims explorer"
    noun = "claims"

    def make_controls(self):
        verdicts = [("Any verdict", ALL)] + [(v, v) for v in charts.VERDICT_ORDER]
        verdict = widgets.Dropdown(options=verdicts, value=ALL, description="Verdict")
        claim = widgets.Dropdown(options=self.claim_options(ALL), description="Claim", layout=widgets.Layout(width="40em"))
        verdict.observe(lambda change: setattr(claim, "options", self.claim_options(change["new"])), names="value")
        return {"verdict": verdict, "claim": claim}

    def claim_options(self, verdict: str) -> list[tuple[str, str]]:
        claims = self.tables["claims"]
        if verdict != ALL:
            claims = claims[claims.verdict == verdict]
        return [(f"{c.topic} ({c.id})", c.id) for c in claims.itertuples()]

    def select(self):
        claims = self.tables["claims"]
        return claims[claims.id == self.value("claim")]

    def draw(self, rows):
        variants = self.tables["claim_variants"]
        # each row labelled by its source as a reader cites it (author–year, locator), not by its id
        numeric = variants[variants.claim_id == rows.id.iloc[0]].assign(
            label=lambda f: [pages.source_label(s, pages.text(loc)) for s, loc in zip(f.source_id, f.locator)],
            sources=lambda f: f.source_id)
        if numeric[["value_low", "value_best", "value_high"]].notna().any(axis=None):
            return charts.source_spread(numeric, "value", "label", "Each source's figure for this claim",
                                        next((str(u) for u in numeric.unit.dropna() if u), "Value"))
        return None

    def table_html(self, rows):
        return pages.claim_block(next(rows.itertuples()), self.tables["claim_variants"])


class MapExplorer(Explorer):
    title = "Map explorer"
    noun = "places"

    def make_controls(self):
        return {"period": widgets.Dropdown(options=options(self.tables["periods"], "title", "All periods", by="seq"),
                                           value=ALL, description="Period"),
                "years": years_slider(1923, 1941)}

    def events(self) -> pd.DataFrame:
        events = self.tables["events"]
        keep = (events.status == "active") & events.date_start.dt.year.between(*self.value("years"))
        if self.value("period") != ALL:
            keep &= events.period_id == self.value("period")
        return events[keep]

    def select(self):
        return charts.places_of(self.events(), self.tables["places"])

    def draw(self, rows):
        return charts.events_map(rows, "Places of the selected events")

    def table_html(self, rows):
        return pages.table(rows.sort_values("events", ascending=False),
                           {"name": "Place", "name_period": "Period spelling", "name_native": "Native script",
                            "events": "Events"})


def timeline(tables: dict[str, pd.DataFrame]) -> TimelineExplorer:
    return TimelineExplorer(tables)


def aid(tables: dict[str, pd.DataFrame]) -> AidExplorer:
    return AidExplorer(tables)


def claims(tables: dict[str, pd.DataFrame]) -> ClaimsExplorer:
    return ClaimsExplorer(tables)


def places_map(tables: dict[str, pd.DataFrame]) -> MapExplorer:
    return MapExplorer(tables)
