"""Each chart's Vega, compiled from its Vega-Lite while the book builds.

A page carries each chart's Vega-Lite spec (sinosoviet.render.chart_html), which the page's head
reads to reserve the chart's room and which the notebooks store. Compiling it to Vega in the
reader's browser took 20-110 ms a chart (p5's eight: about 370 ms of its drawing, measured);
here it is done once, with the same Vega-Lite as the served bundle, and each chart's compiled
Vega is written after its spec (`script.sinosoviet-vega`), which sinosoviet-charts.js draws.
The data are not written twice: a data set that is also in the Vega-Lite spec is named by where
it is there (`values`: data set name → path of keys), and the browser takes it from there.

Compiling starts a JavaScript engine (about 0.4 s) and takes about 10 ms a chart, so each result
is kept with the environment under a name made from the spec, the Vega-Lite version and
vl-convert's, as the icon font's and the page fonts' cuts are: a rebuild compiles only a chart
that changed."""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

import vl_convert

from sinosoviet.render import script_safe, spec_json

VEGA_LITE_VERSION = "5.20"  # the Vega-Lite of the pinned Altair (5.5.0 writes v5.20.1 specs)
CACHE = Path(sys.prefix) / "share" / "sinosoviet-vega"
# a chart as sinosoviet.render.chart_html writes it (its spec, then its inline call), and an Explore
# explorer's settings as sinosoviet.webexplore writes them (its spec under "spec")
CHART = re.compile(r'(<script type="application/json" class="sinosoviet-spec">(.*?)</script>\n'
                   r'<script>window\.sinosovietEmbed[^<]*</script>\n)', re.S)
EXPLORER = re.compile(r'(<script type="application/json" class="sinosoviet-explorer-config">(.*?)</script>)', re.S)

# What the pages draw with (sinosoviet.book.sphinxext bundles it): Vega's dataflow, parser, view
# and renderers, with the transforms of vega-transforms, vega-view-transforms, vega-encode and
# vega-geo, and the tooltips vega-embed would give it, at the versions vl-convert 1.9 carries (its
# bundler finds them by these addresses, offline; another version is a build error). Whole Vega
# also registers the transforms of the packages below, which no chart of the book uses: without
# them the bundle is 499 kB instead of 590 kB, and the drawings are the same.
NPM = "https://cdn.jsdelivr.net/npm/"  # names only: vl-convert resolves them from its own copies
BUNDLE_SNIPPET = f"""import {{ extend, Warn }} from "{NPM}vega-util@2.1.0/+esm";
import {{ transforms }} from "{NPM}vega-dataflow@6.1.0/+esm";
import * as tx from "{NPM}vega-transforms@5.1.0/+esm";
import * as vtx from "{NPM}vega-view-transforms@5.1.0/+esm";
import * as encode from "{NPM}vega-encode@5.1.0/+esm";
import * as geo from "{NPM}vega-geo@5.1.0/+esm";
import {{ View }} from "{NPM}vega-view@6.1.0/+esm";
import {{ parse }} from "{NPM}vega-parser@7.1.0/+esm";
import {{ Handler as TooltipHandler }} from "{NPM}vega-tooltip@1.0.0/+esm";
extend(transforms, tx, vtx, encode, geo);
window.vega = {{ View, parse, Warn }};
window.vegaTooltip = {{ Handler: TooltipHandler }};
"""
# each left-out package's transforms (Vega-Lite writes loess and regression for its transforms of
# those names, voronoi for a `nearest` selection): a chart that needs one stops the build
LEFT_OUT = {"vega-force": {"force"},
            "vega-hierarchy": {"nest", "pack", "partition", "stratify", "tree", "treelinks", "treemap"},
            "vega-regression": {"loess", "regression"}, "vega-voronoi": {"voronoi"},
            "vega-wordcloud": {"wordcloud"}, "vega-crossfilter": {"crossfilter", "resolvefilter"},
            "vega-label": {"label"}}
