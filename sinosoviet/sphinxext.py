"""Sphinx extension: serve the chart libraries from the book's own _static, and refuse notebooks
whose stored outputs contain an error.

The vega, vega-lite and vega-embed bundle is generated at build time from the pinned
vl-convert-python package, so no page needs a CDN.
"""
from __future__ import annotations

import gc
import json
import logging as logging_std
import sys
from pathlib import Path

import vl_convert
from sphinx.util import logging

from . import bibstyle
from .render import VEGALITE_MIME

STATIC = Path(__file__).resolve().parent / "static"
VEGA_LITE_VERSION = "6.4"
BUNDLE = "vega-bundle.js"
logger = logging.getLogger(__name__)


def write_bundle(directory: Path) -> Path:
    """Bundling takes seconds, so the bundle is kept beside a stamp naming what made it."""
    directory.mkdir(parents=True, exist_ok=True)
    target, stamp = directory / BUNDLE, directory.with_name(directory.name + ".stamp")
    made_by = f"vl-convert {vl_convert.__version__}, vega-lite {VEGA_LITE_VERSION}"
    if not target.exists() or not stamp.exists() or stamp.read_text(encoding="utf-8") != made_by:
        target.write_text(vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION), encoding="utf-8")
        stamp.write_text(made_by, encoding="utf-8")
    return target


def add_static(app, config) -> None:
    # kept with the environment, not in _build: a clean build need not bundle again
    generated = Path(sys.prefix) / "share" / "sinosoviet-static"
    write_bundle(generated)
    config.html_static_path = [*config.html_static_path, str(STATIC), str(generated)]
    # Without a default the theme starts from an empty colour mode and logs a console error.
    config.html_context = {"default_mode": "auto", **(config.html_context or {})}


def error_outputs(path: Path) -> list[int]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [i for i, cell in enumerate(nb.get("cells", []))
            if any(o.get("output_type") == "error" for o in cell.get("outputs", []))]


def check_notebook(app, docname, source) -> None:
    path = Path(app.env.doc2path(docname))
    if path.suffix == ".ipynb":
        for index in error_outputs(path):
            logger.warning(f"{path}: cell {index} has a stored error output; re-run the notebook", location=docname)


class DropVegaLiteNotice(logging_std.Filter):
    """myst-nb renders every MIME type of an output while reading (the choice of one is made per
    builder later) and warns for those it has no renderer for. The Vega-Lite MIME type is meant for
    JupyterLab; the book uses the text/html of the same bundle, so that one notice is not a fault."""

    def filter(self, record) -> bool:
        return f"unknown output mime type: {VEGALITE_MIME}" not in record.getMessage()


def drop_vegalite_notice(app) -> None:
    for handler in logging_std.getLogger("sphinx").handlers:
        handler.filters.insert(0, DropVegaLiteNotice())


def tidy_page(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated scripts (Jupyter Book 1 sets up sphinx-togglebutton and sphinx-thebe twice,
    and two `const THEBE_JS_URL` declarations are a console error) and thebe, whose live-code
    loader would fetch from unpkg: readers run notebooks through the launch buttons instead."""
    seen, kept = set(), []
    for script in context.get("script_files", []):
        body = getattr(script, "attributes", {}).get("body", "")
        key = (str(script), body)
        if key in seen or "thebe" in str(script) or "THEBE_JS_URL" in body:
            continue
        seen.add(key)
        kept.append(script)
    context["script_files"] = kept
    if "body" in context:
        # Sphinx wraps citations in role="list" without listitem children (an ARIA error); the
        # entries keep their own doc-biblioentry role
        context["body"] = context["body"].replace('<div role="list" class="citation-list">', '<div class="citation-list">')
        if app.builder.name == "singlehtml":
            # the generated tables link source ids to the bibliography page, which in the
            # single-page (print) build is a part of this very page
            context["body"] = context["body"].replace('href="bibliography.html#', 'href="#')


def freeze_heap(app=None, env=None) -> list:
    """Move every object alive now out of the cyclic collector's sight (garbage made later is
    still collected). A build keeps its imports, environment and doctrees alive to the end, and
    the collector's full passes over them cost about a second per build (measured)."""
    gc.freeze()
    return []  # as an env-updated handler: no documents to re-read


def setup(app):
    freeze_heap()
    app.connect("env-updated", freeze_heap)
    bibstyle.register()
    app.connect("html-page-context", tidy_page)
    app.connect("config-inited", add_static)
    app.connect("builder-inited", drop_vegalite_notice)
    app.connect("source-read", check_notebook)
    # a module: its top-level names stay out of the global scope the theme's scripts share
    app.add_js_file(BUNDLE, type="module")
    app.add_js_file("sinosoviet-charts.js")
    app.add_css_file("sinosoviet.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
