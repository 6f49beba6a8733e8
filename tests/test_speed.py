"""Pages that load fast on a phone: a page loads the chart libraries only if it has charts, and the
vega bundle only after its text has painted; no script holds up the first paint; the search index
only on the search page, no Font Awesome script (its icons come from the theme's web font); every
precompressed copy is its source; a first visit to a chapter moves at most 1 MB."""
from __future__ import annotations

import brotli
import functools
import gzip
import json
import operator
import re
from urllib.parse import urlparse

import pytest

from conftest import HTML, book_pages
from sinosoviet.book import vegaspecs
from visits import PHONE, draw_all

PAGES = book_pages()
CHAPTERS = [p for p in PAGES if re.match(r"notebooks/(p\d|overview|explore)", p)]
FIRST_VISIT_BUDGET = 1_000_000  # bytes, compressed
CHART_LIBRARIES = ("vega-bundle.js", "sinosoviet-charts.js")
SEARCH_INDEX = ("searchindex.js", "searchtools.js")


def scripts(page: str) -> list[str]:
    return re.findall(r'<script\b[^>]*\bsrc="([^"?]+)', (HTML / page).read_text(encoding="utf-8"))


def test_pages_were_found():
    assert "book/introduction.html" in PAGES and "notebooks/p1-1923-1927.html" in CHAPTERS


@pytest.mark.parametrize("page", PAGES)
def test_chart_libraries_only_on_pages_with_charts(page):
    markup = (HTML / page).read_text(encoding="utf-8")
    # the chapters' charts, and the Explore page's explorers, which draw with the same libraries
    has_charts = 'class="sinosoviet-chart"' in markup or 'class="sinosoviet-explorer"' in markup
    loaded = [s for s in scripts(page) if s.endswith(CHART_LIBRARIES)]
    # a few lines in the head name the bundle, which they ask for once the text has painted
    bundle = re.findall(r'\}\)\("([^"?]+)(?:\?[^"]*)?"\);', markup)
    assert [s.rsplit("/", 1)[-1] for s in loaded] == (["sinosoviet-charts.js"] if has_charts else []), \
        f"{page}: charts {has_charts}, chart scripts {loaded}"
    assert [b.rsplit("/", 1)[-1] for b in bundle] == (["vega-bundle.js"] if has_charts else []), f"{page}: bundle {bundle}"
    if has_charts:
        assert (HTML / page).parent.joinpath(bundle[0]).resolve() == (HTML / "_static" / "vega-bundle.js").resolve()


@pytest.mark.parametrize("page", [p for p in PAGES if p != "search.html"])
def test_no_script_holds_up_the_first_paint(page):
    """Every script with a file of its own is deferred (or a module, or async): the text paints
    once the stylesheets are in, without waiting for scripts; and the theme preloads none."""
    markup = (HTML / page).read_text(encoding="utf-8")
    blocking = [tag for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", markup)
                if not re.search(r'\b(defer|async)\b|type="module"', tag)]
    assert not blocking, f"{page}: scripts that block the first paint: {blocking}"
    preloads = re.findall(r'<link rel="preload" as="script"[^>]*>', markup)
    assert not preloads, f"{page}: scripts preloaded ahead of the stylesheets: {preloads}"


def test_the_bundle_is_vega_without_vega_lite():
    """The pages draw compiled Vega: the bundle is Vega and its tooltips, with no Vega-Lite or
    vega-embed (about 300 kB less to fetch and compile), and without the transforms no chart uses
    (word clouds, force layouts, hierarchies, Voronoi cells: 90 kB less)."""
    bundle = (HTML / "_static" / "vega-bundle.js").read_text(encoding="utf-8")
    assert "window.vega=" in bundle and "vg-tooltip-element" in bundle
    assert "vegaLite" not in bundle and "vega-embed" not in bundle
    assert not re.search(r"wordcloud|forceSimulation|treemap|delaunay", bundle, re.I)
    assert len(bundle) < 520_000, len(bundle)


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_comes_compiled_with_its_data_written_once(page):
    """After each chart's spec and inline call, and after each explorer's settings, comes its
    Vega, compiled as the book was built; a data set it shares with the spec is named by its path
    in the spec (and found there), not written a second time."""
    markup = (HTML / page).read_text(encoding="utf-8")
    found = [(m.end(), json.loads(m.group(2))) for m in vegaspecs.CHART.finditer(markup)]
    found += [(m.end(), json.loads(m.group(2))["spec"]) for m in vegaspecs.EXPLORER.finditer(markup)]
    for end, spec in found:
        after = re.match(r'<script type="application/json" class="sinosoviet-vega">(.*?)</script>', markup[end:], re.S)
        assert after, f"{page}: a chart without its compiled Vega: {spec.get('description', '')[:60]}"
        compiled = json.loads(after.group(1))
        shared = [rows for rows, _ in vegaspecs.data_paths(spec)]
        for data in compiled["vega"].get("data", []):
            path = compiled["values"].get(data["name"])
            if path is None:
                assert data.get("values") is None or data["values"] not in shared, f"{page}: {data['name']} written twice"
            else:
                assert "values" not in data and functools.reduce(operator.getitem, path, spec) is not None, (page, path)
    if 'class="sinosoviet-chart"' in markup:
        assert found, f"{page}: charts, but no spec found"