LEFT_OUT_PACKAGE = {name: package for package, names in LEFT_OUT.items() for name in names}


class CompileError(ValueError):
    """A chart's Vega-Lite that vl-convert cannot compile."""


def data_paths(spec) -> list[tuple[object, tuple]]:
    """Every set of data values in a Vega-Lite spec (rows, or a map's GeoJSON), with its path of keys."""
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "values" and path and path[-1] == "data":
                    found.append((value, path + (key,)))
                elif key == "datasets" and not path and isinstance(value, dict):
                    found.extend((rows, (key, name)) for name, rows in value.items())
                else:
                    walk(value, path + (key,))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, path + (index,))

    walk(spec, ())
    return found


def path_of(values, spec_data: list[tuple[object, tuple]]):
    # equal as values, not as text: Vega writes 885.0 as 885, and JSON.parse reads both alike
    return next((list(path) for rows, path in spec_data if rows == values), None)


def named(spec: dict) -> str:
    return f"chart {spec.get('description', '')[:80]!r}"


def transform_types(node) -> set[str]:
    """Every transform a Vega spec names, in its data and in its marks' (a facet's) data."""
    if isinstance(node, list):
        return set().union(*map(transform_types, node))
    if not isinstance(node, dict):
        return set()
    own = {t["type"] for t in node.get("transform", []) if isinstance(t, dict) and "type" in t}
    return own.union(*map(transform_types, node.values()))


def check_drawable(vega: dict, spec: dict) -> None:
    """Refuse a chart whose Vega needs a transform the bundle leaves out."""
    needs = sorted(f"{name} ({LEFT_OUT_PACKAGE[name]})" for name in transform_types(vega) if name in LEFT_OUT_PACKAGE)
    if needs:
        raise CompileError(f"{named(spec)}: needs the {', '.join(needs)} transform, "
                           "which the book's Vega bundle leaves out (sinosoviet.book.vegaspecs.BUNDLE_SNIPPET)")


def compiled(spec: dict) -> dict:
    """The chart's Vega, as the page carries it: {"vega": spec, "values": {data set: path}}."""
    text = spec_json(spec)
    made_from = hashlib.sha256(f"{vl_convert.__version__} {VEGA_LITE_VERSION} {text}".encode()).hexdigest()[:24]
    cached = CACHE / f"{made_from}.json"
    if cached.exists():
        result = json.loads(cached.read_text(encoding="utf-8"))
        check_drawable(result["vega"], spec)
        return result
    try:
        vega = vl_convert.vegalite_to_vega(spec, vl_version=VEGA_LITE_VERSION)
    except ValueError as error:
        reason = " ".join(str(error).split("Stack backtrace")[0].split())
        raise CompileError(f"{named(spec)}: {reason}") from None
    # the bundle's Vega (6) draws Vega 5 specs, but would warn of the version in each one's $schema
    vega.pop("$schema", None)
    check_drawable(vega, spec)
    in_spec = data_paths(spec)
    values = {}
    for data in vega.get("data", []):
        path = path_of(data["values"], in_spec) if "values" in data else None
        if path is not None:
            del data["values"]
            values[data["name"]] = list(path)
    result = {"vega": vega, "values": values}
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.part")  # two builds may run side by side
    partial.write_text(spec_json(result), encoding="utf-8")
    partial.replace(cached)
    return result


def with_vega(body: str) -> str:
    """The page's HTML with each chart's compiled Vega written after its inline call, and each
    explorer's after its settings."""
    def after(match, spec):
        return (match.group(1) + '<script type="application/json" class="sinosoviet-vega">'
                + script_safe(spec_json(compiled(spec))) + "</script>\n")

    body = CHART.sub(lambda match: after(match, json.loads(match.group(2))), body)
    return EXPLORER.sub(lambda match: after(match, json.loads(match.group(2))["spec"]), body)
