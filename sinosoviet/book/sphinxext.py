"""Sphinx extension: serve the chart libraries from the book's own _static, and refuse notebooks
whose stored outputs contain an error.

The vega bundle (Vega and vega-tooltip; the charts come compiled from Vega-Lite,
sinosoviet.book.vegaspecs) is generated at build time from the pinned vl-convert-python package,
so no page needs a CDN; only pages with charts load it. Pages load no
script they do not use (templates/layout.html), and every static file is also written
precompressed (sinosoviet.book.compress).
"""
from __future__ import annotations

import csv
import gc
import hashlib
import html
import json
import re
import shutil
import sys
from pathlib import Path

import vl_convert
from sphinx.builders.html import _file_checksum
from sphinx.builders.html._assets import _JavaScript
from docutils import nodes
from markupsafe import Markup
from sphinx.util import logging

from sinosoviet.book.pagefonts import add_page_fonts, cached_cut
from sinosoviet.book.vegaspecs import BUNDLE_SNIPPET, VEGA_LITE_VERSION, CompileError, with_vega


STATIC = Path(__file__).resolve().parents[1] / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates"
SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources.csv"
BIBLIOGRAPHY = "notebooks/bibliography"
BUNDLE = "vega-bundle.js"
CHART_SCRIPTS = (f"_static/{BUNDLE}", "_static/sinosoviet-charts.js")
# what marks a page that draws charts: each chart's inline call (sinosoviet.render) and the
# Explore page's kernel-free explorers (sinosoviet.webexplore), which draw with the same bundle
CHART_MARKERS = ("sinosovietEmbed(", 'class="sinosoviet-explorer"')
logger = logging.getLogger(__name__)


# V8's explicit compile hint (Chrome 136 on): the bundle's functions are compiled as it is
# streamed in, off the main thread, instead of one by one on the main thread as the first chart
# calls them; that first drawing was the longest task of a chapter (on a simulated phone about
# 450-650 ms, with the hint 300-330 ms). Other browsers read a comment.
COMPILE_HINT = "//# allFunctionsCalledOnLoad\n"


def write_bundle(directory: Path) -> Path:
    """Bundling takes seconds, so the bundle is kept beside a stamp naming what made it."""
    directory.mkdir(parents=True, exist_ok=True)
    target, stamp = directory / BUNDLE, directory.with_name(directory.name + ".stamp")
    made_by = f"vl-convert {vl_convert.__version__}, {COMPILE_HINT.strip()}\n{BUNDLE_SNIPPET}"
    if not target.exists() or not stamp.exists() or stamp.read_text(encoding="utf-8") != made_by:
        bundle = vl_convert.javascript_bundle(BUNDLE_SNIPPET, vl_version=VEGA_LITE_VERSION)
        target.write_text(COMPILE_HINT + bundle, encoding="utf-8")
        stamp.write_text(made_by, encoding="utf-8")
    return target


JUPYTER_BOOK_DEFAULT_REPOSITORY = "https://github.com/executablebooks/jupyter-book"


def launch_only_from_our_repository(app, config) -> None:
    """Jupyter Book fills in its own repository when `repository.url` is unset, and every launch
    button would then open someone else's project: until the project's URL is set in _config.yml,
    there are no launch buttons and no repository links at all."""
    options = config.html_theme_options
    if options.get("repository_url", "") in ("", JUPYTER_BOOK_DEFAULT_REPOSITORY):
        options["repository_url"] = ""
        options["launch_buttons"] = {}
        options["use_repository_button"] = False


def add_static(app, config) -> None:
    # kept with the environment, not in _build: a clean build need not bundle again
    generated = Path(sys.prefix) / "share" / "sinosoviet-static"
    write_bundle(generated)
    config.html_static_path = [*config.html_static_path, str(STATIC), str(generated)]
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    # Without a default the theme starts from an empty colour mode and logs a console error.
    config.html_context = {"default_mode": "auto", **(config.html_context or {})}


