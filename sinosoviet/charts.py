"""Chart builders: short declarative Altair specs over the project's tables, themed once here.

Every builder takes DataFrames from `sinosoviet.data.load` and returns an Altair chart that
carries its own theme (`THEME`) and its data inline, and whose `description` is the text
alternative read by screen readers. Importing this module changes no Altair setting: a user's own
charts render as before. `enable()` (one call, made by the notebooks) shows charts with the
project's renderer, which JupyterLab and Notebook 7 draw offline (`sinosoviet.render`).
"""
from __future__ import annotations

import functools
import json
import math
import textwrap

import altair as alt
import pandas as pd

from . import render
from .data import DATA_DIR, active
from .pages import source_names

# Okabe & Ito's palette: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
CATEGORY_ORDER = ["diplomacy", "military", "party", "aid", "economy", "internal"]
# one colour per category everywhere in the book, whichever categories a chart happens to show
CATEGORY_SCALE = alt.Scale(domain=CATEGORY_ORDER, range=PALETTE[:len(CATEGORY_ORDER)])
DATE_FORMAT = "%-d %B %Y"  # 12 June 1923
BASEMAP = DATA_DIR / "basemap" / "east-asia-110m.geojson"
# The width charts are drawn at in a notebook; the book redraws each at the width of its column
# (static/sinosoviet-charts.js), so text keeps its size on a phone.
WIDTH = 640
TEXT_SIZE = 11  # no chart text is smaller (CSS px), at any screen width
LABEL_WRAP = 48  # characters per line of a row label drawn above its row: fits a phone's column


THEME = {
    "font": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
    "range": {"category": PALETTE},
    "view": {"stroke": None},
    "axis": {"labelFontSize": TEXT_SIZE, "titleFontSize": 12, "gridColor": "#e6e6e6"},
    # legends in columns, not one long row, so that they fit a phone's width
    "legend": {"labelFontSize": TEXT_SIZE, "titleFontSize": 12, "orient": "bottom", "columns": 3},
    "title": {"fontSize": 14, "anchor": "start"},
}
enable = render.enable


