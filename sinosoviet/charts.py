"""Chart builders: short declarative Altair specs over the project's tables, themed once here.

Importing this module registers the theme and the deterministic renderer (`sinosoviet.render`).
Every builder takes DataFrames from `sinosoviet.data.load` and returns an Altair chart whose
`description` is the text alternative read by screen readers.
"""
from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import pandas as pd

from . import render

# Okabe & Ito's palette: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
CATEGORY_ORDER = ["diplomacy", "military", "party", "aid", "economy", "internal"]
BASEMAP = Path(__file__).resolve().parent.parent / "data" / "basemap" / "east-asia-110m.geojson"
WIDTH = 640


@alt.theme.register("sinosoviet", enable=True)
def theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig({
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
            "range": {"category": PALETTE},
            "view": {"stroke": None},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
            "title": {"fontSize": 14, "anchor": "start"},
        }
    })


render.enable()
# Inline data go into top-level "datasets" under a content hash: stable across runs.
alt.data_transformers.enable("default", max_rows=None)


def records(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy with dates as ISO strings and missing values as None, for a stable JSON spec."""
    out = frame[columns].copy()
    for column in columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
        elif isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype("string")
    return out.astype(object).where(out.notna(), None)


def period_spans(periods: pd.DataFrame) -> alt.Chart:
    data = records(periods, ["order", "title", "date_start", "date_end"])
    return alt.Chart(data, width=WIDTH, height=180).mark_bar(cornerRadius=2).encode(
        x=alt.X("date_start:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
        x2="date_end:T",
        y=alt.Y("title:N", sort=alt.SortField("order"), title=None),
        color=alt.Color("title:N", sort=alt.SortField("order"), legend=None),
        tooltip=[alt.Tooltip("title:N", title="Period"), alt.Tooltip("date_start:T", title="From"),
                 alt.Tooltip("date_end:T", title="To")],
    ).properties(
        title="The six periods of the book",
        description="Horizontal bars, one per period of the book, on a time axis from 1923 to 1941.",
    )


def basemap_features() -> list[dict]:
    return json.loads(BASEMAP.read_text(encoding="utf-8"))["features"]
