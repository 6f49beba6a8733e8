"""Each chart's Vega, compiled while the book builds (sinosoviet.book.vegaspecs): the same Vega
that Vega-Lite gives, its data sets named by where they are in the spec, kept once compiled, and
a spec that does not compile named in the error."""
from __future__ import annotations

import functools
import json
import operator
import re

import pytest
import vl_convert

from sinosoviet import data, render, webexplore
from sinosoviet.book import vegaspecs

ROWS = [{"year": 1937, "aircraft": 885.0, "source": "a"}, {"year": 1938, "aircraft": 300, "source": "b"}]
BORDERS = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "square"},
     "geometry": {"type": "Polygon", "coordinates": [[[100, 30], [110, 30], [110, 40], [100, 40], [100, 30]]]}}]}
SPEC = {"$schema": "https://vega.github.io/schema/vega-lite/v5.20.1.json", "description": "Test chart",
        "datasets": {"data-rows": ROWS}, "width": 300, "height": 200, "title": "Aircraft",
        "layer": [{"data": {"values": BORDERS, "format": {"type": "json", "property": "features"}},
                   "mark": "geoshape", "projection": {"type": "mercator", "scale": 300, "center": [105, 35]}},
                  {"data": {"name": "data-rows"}, "mark": "circle",
                   "encoding": {"longitude": {"field": "year", "type": "quantitative"},
                                "latitude": {"field": "aircraft", "type": "quantitative"}}}]}


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(vegaspecs, "CACHE", tmp_path / "vega")
    return tmp_path / "vega"


def written(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" class="sinosoviet-vega">(.*?)</script>', html, re.S).group(1))


def test_the_compiled_vega_is_vega_lites_with_each_data_set_named_not_repeated():
    html = vegaspecs.with_vega(render.chart_html(SPEC))
    compiled = written(html)
    # the rows (885.0 written as 885 by Vega) and the map's GeoJSON are both taken from the spec
    assert sorted(map(tuple, compiled["values"].values())) == [("datasets", "data-rows"), ("layer", 0, "data", "values")]
    vega = compiled["vega"]
    for data in vega["data"]:
        if data["name"] in compiled["values"]:
            assert "values" not in data
            data["values"] = functools.reduce(operator.getitem, compiled["values"][data["name"]], SPEC)
    expected = vl_convert.vegalite_to_vega(SPEC, vl_version=vegaspecs.VEGA_LITE_VERSION)
    expected.pop("$schema")
    assert vega == expected
    # written after the inline call, in the same figure, and safe inside a script element
    assert html.index("sinosoviet-vega") > html.index("sinosovietEmbed(") and html.endswith("</div>")


def test_an_explorers_vega_follows_its_settings():
    html = vegaspecs.with_vega(webexplore.aid_view(data.load_all()).html())
    config = json.loads(re.search(r'class="sinosoviet-explorer-config">(.*?)</script>', html, re.S).group(1))
    compiled = written(html)
    assert html.index("sinosoviet-vega") > html.index("sinosoviet-explorer-config")
    # the rows the table pages through are the rows the chart draws, written once
    assert compiled["values"][webexplore.ROWS] == ["datasets", webexplore.ROWS]
    assert functools.reduce(operator.getitem, compiled["values"][webexplore.ROWS], config["spec"]) == config["spec"]["datasets"][webexplore.ROWS]


def test_a_compiled_chart_is_kept_and_not_compiled_again(cache, monkeypatch):
    first = vegaspecs.compiled(SPEC)
    assert len(list(cache.glob("*.json"))) == 1

    def refuse(*args, **kwargs):
        raise AssertionError("compiled a second time")

    monkeypatch.setattr(vl_convert, "vegalite_to_vega", refuse)
    assert vegaspecs.compiled(SPEC) == first
    changed = json.loads(json.dumps(SPEC))
    changed["datasets"]["data-rows"][0]["aircraft"] = 8850
    with pytest.raises(AssertionError, match="compiled a second time"):
        vegaspecs.compiled(changed)


def test_a_spec_that_does_not_compile_is_named_in_one_line():
    broken = {"description": "A broken chart", "mark": "nonsense", "data": {"values": []}}
    with pytest.raises(vegaspecs.CompileError) as error:
        vegaspecs.with_vega(render.chart_html(broken))
    message = str(error.value)
    assert "A broken chart" in message and "\n" not in message and "backtrace" not in message.lower()


def test_a_chart_that_needs_a_transform_the_bundle_leaves_out_is_named():
    """The bundle registers only the transforms the book's charts use (vegaspecs.BUNDLE_SNIPPET): a
    chart that needs another stops the build, named, instead of failing in the reader's browser."""
    spec = {"description": "Trend chart", "data": {"values": ROWS}, "mark": "line",
            "transform": [{"regression": "aircraft", "on": "year"}],
            "encoding": {"x": {"field": "year", "type": "quantitative"}, "y": {"field": "aircraft", "type": "quantitative"}}}
    with pytest.raises(vegaspecs.CompileError, match=r"^chart 'Trend chart': needs the regression \(vega-regression\) transform"):
        vegaspecs.compiled(spec)
    assert vegaspecs.transform_types(written(vegaspecs.with_vega(render.chart_html(SPEC)))["vega"]) == {"geojson", "geopoint", "geoshape"}
