"""Derive data/basemap/east-asia-110m.geojson from world-atlas 2.0.2 (Natural Earth 1:110m).

Run once by hand (the output is committed); kept so that the base map's provenance is checkable:
    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/make_basemap.py package/countries-110m.json data/basemap/east-asia-110m.geojson
"""
import json
import sys

WINDOW = (55.0, 0.0, 150.0, 62.0)  # lon_min, lat_min, lon_max, lat_max: the book's theatre


def decode_arcs(topo):
    scale, translate = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * scale[0] + translate[0], 2), round(y * scale[1] + translate[1], 2)))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return [list(p) for p in points]


def in_window(rings):
    lon_min, lat_min, lon_max, lat_max = WINDOW
    return any(lon_min <= x <= lon_max and lat_min <= y <= lat_max for r in rings for x, y in r)


def main(src, dst):
    topo = json.load(open(src, encoding="utf-8"))
    arcs = decode_arcs(topo)
    features = []
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom["type"] == "Polygon":
            polygons = [[ring(arcs, r) for r in geom["arcs"]]]
        elif geom["type"] == "MultiPolygon":
            polygons = [[ring(arcs, r) for r in poly] for poly in geom["arcs"]]
        else:
            continue
        polygons = [p for p in polygons if in_window(p)]
        if polygons:
            features.append({"type": "Feature", "properties": {"name": geom["properties"]["name"]},
                             "geometry": {"type": "MultiPolygon", "coordinates": polygons}})
    features.sort(key=lambda f: f["properties"]["name"])
    out = {"type": "FeatureCollection", "features": features}
    with open(dst, "w", encoding="utf-8", newline="\n") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{dst}: {len(features)} countries")


if __name__ == "__main__":
    main(*sys.argv[1:3])