def test_the_bundle_is_compiled_as_it_streams_in():
    """V8's compile hint is the bundle's first line (a comment anywhere else is not read): its
    functions are compiled off the main thread, not as the first chart calls them."""
    with (HTML / "_static" / "vega-bundle.js").open(encoding="utf-8") as bundle:
        assert bundle.readline() == "//# allFunctionsCalledOnLoad\n"


@pytest.mark.parametrize("page", PAGES)
def test_search_index_only_on_the_search_page(page):
    loaded = [s for s in scripts(page) if s.endswith(SEARCH_INDEX)]
    assert len(loaded) == (2 if page == "search.html" else 0), f"{page} loads {loaded}"
    assert not [s for s in scripts(page) if s.endswith("fontawesome.js")], f"{page} loads the Font Awesome script"


def test_every_precompressed_copy_is_its_source():
    copies = sorted(HTML.rglob("*.gz")) + sorted(HTML.rglob("*.br"))
    assert len(copies) > 100, "the book has no precompressed copies: `make book` writes them"
    for name in ("book/introduction.html", "_static/vega-bundle.js", "_static/styles/pydata-sphinx-theme.css"):
        assert (HTML / f"{name}.gz").exists() and (HTML / f"{name}.br").exists(), f"{name} has no precompressed copies"
    wrong = [str(c.relative_to(HTML)) for c in copies
             if (gzip.decompress if c.suffix == ".gz" else brotli.decompress)(c.read_bytes()) != c.with_suffix("").read_bytes()]
    assert not wrong, f"precompressed copies that differ from their source: {wrong[:5]}"


def requests_of_a_visit(browser, base: str, page: str) -> tuple[list[str], object]:
    """The local files a first visit asks for, until every chart has drawn; and the open tab."""
    context = browser.new_context()
    tab = context.new_page()
    asked: list[str] = []
    tab.on("request", lambda request: asked.append(urlparse(request.url).path))
    tab.goto(f"{base}/{page}", wait_until="load")
    draw_all(tab)
    tab.wait_for_function("() => [...document.querySelectorAll('.sinosoviet-chart')]"
                          ".every(el => el.dataset.rendered || el.dataset.error)", timeout=30_000)
    tab.wait_for_load_state("networkidle")
    return asked, tab


def test_a_page_without_charts_loads_no_vega(visits):
    asked = visits("book/introduction.html")["asked"]
    assert [a for a in asked if a.endswith("introduction.html")], f"the page was not requested: {asked}"
    assert not [a for a in asked if a.endswith(CHART_LIBRARIES + SEARCH_INDEX + ("fontawesome.js",))], asked


def test_the_chart_libraries_arrive_after_the_text_has_painted(browser, book_server):
    """The vega bundle (499 kB) is asked for only once the page's text is on the screen, and every
    chart is still drawn."""
    asked, tab = requests_of_a_visit(browser, book_server, "notebooks/p1-1923-1927.html")
    timing = tab.evaluate("""() => ({
      paint: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
      bundle: performance.getEntriesByType('resource').filter(r => r.name.includes('vega-bundle.js')).map(r => r.startTime),
      charts: document.querySelectorAll('.sinosoviet-chart').length,
      drawn: document.querySelectorAll('.sinosoviet-chart[data-rendered] svg').length})""")
    tab.context.close()
    assert len(timing["bundle"]) == 1 and timing["paint"] is not None, timing
    assert timing["bundle"][0] >= timing["paint"], f"the bundle was asked for before the first paint: {timing}"
    assert timing["charts"] >= 1 and timing["drawn"] == timing["charts"], timing