def themed(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The finished chart with the project's theme in its own spec (no global theme is enabled)."""
    return chart.configure(**THEME)


def inline_records(frame: pd.DataFrame, name: str | None = None) -> alt.InlineData:
    """A frame as inline records with null for a missing value (Altair's own sanitizer leaves NaN,
    which is not JSON); Altair moves them to top-level "datasets" under a content hash, so the
    same data give the same spec. Named, they stay inline under that name."""
    values = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
    return alt.InlineData(values=values, name=name) if name else alt.InlineData(values=values)


def records(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns a chart needs, with dates as ISO day strings and categories as text."""
    out = frame[columns].copy()
    for column in columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
        elif isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype("string")
    return out


def wrapped(text: str, width: int = LABEL_WRAP) -> str:
    """A label broken into lines (Vega draws each "\\n" as a new line) that fit a phone's column."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def row_label(base: alt.Chart, step: int, field: str = "label") -> alt.Chart:
    """Each row's label drawn at the top of its row, above its marks, at the left of the plot,
    instead of beside the axis: the plot keeps the whole width however long the label."""
    return base.mark_text(align="left", baseline="top", fontSize=TEXT_SIZE, lineBreak="\n", yOffset=3 - step / 2,
                          color="#222222").encode(x=alt.value(0), text=f"{field}:N")


def row_step(labels) -> int:
    """Height of a row: its longest label's lines, and a line of marks below them."""
    lines = max((str(label).count("\n") + 1 for label in labels), default=1)
    return 24 + 14 * lines


def marks_offset(step: int) -> float:
    """How far below the middle of its row a row's marks sit: under the label."""
    return step / 2 - 10


def period_spans(periods: pd.DataFrame) -> alt.Chart:
    data = records(periods.rename(columns={"seq": "order"}), ["order", "title", "date_start", "date_end"])
    return themed(alt.Chart(inline_records(data), width=WIDTH, height=180).mark_bar(cornerRadius=2).encode(
        x=alt.X("date_start:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
        x2="date_end:T",
        y=alt.Y("title:N", sort=alt.SortField("order"), title=None),
        color=alt.Color("title:N", sort=alt.SortField("order"), legend=None),
        tooltip=[alt.Tooltip("title:N", title="Period"), alt.Tooltip("date_start:T", title="From", format=DATE_FORMAT),
                 alt.Tooltip("date_end:T", title="To", format=DATE_FORMAT)],
    ).properties(
        title="The six periods of the book",
        description="Horizontal bars, one per period of the book, on a time axis from 1923 to 1941.",
    ))


def period_events(events: pd.DataFrame, period_id: str) -> pd.DataFrame:
    return active(events)[lambda f: f.period_id == period_id]


def places_of(events: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Places of these events that have coordinates, with how many of the events each saw."""
    counts = events.place_id.value_counts()
    located = places[places.id.isin(counts.index) & places.lat.notna()].copy()
    located["events"] = located.id.map(counts).astype(int)
    return located.sort_values("id")


def category_picker(present, name: str = "pick_category") -> alt.Parameter:
    """A dropdown that highlights one of the categories present; runs in the page, no kernel needed."""
    return alt.param(name=name, value="all", bind=alt.binding_select(
        options=["all", *[c for c in CATEGORY_ORDER if c in set(present)]], name="Highlight category: "))


def category_colour(present) -> alt.Color:
    """The book's one colour per category; the legend lists only the categories present."""
    return alt.Color("category:N", scale=CATEGORY_SCALE, title="Category",
                     legend=alt.Legend(values=[c for c in CATEGORY_ORDER if c in set(present)]))


def timeline(events: pd.DataFrame, period_id: str, title: str) -> alt.Chart:
    """Events of a period on a time axis, one row per category; a dropdown and the legend
    highlight a category, tooltips give each event."""
    data = records(period_events(events, period_id),
                   ["id", "date_start", "date_end", "title", "category", "place_id", "confidence"])
    pick = category_picker(data.category)
    legend = alt.selection_point(fields=["category"], bind="legend", name="legend_category")
    first, last = int(data.date_start.str.slice(0, 4).min()), int(data.date_start.str.slice(0, 4).max())
    # two sliders narrow the timeline to a span of years: the axis zooms to the events left
    start = alt.param(name="year_from", value=first, bind=alt.binding_range(min=first, max=last, step=1, name="From year: "))
    end = alt.param(name="year_to", value=last, bind=alt.binding_range(min=first, max=last, step=1, name="To year: "))
    # the dropdown and a click on the legend both narrow what is highlighted; an empty legend
    # selection highlights everything
    shown = (f"(datum.category == {pick.name} || {pick.name} == 'all') && "
             f"(!length(data('{legend.name}_store')) || vlSelectionTest('{legend.name}_store', datum))")
    return themed(alt.Chart(inline_records(data), width=WIDTH, height=220).mark_circle(size=90).encode(
        # month and year on every label, fewer of them on a narrow plot
        x=alt.X("date_start:T", title="Date (earliest possible)",
                axis=alt.Axis(format="%b %Y", tickCount=alt.ExprRef("ceil(width / 90)"))),
        y=alt.Y("category:N", sort=CATEGORY_ORDER, title=None),
        color=category_colour(data.category),
        opacity=alt.condition(shown, alt.value(0.9), alt.value(0.12)),
        tooltip=[alt.Tooltip("title:N", title="Event"), alt.Tooltip("date_start:T", title="From", format=DATE_FORMAT),
                 alt.Tooltip("date_end:T", title="To", format=DATE_FORMAT), alt.Tooltip("category:N", title="Category"),
                 alt.Tooltip("confidence:N", title="Confidence")],
    ).add_params(pick, legend, start, end).transform_filter(
        f"year(toDate(datum.date_start)) >= {start.name} && year(toDate(datum.date_start)) <= {end.name}",
    ).properties(
        title=title,
        description=f"Timeline: {len(data)} events of the period as dots on a time axis, in one row per category "
                    f"({', '.join(CATEGORY_ORDER)}). The data table below the chart lists them.",
    ))


def categories_by_year(events: pd.DataFrame, period_id: str, title: str) -> alt.Chart:
    counts = (period_events(events, period_id).assign(year=lambda f: f.date_start.dt.year)
              .groupby(["year", "category"], observed=True).size().rename("events").reset_index())
    counts["category"] = counts["category"].astype(str)
    pick = category_picker(counts.category, "pick_category_bars")
    return themed(alt.Chart(inline_records(counts), width=WIDTH, height=220).mark_bar().encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("events:Q", title="Events recorded"),
        color=category_colour(counts.category),
        opacity=alt.condition((alt.datum.category == pick) | (pick == "all"), alt.value(1), alt.value(0.2)),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("category:N", title="Category"),
                 alt.Tooltip("events:Q", title="Events")],
    ).add_params(pick).properties(
        title=title,
        description="Stacked bars: number of events recorded in each year of the period, split by category.",
    ))


@functools.cache
def basemap_text() -> str:
    """The base map as compact GeoJSON text, read once."""
    return json.dumps(json.loads(BASEMAP.read_text(encoding="utf-8")), separators=(",", ":"))


def basemap_layer() -> alt.Chart:
    # The GeoJSON goes in as one string that Vega parses, not as nested objects: a notebook stores
    # nested JSON one number per line, which made each map about 150 kB in every notebook.
    features = alt.Data(values=basemap_text(), format=alt.DataFormat(type="json", property="features"))
    return alt.Chart(features).mark_geoshape(fill="#eeeeee", stroke="#999999", strokeWidth=0.5, aria=False)


def place_map(events: pd.DataFrame, places: pd.DataFrame, period_id: str, title: str,
              named: list[str] | tuple[str, ...] = ()) -> alt.LayerChart:
    """Places of the period's events on the base map, sized by the number of events, and the places
    (`named`: ids) that the chapter's text names without an event there, as small rings."""
    located = places_of(period_events(events, period_id), places)
    extra = places[places.id.isin(set(named) - set(located.id)) & places.lat.notna()].assign(events=0)
    return events_map(pd.concat([located, extra], ignore_index=True).sort_values("id"), title)


MAP_HEIGHT = 460  # at WIDTH; the book scales both with the column
PHONE_MAP = 340  # px: the narrowest a map is drawn (a phone's column); labels are placed to fit it
CHINA = (98.0, 128.0, 20.0, 46.0)  # lon, lon, lat, lat: the least a map shows, so that China is in view
CHAR_WIDTH = 6.4  # px per character of 11 px text, generous, for placing labels


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def map_frame(lons, lats, width: int = WIDTH, height: int = MAP_HEIGHT) -> dict:
    """A Mercator projection (centre and scale) that shows every point and China, with a margin for
    labels: a map of the period reaches as far as its places do (Moscow included), no further."""
    west, east = min([*lons, CHINA[0]]) - 3, max([*lons, CHINA[1]]) + 9
    south, north = min([*lats, CHINA[2]]) - 2, max([*lats, CHINA[3]]) + 3
    top, bottom = _mercator_y(north), _mercator_y(south)
    scale = min(width / math.radians(east - west), height / (top - bottom))
    centre_lat = math.degrees(2 * math.atan(math.exp((top + bottom) / 2)) - math.pi / 2)
    return {"type": "mercator", "scale": round(scale, 2), "center": [round((west + east) / 2, 3), round(centre_lat, 3)],
            "clipExtent": [[0, 0], [width, height]]}


# where a label may sit around its point: (name, align, baseline, dx, dy); tried in this order
LABEL_SPOTS = [("right", "left", "middle", 1, 0), ("left", "right", "middle", -1, 0),
               ("above", "center", "bottom", 0, -1), ("below", "center", "top", 0, 1),
               ("above-right", "left", "bottom", 1, -1), ("below-right", "left", "top", 1, 1),
               ("above-left", "right", "bottom", -1, -1), ("below-left", "right", "top", -1, 1)]


def _project(points: pd.DataFrame, frame: dict, k: float) -> list[tuple[float, float]]:
    """Pixel positions of points on the map drawn at `k` times the notebook's width."""
    scale, (lon0, lat0) = frame["scale"] * k, frame["center"]
    return [(WIDTH * k / 2 + scale * math.radians(lon - lon0), MAP_HEIGHT * k / 2 - scale * (_mercator_y(lat) - _mercator_y(lat0)))
            for lon, lat in zip(points.lon, points.lat)]


def _label_box(x, y, r, text, spot):
    _, _, _, sx, sy = next(s for s in LABEL_SPOTS if s[0] == spot)
    w, h, gap = len(text) * CHAR_WIDTH, 13, r + 3
    x0 = x + (gap if sx > 0 else -gap - w if sx < 0 else -w / 2)
    y0 = y + (gap - 2 if sy > 0 else -gap + 2 - h if sy < 0 else -h / 2)
    return (x0, y0, x0 + w, y0 + h)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _fits(box, width: float, height: float, obstacles) -> bool:
    inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
    return inside and not any(_overlaps(box, b) for b in obstacles)


def place_labels(points: pd.DataFrame, frame: dict, radius) -> pd.DataFrame:
    """One label per spot on the map, placed where it overprints no other label or point: first
    on the narrowest map (a phone's), then, for the labels that did not fit there, on the notebook's
    (`wide` labels, drawn only on a map that wide). Points that fall together on a phone share one
    label ("Wuhan, Hankou"); a label that fits nowhere is left out (its place keeps its tooltip and
    its row in the table). Returns columns label, lon, lat, spot, r (radius in px) and wide."""
    rows = points.assign(r=[math.ceil(radius(v)) for v in points.itertuples()]).sort_values(["r", "name"], ascending=[False, True])
    phone = PHONE_MAP / WIDTH
    at_phone = dict(zip(rows.id, _project(rows, frame, phone)))
    at_wide = dict(zip(rows.id, _project(rows, frame, 1.0)))
    groups = []  # [lead row, names]
    for row in rows.itertuples():
        near = next((g for g in groups if math.dist(at_phone[g[0].id], at_phone[row.id]) < 6), None)
        if near:
            if row.name not in near[1]:
                near[1].append(row.name)
        else:
            groups.append([row, [row.name]])
    placed = []
    for k, at, wide in ((phone, at_phone, False), (1.0, at_wide, True)):
        width, height = WIDTH * k, MAP_HEIGHT * k
        dots = {r.id: (at[r.id][0] - r.r, at[r.id][1] - r.r, at[r.id][0] + r.r, at[r.id][1] + r.r) for r in rows.itertuples()}
        taken = [_label_box(*at[p["id"]], p["r"], p["label"], p["spot"]) for p in placed]
        for lead, names in groups:
            if any(p["id"] == lead.id for p in placed):
                continue
            text = ", ".join(names)
            others = [d for i, d in dots.items() if i != lead.id]
            # best a spot clear of every label and point; failing that, clear of labels (over a dot)
            for obstacles in ([*taken, *others], taken):
                spot = next((spot for spot, *_ in LABEL_SPOTS if _fits(
                    _label_box(*at[lead.id], lead.r, text, spot), width, height, obstacles)), None)
                if spot:
                    taken.append(_label_box(*at[lead.id], lead.r, text, spot))
                    placed.append({"id": lead.id, "label": text, "lon": lead.lon, "lat": lead.lat, "spot": spot,
                                   "r": lead.r, "wide": wide})
                    break
    return pd.DataFrame(placed, columns=["id", "label", "lon", "lat", "spot", "r", "wide"])


WIDE_MAP = WIDTH - 40  # px: a map at least this wide shows the labels placed for the notebook's width


MAP_LABELS = "map-labels"  # the name of a map's label data, kept out of its data table (render.tabular_datasets)


def label_layers(labels: pd.DataFrame) -> list[alt.Chart]:
    """The placed labels as one text layer (none without labels): each sits at its spot around its
    point (LABEL_SPOTS), clear of the point's radius; the `wide` ones show only on a map about as
    wide as the notebook's. Their data are named, inline, and left out of the chart's data table:
    a drawing aid made from the places, which the table lists."""
    if labels.empty:
        return []
    spots = {name: (align, baseline, sx, sy) for name, align, baseline, sx, sy in LABEL_SPOTS}
    rows = labels.assign(align=[spots[s][0] for s in labels.spot], baseline=[spots[s][1] for s in labels.spot],
                         dx=[spots[s][2] * (r + 3) for s, r in zip(labels.spot, labels.r)],
                         dy=[spots[s][3] * (r + 1) for s, r in zip(labels.spot, labels.r)])
    drawn = rows[["label", "lon", "lat", "align", "baseline", "dx", "dy", "wide"]]
    return [alt.Chart(inline_records(drawn, MAP_LABELS)).mark_text(
        align=alt.ExprRef("datum.align"), baseline=alt.ExprRef("datum.baseline"), dx=alt.ExprRef("datum.dx"),
        dy=alt.ExprRef("datum.dy"), fontSize=TEXT_SIZE, opacity=alt.ExprRef(f"!datum.wide || width >= {WIDE_MAP} ? 1 : 0")
    ).encode(longitude="lon:Q", latitude="lat:Q", text="label:N")]


def events_map(located: pd.DataFrame, title: str) -> alt.LayerChart:
    """Places (from `places_of`) as circles sized by their number of events, on a base map that
    reaches as far as they do; places with no event (events 0) are rings."""
    data = records(located, ["id", "name", "name_period", "name_native", "lat", "lon", "events", "geonames"])
    frame = map_frame(data.lon, data.lat)
    most = max(int(data.events.max()) if len(data) else 1, 1)
    sized = alt.Scale(domain=[1, most], range=[30, 400], zero=False)
    tooltip = [alt.Tooltip("name:N", title="Place"), alt.Tooltip("name_period:N", title="Period spelling"),
               alt.Tooltip("name_native:N", title="Native script"), alt.Tooltip("events:Q", title="Events"),
               alt.Tooltip("geonames:N", title="GeoNames id")]
    base = alt.Chart(inline_records(data)).encode(longitude="lon:Q", latitude="lat:Q", tooltip=tooltip)
    points = base.transform_filter("datum.events > 0").mark_circle(
        color=PALETTE[3], opacity=0.8, stroke="white").encode(size=alt.Size("events:Q", title="Events", scale=sized))
    rings = base.transform_filter("datum.events == 0").mark_circle(
        size=30, fill="white", stroke=PALETTE[3], strokeWidth=1.5, opacity=1)
    # radius of a point in px, as the size scale draws it (area in px²)
    radius = lambda p: math.sqrt((30 + 370 * (max(p.events, 1) - 1) / max(most - 1, 1)) / math.pi)  # noqa: E731
    labels = place_labels(data, frame, radius)
    layers = [basemap_layer(), points] + ([rings] if (data.events == 0).any() else []) + label_layers(labels)
    with_events = int((data.events > 0).sum())
    return themed(alt.layer(*layers).project(**frame).properties(
        width=WIDTH, height=MAP_HEIGHT, title=title,
        description=f"Map of {len(data)} places: {with_events} where the events took place, as circles sized by the "
                    f"number of events at each" + (f", and {len(data) - with_events} more named in the text, as rings"
                                                   if len(data) > with_events else "")
                    + ". Modern borders (Natural Earth) are drawn for orientation only.",
    ))


EVIDENCE = {False: "a primary or scholarly source", True: "reference, popular or unreliable sources only"}


def number_format(largest: float) -> str:
    """A d3 format for an axis: millions as 250M, counts with thousands separators (Vega's bare ","
    would print 200 as 2e+2)."""
    return "~s" if largest >= 1e6 else ",.0f" if largest >= 10 else ",.2~f"


def spread_panel(data: pd.DataFrame, estimate: pd.DataFrame, unit: str) -> alt.LayerChart:
    """One unit's figures: a dot per source (hollow where only weak sources give it), a grey line
    from the lowest to the highest, and the book's estimate as a band (range) and a tick (best).
    Figures and estimates travel as one dataset, so that every layer shares one row order."""
    order = list(dict.fromkeys(data.label))
    rows = pd.concat([data, estimate[["label", "estimate", "estimate_low", "estimate_best", "estimate_high"]]],
                     ignore_index=True)
    y = alt.Y("label:N", title=None, sort=order, axis=None)
    axis = alt.Axis(title=unit, format=number_format(data.value.max()), labelOverlap=True, tickCount=5)
    base = alt.Chart(inline_records(rows)).encode(y=y)
    step = row_step(order)
    below = marks_offset(step)
    figures = base.transform_filter("isValid(datum.value)")
    # a layer with no data leaves Vega an infinite extent and an unlabelled mark group: only layers that draw
    ranged = estimate.estimate_low.notna() & estimate.estimate_high.notna()
    layers = []
    if ranged.any():
        layers.append(base.transform_filter("isValid(datum.estimate_low) && isValid(datum.estimate_high)").mark_bar(
            height=14, yOffset=below, color="#bbbbbb", opacity=0.6).encode(
            x=alt.X("estimate_low:Q", axis=axis), x2="estimate_high:Q",
            tooltip=[alt.Tooltip("label:N", title="Figure"), alt.Tooltip("estimate:N", title="Book's estimate")]))
    if estimate.estimate_best.notna().any():
        layers.append(base.transform_filter("isValid(datum.estimate_best)").mark_tick(
            color="black", thickness=2, size=16, yOffset=below).encode(
            x=alt.X("estimate_best:Q", axis=axis),
            tooltip=[alt.Tooltip("label:N", title="Figure"), alt.Tooltip("estimate:N", title="Book's estimate")]))
    return alt.layer(
        *layers,
        figures.mark_rule(color="#777777", strokeWidth=2, yOffset=below).encode(x=alt.X("min(value):Q", axis=axis), x2="max(value):Q"),
        figures.mark_point(filled=True, size=70, stroke=PALETTE[0], strokeWidth=1.5, yOffset=below).encode(
            x=alt.X("value:Q", axis=axis),
            fill=alt.Fill("evidence:N", title="Figure given by", sort=list(EVIDENCE.values()),
                          scale=alt.Scale(domain=list(EVIDENCE.values()), range=[PALETTE[0], "white"]),
                          legend=alt.Legend(labelLimit=0, orient="bottom", direction="vertical", columns=1)),
            tooltip=[alt.Tooltip("label:N", title="Figure"), alt.Tooltip("value:Q", title=unit, format=",.2~f"),
                     alt.Tooltip("sources:N", title="Sources"), alt.Tooltip("evidence:N", title="Given by")]),
        row_label(base.transform_filter("isValid(datum.value)").transform_aggregate(groupby=["label"]), step),
    ).properties(width=WIDTH - 60, height=alt.Step(step))


def source_spread(frame: pd.DataFrame, stem: str, label: str, title: str, unit: str,
                  estimates: pd.DataFrame | None = None, panel: str | None = None) -> alt.TopLevelMixin:
    """Each source's figure as a dot on its own row, a line from the lowest to the highest figure,
    and the book's estimate where `estimates` gives one (columns label, estimate_low/best/high).
    With `panel`, one panel per value of that column (one unit per axis)."""
    frame = active(frame)
    rows = frame.assign(low=frame[f"{stem}_low"], best=frame[f"{stem}_best"], high=frame[f"{stem}_high"])
    rows = rows.assign(value=rows.best.fillna(rows.low).fillna(rows.high))
    rows = rows[rows.value.notna()]
    weak = rows["weak_evidence"] if "weak_evidence" in rows else pd.Series(False, index=rows.index)
    rows = rows.assign(label=rows[label].map(wrapped), evidence=weak.fillna(False).astype(bool).map(EVIDENCE),
                       sources=rows.sources.map(source_names), panel=rows[panel] if panel else unit)
    data = records(rows, ["id", "label", "value", "low", "high", "sources", "evidence", "panel"])
    if estimates is None:
        estimates = pd.DataFrame(columns=["label", "estimate_low", "estimate_best", "estimate_high"])
    estimates = estimates.assign(label=estimates.label.map(wrapped))
    estimates = estimates[estimates.label.isin(data.label)].assign(
        estimate=lambda f: f.apply(estimate_text, axis=1))
    panels = [spread_panel(data[data.panel == p], estimates[estimates.label.isin(data[data.panel == p].label)], p)
              for p in dict.fromkeys(data.panel)]
    chart = panels[0] if len(panels) == 1 else alt.vconcat(*panels).resolve_scale(x="independent", y="independent")
    shown = len(estimates)
    return themed(chart.properties(
        title=title,
        description=f"Dot plot: {len(data)} figures from different sources, one dot each, grouped by what they count"
                    + (f", in {len(panels)} panels, one per unit" if len(panels) > 1 else "")
                    + "; a grey line spans the lowest to the highest figure; hollow dots are figures given only by "
                      "reference, popular or unreliable sources"
                    + (f"; grey bands and black ticks show the book's estimate for {shown} of the groups." if shown else "."),
    ))


def estimate_text(row) -> str:
    low, best, high = (row[f"estimate_{k}"] for k in ("low", "best", "high"))
    number = lambda v: f"{v:,.0f}"  # noqa: E731
    if pd.notna(best) and (pd.isna(low) or low == best) and (pd.isna(high) or high == best):
        return number(best)
    span = (f"{number(low)}–{number(high)}" if pd.notna(low) and pd.notna(high)
            else f"at least {number(low)}" if pd.notna(low) else f"at most {number(high)}")
    return f"{number(best)} ({span})" if pd.notna(best) else span


def estimates_by_group(estimates: pd.DataFrame, table: str) -> pd.DataFrame:
    """The book's estimates for one table, each labelled by what it counts and over which years."""
    rows = active(estimates)
    rows = rows[rows.table_name == table]
    years = rows.period_start.dt.year.astype(str).where(
        rows.period_start.dt.year == rows.period_end.dt.year,
        rows.period_start.dt.year.astype(str) + "–" + rows.period_end.dt.year.astype(str))
    return rows.assign(label=rows.quantity.str.slice(0, 1).str.upper() + rows.quantity.str.slice(1) + ", " + years)


def credits_chart(credits: pd.DataFrame, estimates: pd.DataFrame | None = None) -> alt.TopLevelMixin:
    """Each source's amount for each credit, and what was drawn in all, beside the book's estimates."""
    amounts = credits.assign(
        label=credits.date_signed.dt.strftime("Credit of %B %Y").fillna("Credits, all (as one figure)"))
    drawn = credits[credits[["drawn_usd_low", "drawn_usd_best", "drawn_usd_high"]].notna().any(axis=1)]
    drawn = drawn.assign(label="Drawn, all credits", amount_usd_low=drawn.drawn_usd_low,
                         amount_usd_best=drawn.drawn_usd_best, amount_usd_high=drawn.drawn_usd_high)
    both = pd.concat([amounts, drawn], ignore_index=True)
    marked = None
    if estimates is not None:
        rows = estimates[estimates.table_name == "credits"]
        label_of = dict(zip(amounts.id, amounts.label))  # a group is named by its first row's id
        marked = rows.assign(label=[label_of.get(g) if scope == "agreed" else
                                    "Drawn, all credits" if g == "cr-total-1937-1941" else None
                                    for g, scope in zip(rows.group_id, rows.scope)]).dropna(subset=["label"])
    return source_spread(both, "amount_usd", "label", "Soviet credits to China: each source's figure", "US dollars",
                         marked)


def aid_chart(aid: pd.DataFrame, years: tuple[int, int] | None = None,
              estimates: pd.DataFrame | None = None) -> alt.TopLevelMixin:
    """Delivery figures by what they count, one panel per unit; one dot per source, and the book's
    estimate for each group."""
    rows = aid if years is None else aid[aid.year.between(*years)]
    return group_spread(rows, "quantity", estimates, "aid_deliveries",
                        f"Soviet deliveries to China, {'1937–1941' if years is None else '%d–%d' % years}: "
                        "each source's figure", "Quantity", panel="unit")


def personnel_chart(personnel: pd.DataFrame, categories: list[str],
                    estimates: pd.DataFrame | None = None) -> alt.TopLevelMixin:
    rows = personnel[personnel.category.isin(categories)]
    return group_spread(rows, "count", estimates, "personnel", "Soviet personnel and losses: each source's figure",
                        "Persons")


def group_spread(rows: pd.DataFrame, stem: str, estimates: pd.DataFrame | None, table: str, title: str,
                 unit: str, panel: str | None = None) -> alt.TopLevelMixin:
    """Figures labelled by their group: the estimate's words for what the group counts, where the
    book has one, else the group's id."""
    labelled = estimates_by_group(estimates, table) if estimates is not None else pd.DataFrame(columns=["group_id", "label"])
    label_of = dict(zip(labelled.group_id, labelled.label))
    rows = rows.assign(label=rows.group_id.map(lambda g: label_of.get(g, g.replace("-", " "))))
    return source_spread(rows, stem, "label", title, unit, labelled if estimates is not None else None, panel)


# one colour per side, everywhere in the book: whose aircraft (or men) a figure counts
SIDE_ORDER = ["Japanese", "Chinese-Soviet"]
SIDE_SCALE = alt.Scale(domain=SIDE_ORDER, range=[PALETTE[3], PALETTE[0]])
# each measure of the air war: (whose aircraft were lost, what kind of figure it is, its name)
AIR_MEASURES = {
    "sino_soviet_claim_destroyed": ("Japanese", "claimed destroyed by the other side",
                                    "Chinese-Soviet claim: Japanese aircraft destroyed"),
    "japanese_admitted_losses": ("Japanese", "admitted lost by their own side", "Japanese admitted losses"),
    "japanese_claim_destroyed": ("Chinese-Soviet", "claimed destroyed by the other side",
                                 "Japanese claim: Chinese-Soviet aircraft destroyed"),
    "sino_soviet_admitted_losses": ("Chinese-Soviet", "admitted lost by their own side", "Chinese-Soviet admitted losses"),
}
AIR_FIGURES = ["claimed destroyed by the other side", "admitted lost by their own side"]


def air_war_chart(air_war: pd.DataFrame, start: str, end: str) -> alt.Chart:
    """Claims against admitted losses for each air action: the colour says whose aircraft, the shape
    whether the figure is the other side's claim or the side's own admission, so that a claim and
    the matching admission share a colour; click the legend to isolate one side's losses."""
    rows = active(air_war)
    rows = rows[(rows.date_start >= start) & (rows.date_start <= end)]
    long = rows.melt(id_vars=["id", "date_start", "title"], value_vars=list(AIR_MEASURES), var_name="key",
                     value_name="aircraft").dropna(subset=["aircraft"])
    long["side"] = long.key.map(lambda k: AIR_MEASURES[k][0])
    long["figure"] = long.key.map(lambda k: AIR_MEASURES[k][1])
    long["measure"] = long.key.map(lambda k: AIR_MEASURES[k][2])
    # the date as readers write it, and the whole title: the label sits above its row, wrapped
    long["action"] = [wrapped(f"{d.day} {d:%B %Y}: {t}") for d, t in zip(long.date_start, long.title)]
    data = records(long.sort_values(["date_start", "id", "measure"]), ["action", "measure", "side", "figure", "aircraft"])
    legend = alt.selection_point(fields=["side"], bind="legend", name="legend_side")
    step = row_step(data.action)
    below = marks_offset(step)
    base = alt.Chart(inline_records(data)).encode(
        y=alt.Y("action:N", title=None, sort=list(dict.fromkeys(data.action)), axis=None))
    points = base.mark_point(filled=True, size=80, yOffset=below).encode(
        x=alt.X("aircraft:Q", title="Aircraft"),
        color=alt.Color("side:N", title="Aircraft lost by", scale=SIDE_SCALE,
                        legend=alt.Legend(columns=1, labelLimit=0)),
        shape=alt.Shape("figure:N", title="Figure", sort=AIR_FIGURES,
                        scale=alt.Scale(domain=AIR_FIGURES, range=["circle", "square"]),
                        legend=alt.Legend(columns=1, labelLimit=0)),
        opacity=alt.condition(legend, alt.value(1), alt.value(0.1)),
        tooltip=[alt.Tooltip("action:N", title="Air action"), alt.Tooltip("measure:N", title="Figure"),
                 alt.Tooltip("aircraft:Q", title="Aircraft")],
    ).add_params(legend)
    labels = row_label(base.transform_aggregate(groupby=["action"]), step, "action")
    return themed(alt.layer(points, labels).properties(width=WIDTH - 60, height=alt.Step(step)).properties(
        title="Air actions: claims against admitted losses",
        description=f"Dot plot of {rows.shape[0]} air actions: for each, the aircraft one side claimed to have "
                    "destroyed (circles) and the losses the other side admitted (squares), where the sources give "
                    "them; the colour says whose aircraft.",
    ))


VERDICT_ORDER = ["supported", "partly_supported", "contested", "partly_wrong", "wrong", "unresolved"]
VERDICT_COLOURS = [PALETTE[2], PALETTE[5], PALETTE[1], PALETTE[4], PALETTE[3], "#999999"]


def verdicts_chart(claims: pd.DataFrame) -> alt.Chart:
    counts = claims.groupby(["section", "verdict"], observed=True, sort=False).size().rename("claims").reset_index()
    counts["verdict"] = counts["verdict"].astype(str)
    sections = list(dict.fromkeys(claims.section))
    return themed(alt.Chart(inline_records(counts), width=WIDTH - 160, height=120).mark_bar().encode(
        x=alt.X("claims:Q", title="Claims", stack="zero"),
        y=alt.Y("section:N", sort=sections, title=None),
        color=alt.Color("verdict:N", sort=VERDICT_ORDER, title="Verdict",
                        scale=alt.Scale(domain=VERDICT_ORDER, range=VERDICT_COLOURS),
                        legend=alt.Legend(columns=1, labelExpr="replace(datum.label, '_', ' ')")),
        order=alt.Order("verdict_order:Q"),
        tooltip=[alt.Tooltip("section:N", title="Section"), alt.Tooltip("verdict:N", title="Verdict"),
                 alt.Tooltip("claims:Q", title="Claims")],
    ).transform_calculate(verdict_order=f"indexof({VERDICT_ORDER}, datum.verdict)").properties(
        title="The seed article's statements, by section and verdict",
        description="Stacked horizontal bars: for each section of the seed article, how many of its statements "
                    "the claims ledger finds supported, partly supported, contested, partly wrong, wrong or unresolved.",
    ))


def routes_map(routes: pd.DataFrame, places: pd.DataFrame, title: str) -> alt.LayerChart:
    """Supply routes as lines through their stops, on the base map; the legend picks a route."""
    stops = routes.merge(places[["id", "name", "name_period", "lat", "lon"]], left_on="place_id", right_on="id",
                         suffixes=("", "_place")).sort_values(["route", "seq"])
    data = records(stops, ["route", "name", "seq", "place_id", "name_place", "name_period", "mode", "lat", "lon"])
    pick = alt.selection_point(fields=["name"], bind="legend", name="legend_route")
    base = alt.Chart(inline_records(data)).encode(
        longitude="lon:Q", latitude="lat:Q",
        color=alt.Color("name:N", title="Route", legend=alt.Legend(orient="bottom", columns=1, labelLimit=0)),
        opacity=alt.condition(pick, alt.value(0.9), alt.value(0.15)))
    lines = base.mark_line(strokeWidth=3).encode(order="seq:Q", detail="route:N")
    stops_layer = base.mark_circle(size=60, stroke="white").encode(
        tooltip=[alt.Tooltip("name:N", title="Route"), alt.Tooltip("seq:Q", title="Stop"),
                 alt.Tooltip("name_place:N", title="Place"), alt.Tooltip("name_period:N", title="Period spelling"),
                 alt.Tooltip("mode:N", title="From the previous stop by")])
    # one label per place, however many routes pass through it
    places_drawn = data.drop_duplicates("place_id").rename(columns={"place_id": "id", "name": "route"})
    frame = map_frame(places_drawn.lon, places_drawn.lat)
    labels = place_labels(places_drawn.rename(columns={"name_place": "name"}), frame, lambda p: math.sqrt(60 / math.pi))
    return themed(alt.layer(basemap_layer(), lines.add_params(pick), stops_layer, *label_layers(labels)).project(
        **frame).properties(
        width=WIDTH, height=MAP_HEIGHT, title=title,
        description=f"Map of {stops.route.nunique()} supply routes into China drawn as lines through their "
                    f"{len(stops)} named stops, from Soviet Central Asia, Mongolia, French Indochina and Burma.",
    ))