def error_outputs(notebook_json: str) -> list[int]:
    """The cells of a notebook, given as its JSON text, that store an error output."""
    if '"error"' not in notebook_json:  # an error output names its type so: the rest are not parsed again
        return []
    nb = json.loads(notebook_json)
    return [i for i, cell in enumerate(nb.get("cells", []))
            if any(o.get("output_type") == "error" for o in cell.get("outputs", []))]


def check_notebook(app, docname, source) -> None:
    path = Path(app.env.doc2path(docname))
    if path.suffix == ".ipynb":
        for index in error_outputs(source[0]):
            logger.warning(f"{path}: cell {index} has a stored error output; re-run the notebook", location=docname)


def anchor_sources(app, doctree) -> None:
    """Citations link to `bibliography.ipynb#src-…`, and the rows that carry those ids are
    generated HTML: their ids are made known to MyST's link resolver here, so that a citation of
    a source that is not in data/sources.csv is a build error."""
    if app.env.docname == BIBLIOGRAPHY:
        with SOURCES.open(encoding="utf-8", newline="") as f:
            ids = [row["id"] for row in csv.DictReader(f)]
        slugs = app.env.metadata[BIBLIOGRAPHY].setdefault("myst_slugs", {})
        slugs.update({source_id: (0, source_id, source_id) for source_id in ids})


def describe_page(app, pagename, templatename, context, doctree) -> None:
    """A `meta` description for search engines and link previews: the page's first paragraph,
    cut at a word near 160 characters."""
    paragraph = doctree.next_node(nodes.paragraph) if doctree is not None else None
    if paragraph is None or "name=\"description\"" in context.get("metatags", ""):
        return
    text = " ".join(paragraph.astext().split())
    if len(text) > 160:
        text = text[:160].rsplit(" ", 1)[0] + "…"
    context["metatags"] = context.get("metatags", "") + f'<meta name="description" content="{html.escape(text)}" />\n'


# The vega bundle, asked for as soon as the page's first contentful paint is on the screen (or,
# only where the browser does not report paints, once the page has loaded and a frame has been
# drawn: a load event can come before the first paint is reported); sinosoviet-charts.js draws
# the charts when it has run (the `sinosoviet-vega` event). (Looking for the paint at each frame
# instead, to ask sooner, made the browser lay out a long page at each frame as it was parsed:
# on reading-the-source, 0.4 s more blocking on a simulated phone.)
VEGA_AFTER_PAINT = """(function (src) {
  var asked = false;
  function ask() {
    if (asked) return;
    asked = true;
    var bundle = document.createElement("script");
    bundle.type = "module";
    bundle.src = src;
    bundle.onload = function () { document.dispatchEvent(new Event("sinosoviet-vega")); };
    bundle.onerror = function () { console.error("the vega bundle did not load: " + src); };
    document.head.appendChild(bundle);
  }
  var paints = window.PerformanceObserver && (PerformanceObserver.supportedEntryTypes || []).indexOf("paint") >= 0;
  if (paints) {
    new PerformanceObserver(function (list, observer) {
      if (list.getEntriesByName("first-contentful-paint").length) { observer.disconnect(); ask(); }
    }).observe({ type: "paint", buffered: true });
  } else {
    // no paint timing: once the page has loaded and the next frame has been drawn
    window.addEventListener("load", function () { requestAnimationFrame(function () { setTimeout(ask, 0); }); });
  }
})(%s);"""


# Each chart's height, reserved as the page is parsed (before the first paint), by the chart's own
# inline call; the page's deferred sinosoviet-charts.js draws.
RESERVE = (Path(__file__).resolve().parent / "reserve.js").read_text(encoding="utf-8")


def bundle_address(app, context) -> str:
    """The vega bundle's address from this page, with its checksum for caches (as Sphinx gives
    every static file)."""
    checksum = _file_checksum(Path(app.outdir), f"_static/{BUNDLE}")
    return context["pathto"](f"_static/{BUNDLE}", 1) + (f"?v={checksum}" if checksum else "")