def test_a_long_page_of_claims_is_laid_out_as_it_is_read(browser, book_server):
    """On reading-the-source (127 claims) a claim far from the window is not laid out until the
    reader comes near it, and a link to a claim further down still lands on it, laid out."""
    page = f"{book_server}/notebooks/reading-the-source.html"
    # a claim's contents are skipped while the claim is far from the window (content-visibility)
    skipped = "id => !document.getElementById(id).firstElementChild.checkVisibility({contentVisibilityAuto: true})"
    context = browser.new_context(viewport=PHONE)
    try:
        tab = context.new_page()
        tab.goto(page, wait_until="load")
        ids = tab.evaluate("() => [...document.querySelectorAll('.sinosoviet-claim')].map(e => e.id)")
        assert len(ids) > 100, ids
        assert tab.evaluate(skipped, ids[-1]), "every claim laid out at once"
        tab.evaluate("id => document.getElementById(id).scrollIntoView()", ids[-1])
        tab.wait_for_function(f"id => !({skipped})(id)", arg=ids[-1], timeout=5_000)
        linked = context.new_page()
        linked.goto(f"{page}#{ids[-20]}", wait_until="load")
        linked.wait_for_function(f"id => !({skipped})(id)", arg=ids[-20], timeout=5_000)
        top = linked.evaluate("id => document.getElementById(id).getBoundingClientRect().top", ids[-20])
        assert 0 <= top < PHONE["height"] / 2, (ids[-20], top)
    finally:
        context.close()


def test_charts_draw_as_they_come_into_view(browser, book_server):
    """A first visit on a phone draws only the charts near the first screen, and the others as the
    reader scrolls to them; until then each keeps room for itself (no shift when it draws); the
    page's hook (print, the tests) draws them all and says how many."""
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        tab.goto(f"{book_server}/notebooks/p5-1937-1939.html", wait_until="load")
        state = """() => [...document.querySelectorAll('.sinosoviet-chart')].map(el => ({
          id: el.id, top: el.getBoundingClientRect().top + window.scrollY, height: el.getBoundingClientRect().height,
          drawing: !!el.dataset.drawing, rendered: !!el.dataset.rendered, error: el.dataset.error || null}))"""
        # the first screen's charts (within a screen's height of the window) are drawn
        tab.wait_for_function(f"""() => ({state})().filter(c => c.top < 2 * window.innerHeight)
                                  .every(c => c.rendered || c.error)""", timeout=30_000)
        tab.wait_for_timeout(1_000)
        first = tab.evaluate(state)
        near = [c for c in first if c["top"] < 2 * PHONE["height"]]
        far = [c for c in first if c["top"] > 3 * PHONE["height"]]
        assert near and all(c["rendered"] for c in near), first
        assert len(far) >= 3 and not [c for c in far if c["drawing"]], f"charts far down drawn on load: {first}"
        # room kept for each chart not yet drawn
        assert all(c["height"] >= 150 for c in far), far
        # scrolled to, the last chart draws, and the height it kept was near what it took
        last = far[-1]
        tab.evaluate(f"() => document.getElementById('{last['id']}').scrollIntoView()")
        tab.wait_for_function(f"() => document.getElementById('{last['id']}').dataset.rendered", timeout=30_000)
        drawn = tab.evaluate(f"() => document.getElementById('{last['id']}').getBoundingClientRect().height")
        assert abs(drawn - last["height"]) <= 0.25 * drawn, (last, drawn)
        # the hook draws every chart, and its promise says how many
        count = tab.evaluate("() => window.sinosovietDrawAll()")
        after = tab.evaluate(state)
        assert count == len(after) and all(c["rendered"] for c in after), (count, after)
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("page", ["notebooks/overview.html", "notebooks/p5-1937-1939.html"])
def test_room_for_each_chart_is_kept_as_the_page_is_parsed(browser, book_server, page):
    """The height a chart will take is kept before the first paint, by the page's head as the page
    is parsed, not by the deferred chart script once it has run (by then the text has painted
    and would move down: a layout shift): with sinosoviet-charts.js and the bundle refused, every
    chart still keeps about its height (the overview's, which has no legend, within 20 %)."""
    context = browser.new_context(viewport=PHONE)
    context.route("**/*", lambda route: route.abort() if route.request.url.split("?")[0].endswith(CHART_LIBRARIES)
                  else route.continue_())
    tab = context.new_page()
    try:
        tab.goto(f"{book_server}/{page}", wait_until="load")
        kept = tab.evaluate("() => [...document.querySelectorAll('.sinosoviet-chart')].map(el => "
                            "[el.id, el.dataset.reserved || null, el.getBoundingClientRect().height])")
        assert kept and all(reserved and height >= 150 for _, reserved, height in kept), kept
        assert tab.evaluate("() => !document.querySelector('.sinosoviet-chart svg')"), "a chart drew without its script"
    finally:
        context.close()
    if page == "notebooks/overview.html":
        # drawn, the overview's chart (no legend) takes about the height that was kept
        context = browser.new_context(viewport=PHONE)
        tab = context.new_page()
        try:
            tab.goto(f"{book_server}/{page}", wait_until="load")
            draw_all(tab)
            tab.wait_for_function("() => document.querySelector('.sinosoviet-chart').dataset.rendered", timeout=30_000)
            drawn = tab.evaluate("() => document.querySelector('.sinosoviet-chart').getBoundingClientRect().height")
            assert abs(drawn - kept[0][2]) <= 0.2 * drawn, (kept, drawn)
        finally:
            context.close()


