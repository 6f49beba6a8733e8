"""Charts drawn as the browser draws them (Vega through vl-convert), for what a count of marks in
the page tests cannot see."""
from __future__ import annotations

import pytest
import vl_convert

from sinosoviet import charts, data
from sinosoviet.sphinxext import VEGA_LITE_VERSION


@pytest.fixture(scope="module")
def tables():
    return data.load_all()


def test_the_base_map_draws_its_countries(tables):
    # the GeoJSON travels as a string that Vega parses; a wrong format would leave the map blank
    spec = charts.place_map(tables["events"], tables["places"], "p5", "Places").to_dict()
    svg = vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)
    countries = svg.count('fill="#eeeeee"')
    assert countries >= 20, f"{countries} countries drawn on the base map"