def deferred(script):
    """The script, run once the page is parsed instead of holding up its first paint: every
    script with a file of its own (none of them writes into the page as it is parsed; they wait for
    DOMContentLoaded, which deferred scripts still run before), in the same order. Inline scripts
    (settings the deferred ones read) stay as they are, and still run first."""
    attributes = dict(getattr(script, "attributes", {}))
    filename = getattr(script, "filename", script)
    if not filename or attributes.get("body") or attributes.get("type") == "module" or "async" in attributes:
        return script
    return _JavaScript(filename, priority=getattr(script, "priority", 500), **{**attributes, "defer": "defer"})


def has_charts(context) -> bool:
    return any(marker in context.get("body", "") for marker in CHART_MARKERS)


def compile_charts(app, pagename, templatename, context, doctree) -> None:
    """Each chart's Vega, compiled from its Vega-Lite now rather than in the reader's browser
    (sinosoviet.book.vegaspecs)."""
    if has_charts(context):
        try:
            context["body"] = with_vega(context["body"])
        except CompileError as error:
            raise CompileError(f"{pagename}: {error}") from None


# myst-nb names the summary of a hidden code cell, which shows "Show code cell source", "Toggle
# hidden content": a name that is not what it shows, so that a voice-control user who says what
# they see does not reach it (axe: label-content-name-mismatch). Without it the summary is named
# by its visible text.
HIDDEN_CELL_SUMMARY = '<summary aria-label="Toggle hidden content">'