@pytest.mark.parametrize("how", ["beforeprint", "no IntersectionObserver"])
def test_every_chart_draws_for_print_and_in_old_browsers(browser, book_server, how):
    """Printing from the browser (its "beforeprint" event) draws every chart, and so does a browser
    without IntersectionObserver, with nothing scrolled."""
    context = browser.new_context(viewport=PHONE)
    if how == "no IntersectionObserver":
        context.add_init_script("delete window.IntersectionObserver")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    # the theme's own scripts (its contents' scroll-spy) need IntersectionObserver: only this
    # book's scripts are held to it here
    tab.on("pageerror", lambda exc: errors.append(f"{exc}: {exc.stack}")
           if how == "beforeprint" or "sinosoviet" in (exc.stack or "") else None)
    try:
        tab.goto(f"{book_server}/notebooks/p5-1937-1939.html", wait_until="load")
        assert tab.evaluate("() => typeof IntersectionObserver") == ("undefined" if how != "beforeprint" else "function")
        if how == "beforeprint":
            tab.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        tab.wait_for_function("() => [...document.querySelectorAll('.sinosoviet-chart')]"
                              ".every(el => el.dataset.rendered || el.dataset.error)", timeout=30_000)
        states = tab.evaluate("() => [...document.querySelectorAll('.sinosoviet-chart')].map(el => ["
                              "el.id, !!el.dataset.rendered, el.querySelectorAll('svg').length])")
        assert len(states) >= 5 and all(rendered and svgs for _, rendered, svgs in states), states
        assert not errors, errors
    finally:
        context.close()


def test_the_theme_icons_draw_from_the_web_font(browser, book_server):
    asked, tab = requests_of_a_visit(browser, book_server, "book/introduction.html")
    glyph = tab.evaluate("""() => {
      const icon = [...document.querySelectorAll('.fa-bars')].find(e => e.getBoundingClientRect().width > 0);
      if (!icon) return {content: '', family: '', width: 0, loaded: false};
      const style = getComputedStyle(icon, '::before');
      return {content: style.content, family: style.fontFamily, width: icon.getBoundingClientRect().width,
              loaded: document.fonts.check('900 16px "Font Awesome 6 Free"')};
    }""")
    tab.context.close()
    assert glyph["content"] not in ("", "none", "normal") and "Font Awesome" in glyph["family"], glyph
    assert glyph["loaded"] and glyph["width"] > 0, glyph


def test_search_finds_a_name_on_the_search_page(browser, book_server):
    tab = browser.new_context().new_page()
    tab.goto(f"{book_server}/search.html?q=Blyukher", wait_until="load")
    tab.wait_for_selector("#search-results ul.search li", timeout=30_000)
    found = tab.locator("#search-results ul.search li").count()
    tab.context.close()
    assert found > 0


def compressed_size(path: str) -> int:
    """What a gzip-serving host sends for a local path (brotli is smaller still)."""
    file = HTML / path.lstrip("/")
    if file.is_dir():
        file = file / "index.html"
    copy = file.with_name(file.name + ".gz")
    return (copy if copy.exists() else file).stat().st_size


@pytest.mark.parametrize("page", CHAPTERS)
def test_first_visit_to_a_chapter_is_at_most_a_megabyte(visits, page):
    """Every file asked for in a first visit (a fresh browser context), until every chart has drawn
    and the network is idle: the page's shared desktop visit (tests/visits.py)."""
    asked = visits(page)["asked"]
    sizes = {path: compressed_size(path) for path in set(asked)}
    total = sum(sizes.values())
    heaviest = sorted(sizes.items(), key=lambda item: -item[1])[:5]
    assert total <= FIRST_VISIT_BUDGET, f"{page}: {total / 1e6:.2f} MB in {len(sizes)} files; heaviest {heaviest}"


def test_the_cut_icon_font_has_every_icon_the_pages_use():
    from fontTools.ttLib import TTFont

    from sinosoviet.book.sphinxext import FONT, icon_codepoints

    font = HTML / "_static" / FONT
    names = {n for page in PAGES for n in re.findall(r"\bfa-([a-z0-9-]+)", (HTML / page).read_text(encoding="utf-8"))}
    used = icon_codepoints((HTML / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8"), names)
    cmap = TTFont(str(font)).getBestCmap()
    assert len(used) >= 10, f"icons found on the pages: {sorted(names)}"
    assert not used - set(cmap), f"icons missing from {FONT}: {sorted(hex(p) for p in used - set(cmap))}"
    assert font.stat().st_size < 20_000, f"{FONT} is {font.stat().st_size} bytes: not cut to the icons used"
