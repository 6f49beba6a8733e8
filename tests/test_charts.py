"""Charts drawn as the browser draws them (Vega through vl-convert), for what a count of marks in
the page tests cannot see."""
from __future__ import annotations

from pathlib import Path

import pytest
import vl_convert

from sinosoviet import charts, data
from sinosoviet.book.sphinxext import VEGA_LITE_VERSION

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tables():
    return data.load_all()


def test_the_base_map_draws_its_countries(tables):
    # the GeoJSON travels as a string that Vega parses; a wrong format would leave the map blank
    spec = charts.place_map(tables["events"], tables["places"], "p5", "Places").to_dict()
    svg = vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)
    countries = svg.count('fill="#eeeeee"')
    assert countries >= 20, f"{countries} countries drawn on the base map"


def test_a_maps_labels_are_one_layer_and_its_data_table_lists_the_places(tables):
    """The labels, placed around their points, are drawn by one text layer from data of their own
    (each label's alignment and offset in its row); the reader's table of the chart's data lists
    the places once, not the labels' placement as tables of one or two rows."""
    from sinosoviet.render import data_table

    spec = charts.place_map(tables["events"], tables["places"], "pd-1937-1939", "Places").to_dict()
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert len(texts) == 1 and texts[0]["data"]["name"] == charts.MAP_LABELS
    labels = texts[0]["data"]["values"]
    assert len(labels) >= 8 and {row["align"] for row in labels} <= {"left", "right", "center"}
    shown = data_table(spec)
    assert shown.count("<table") == 1 and "pl-lanzhou" in shown, "the map's data table is not its places"


def colour_encodings(spec):
    """Every colour encoding in a spec, layers and panels included."""
    if isinstance(spec, dict):
        if isinstance(spec.get("color"), dict):
            yield spec["color"]
        for value in spec.values():
            yield from colour_encodings(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from colour_encodings(value)


def test_a_category_has_one_colour_in_every_chart_of_the_book():
    import json
    specs = [o["data"]["application/vnd.vegalite.v5+json"] for path in sorted((ROOT / "notebooks").glob("*.ipynb"))
             for c in json.loads(path.read_text(encoding="utf-8"))["cells"] for o in c.get("outputs", [])
             if "application/vnd.vegalite.v5+json" in o.get("data", {})]
    by_category = [e for spec in specs for e in colour_encodings(spec) if e.get("field") == "category"]
    assert len(by_category) >= 12
    for encoding in by_category:
        assert encoding["scale"] == {"domain": charts.CATEGORY_ORDER, "range": charts.PALETTE[:6]}, encoding
    # a verdict, likewise, has one colour wherever a chart shows verdicts
    by_verdict = [e for spec in specs for e in colour_encodings(spec) if e.get("field") == "verdict"]
    assert by_verdict
    for encoding in by_verdict:
        assert encoding["scale"] == {"domain": charts.VERDICT_ORDER, "range": charts.VERDICT_COLOURS}, encoding
    # and a side (whose aircraft) in the air-war charts
    by_side = [e for spec in specs for e in colour_encodings(spec) if e.get("field") == "side"]
    assert by_side
    for encoding in by_side:
        assert encoding["scale"] == charts.SIDE_SCALE.to_dict(), encoding


def test_legend_click_and_dropdown_both_filter_the_timeline(tables):
    spec = charts.timeline(tables["events"], "pd-1937-1939", "t").to_dict()
    test = spec["encoding"]["opacity"]["condition"]["test"]
    assert "vlSelectionTest('legend_category_store', datum)" in test and "pick_category" in test
    options = next(p for p in spec["params"] if p["name"] == "pick_category")["bind"]["options"]
    present = set(tables["events"].query("period_id == 'pd-1937-1939'").category.astype(str))
    assert set(options) == {"all"} | present