def name_summaries_by_what_they_show(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = context["body"].replace(HIDDEN_CELL_SUMMARY, "<summary>")


# sphinx-thebe writes its settings into every page: a Binder repository (binder-examples/…, its
# default, someone else's project) and a kernel name, read only by the thebe loader dropped below
THEBE_PAGE_CONFIG = re.compile(r'\s*<script type="text/x-thebe-config">.*?</script>\s*<script>kernelName = [^<]*</script>', re.S)


def tidy_page(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated scripts (Jupyter Book 1 sets up sphinx-togglebutton and sphinx-thebe twice,
    and two `const THEBE_JS_URL` declarations are a console error) and thebe, whose live-code
    loader would fetch from unpkg, with its settings: readers run notebooks through the launch
    buttons instead.
    A page without charts loads no chart script; a page with charts loads sinosoviet-charts.js, and
    its head reserves each chart's height as the page is parsed and asks for the vega bundle once
    the text has painted. Every script with a file is deferred (the search page's own, which
    Sphinx's search reads in order, excepted)."""
    charts = has_charts(context)
    design = re.search(r'class="[^"]*\bsd-', context.get("body", "")) is not None
    seen, kept = set(), []
    for script in context.get("script_files", []):
        body = getattr(script, "attributes", {}).get("body", "")
        key = (str(script), body)
        filename = getattr(script, "filename", script)
        if key in seen or "thebe" in str(script) or "THEBE_JS_URL" in body:
            continue
        if filename in CHART_SCRIPTS and not charts:
            continue  # a page without charts needs no chart libraries (the bundle is 499 kB)
        seen.add(key)
        if filename in (f"_static/{BUNDLE}", BUNDLE):
            # in its place, a few lines that ask for it as soon as the text has painted
            kept.append(_JavaScript("", priority=script.priority,
                                    body=RESERVE + VEGA_AFTER_PAINT % json.dumps(bundle_address(app, context))))
            continue
        kept.append(script if pagename == "search" else deferred(script))
    context["script_files"] = kept
    # thebe's stylesheet styles only thebe, which is dropped above, and sphinx-design's (which Jupyter
    # Book always loads) only its cards, grids and tabs, which a page may not have: fewer requests
    # before the first paint
    unused = ["thebe"] + ([] if design else ["sphinx-design", "design-tabs"])
    context["css_files"] = [css for css in context.get("css_files", [])
                            if not any(name in str(getattr(css, "filename", css)) for name in unused)]
    context["script_files"] = [js for js in context["script_files"]
                               if not any(name in str(getattr(js, "filename", js) or "") for name in unused)]
    if "body" in context:
        context["body"] = THEBE_PAGE_CONFIG.sub("", context["body"])
        if app.builder.name == "singlehtml":
            # citations and the generated tables link to the bibliography page, which in the
            # single-page (print) build is a part of this very page
            context["body"] = context["body"].replace('href="bibliography.html#', 'href="#').replace(
                f'href="#document-{BIBLIOGRAPHY}#', 'href="#')


def without_scripts(markup: str, *names: str) -> Markup:
    """Template filter: the markup without the <script> elements whose src names one of `names`."""
    pattern = "|".join(re.escape(name) for name in names)
    return Markup(re.sub(rf'\s*<script\b[^>]*\bsrc="[^"]*(?:{pattern})[^"]*"[^>]*>\s*</script>', "", str(markup)))


def lighter_head(markup: str) -> Markup:
    """Template filter for the theme's head: without its `preload` links for the two scripts it
    runs deferred at the end of the page (preloaded, they are fetched first, beside the
    stylesheets), and with Sphinx's basic.css linked directly instead of through styles/theme.css,
    a stylesheet whose only rule is `@import "../basic.css"` (one request waiting on another)."""
    markup = re.sub(r'\s*<link rel="preload" as="script" href="[^"]*"\s*/?>', "", str(markup))
    return Markup(re.sub(r'href="([^"]*_static/)styles/theme\.css(\?[^"]*)?"', r'href="\1basic.css"', markup))


def add_template_filters(app) -> None:
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        templates.environment.filters["without_scripts"] = without_scripts
        templates.environment.filters["lighter_head"] = lighter_head


FONT = "vendor/fontawesome/webfonts/fa-solid-900.woff2"


ICON_NAME = re.compile(r"fa-([a-z0-9-]+)")


def icon_names(text: str) -> set[str]:
    """The Font Awesome icons a text names (`fa-…` at a word's start). The word boundary is
    checked by hand: a pattern starting with `\\b` is tried at every position of the pages'
    2.4 MB (40 ms a build, measured), one starting with a literal is searched for (2 ms)."""
    return {m.group(1) for m in ICON_NAME.finditer(text)
            if m.start() == 0 or not (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_")}


def icon_codepoints(css: str, names: set[str]) -> set[int]:
    """The code points the theme's stylesheet gives the icons `names` (`.fa-bars:before{content:"\\f0c9"}`)."""
    points = set()
    for selectors, code in re.findall(r'([^{}]+)\{content:"\\([0-9a-f]+)"\}', css):
        if names & set(re.findall(r"\.fa-([a-z0-9-]+):+before", selectors)):
            points.add(int(code, 16))
    return points


def subset_icon_font(app, exception) -> None:
    """The theme draws its icons from Font Awesome's solid web font, 156 kB of which the book uses
    a handful of glyphs: the font is cut to the icons that the pages and the theme's scripts name.
    Read from the theme's own copy each time, so a new icon on a page is never missing. The cut
    font is kept with the environment, under a name made from what it was cut from (the theme's
    font and stylesheet, the icons named), so a build that needs the same cut copies it instead of
    importing fontTools and cutting again (about 1.5 s, measured)."""
    if exception is not None or app.builder.format != "html":
        return
    import pydata_sphinx_theme

    out = Path(app.outdir)
    static = out / "_static"
    texts = [p.read_text(encoding="utf-8") for p in out.rglob("*.html") if "_static" not in p.parts]
    texts += [p.read_text(encoding="utf-8") for p in (static / "scripts").glob("*.js")]
    names = set().union(*map(icon_names, texts))
    source = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / FONT
    stylesheet = static / "styles" / "pydata-sphinx-theme.css"
    made_from = hashlib.sha256(source.read_bytes() + stylesheet.read_bytes() + " ".join(sorted(names)).encode())
    cached = Path(sys.prefix) / "share" / "sinosoviet-icons" / f"fa-solid-900-{made_from.hexdigest()[:20]}.woff2"
    if not cached.exists():
        from fontTools import subset

        points = icon_codepoints(stylesheet.read_text(encoding="utf-8"), names)
        options = subset.Options(flavor="woff2", layout_features=["*"], notdef_outline=True)
        cached_cut(source, cached, options, unicodes=points)
    shutil.copyfile(cached, static / FONT)


def page_fonts(app, exception) -> None:
    """Each page's own cut of the Chinese and Japanese font (sinosoviet.book.pagefonts); the
    single-page print build keeps the whole face."""
    if exception is None and app.builder.name == "html":
        add_page_fonts(Path(app.outdir))


ROOT_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{title}</title>
<link rel="icon" href="data:," />
<meta http-equiv="Refresh" content="0; url={first}" />
</head>
<body>
<p><a href="{first}">{title}</a></p>
</body>
</html>
"""


def write_root_page(app, exception) -> None:
    """The site's root page, index.html, which sends the reader on to the book's first page. Left
    to sphinx-external-toc, it is a bare refresh tag: no title or language, and no icon, so that a
    browser asked for /favicon.ico at every visit and logged a failed request (Lighthouse: best
    practices 96). Its icon is empty: the page is left at once, and the book's own icon, asked
    for there, would be cut off by the move. Written before that extension looks (it writes only
    where there is no page)."""
    if exception is not None or app.builder.format != "html" or app.config.root_doc == "index":
        return
    first = f"{app.config.root_doc}{'/index' if app.builder.name == 'dirhtml' else ''}.html"
    page = ROOT_PAGE.format(lang=html.escape(app.config.language or "en"), first=html.escape(first),
                            title=html.escape(app.config.html_title or app.config.project))
    Path(app.outdir, "index.html").write_text(page, encoding="utf-8")


def freeze_heap(app=None, env=None) -> list:
    """Move every object alive now out of the cyclic collector's sight (garbage made later is
    still collected). A build keeps its imports, environment and doctrees alive to the end, and
    the collector's full passes over them cost about a second per build (measured)."""
    gc.freeze()
    return []  # as an env-updated handler: no documents to re-read


def setup(app):
    freeze_heap()
    app.connect("env-updated", freeze_heap)
    app.connect("html-page-context", compile_charts)
    app.connect("html-page-context", tidy_page)
    app.connect("html-page-context", name_summaries_by_what_they_show)
    app.connect("html-page-context", describe_page)
    app.connect("config-inited", add_static)
    app.connect("builder-inited", add_template_filters)
    app.connect("build-finished", subset_icon_font)
    app.connect("build-finished", page_fonts)
    app.connect("build-finished", write_root_page, priority=400)  # before sphinx-external-toc's (500)
    app.connect("config-inited", launch_only_from_our_repository)
    app.connect("source-read", check_notebook)
    app.connect("doctree-read", anchor_sources)
    # a module: its top-level names stay out of the global scope the theme's scripts share
    app.add_js_file(BUNDLE, type="module")  # only its address is kept (tidy_page)
    app.add_js_file("sinosoviet-charts.js")
    app.add_css_file("sinosoviet.css")  # with the tables' and explorers' styles: one request, not two
    app.add_js_file("sinosoviet-tables.js")  # searchable, paged tables and the Explore page's explorers
    app.add_css_file("sinosoviet-fonts.css")  # the book's Noto subsets (make fonts)
    # the print edition (make pdf), also for printing a page: only print reads it, so a screen does not wait for it
    app.add_css_file("sinosoviet-print.css", media="print")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
