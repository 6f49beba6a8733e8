"""The book's own fonts (sinosoviet/static/fonts, made by `make fonts`): every Chinese, Japanese,
Burmese, Georgian and Arabic character of the book is in them, and the built page draws
its Chinese with them on a machine without any CJK font of its own."""
from __future__ import annotations

import re

import pytest
from fontTools.ttLib import TTFont

from sinosoviet.book import fonts

CHARS = fonts.characters()


def test_every_character_outside_the_text_font_has_a_face():
    # a character of a new script (Thai, Devanagari…) needs a Noto face added to fonts.FACES
    orphans = sorted(c for c in CHARS if not fonts.in_ranges(c, fonts.TEXT_FONT)
                     and not any(fonts.in_ranges(c, ranges) for *_, ranges in fonts.FACES))
    assert not orphans, f"characters no font of the book covers: {' '.join(f'{c} U+{ord(c):04X}' for c in orphans)}"


@pytest.mark.parametrize("stem", [stem for stem, *_ in fonts.FACES])
def test_the_committed_font_has_every_character_the_book_uses(stem):
    wanted = fonts.face_characters(CHARS)[stem]
    assert wanted, f"{stem}: the book uses no character of this script any more; drop the face"
    cmap = TTFont(str(fonts.OUT / f"{stem}.woff2")).getBestCmap()
    missing = [c for c in wanted if ord(c) not in cmap]
    assert not missing, f"{stem}.woff2 lacks {''.join(missing)}: run `make fonts`"


def test_the_stylesheet_declares_what_the_fonts_hold():
    css = fonts.CSS.read_text(encoding="utf-8")
    declared = dict(re.findall(r'url\("fonts/([\w-]+)\.woff2"\) format\("woff2"\);\s*unicode-range: ([^;]+);', css))
    for stem, chars in fonts.face_characters(CHARS).items():
        assert declared.get(stem) == fonts.unicode_range(chars), f"{stem}: run `make fonts`"
    # ahead of the theme's fonts, for the characters of its unicode-range only
    assert f'"{fonts.FAMILY}", var(--pst-font-family-base-system)' in css


def test_the_built_page_draws_chinese_with_the_book_font(browser, book_server):
    tab = browser.new_page()
    tab.goto(f"{book_server}/notebooks/names.html", wait_until="load")
    cell = tab.locator("td", has_text=re.compile(r"[\u4e00-\u9fff]")).first
    assert cell.count(), "no Chinese text on the names page"
    tab.evaluate("document.fonts.ready")
    statuses = tab.evaluate(f"() => [...document.fonts].filter(f => f.family.includes('{fonts.FAMILY}'))"
                            ".map(f => f.status)")
    assert "loaded" in statuses, f"the book font did not load: {statuses}"
    # which font the browser actually drew the cell's text with (Chromium's DevTools protocol):
    # the book's subset, a web font, not whatever the machine may have installed
    cell.evaluate("el => el.classList.add('font-probe')")
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": ".font-probe"})["nodeId"]
    used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    text = cell.inner_text()
    tab.close()
    cjk = [f for f in used if "CJK" in f["familyName"]]
    assert cjk and all(f["isCustomFont"] for f in cjk), f"fonts that drew {text!r}: {used}"


def test_each_page_fetches_its_own_cut_of_the_chinese_font(browser, book_server):
    """A page with Chinese or Japanese declares, after the shared stylesheet, a face cut to exactly
    its own characters (sinosoviet.book.pagefonts), and a browser fetches that cut, not the whole
    face: a chapter's first visit moves about 21 kB of font instead of 181."""
    from conftest import HTML
    from sinosoviet.book import pagefonts

    pages = 0
    for page in sorted(p for p in HTML.rglob("*.html") if "_static" not in p.relative_to(HTML).parts):
        markup = page.read_text(encoding="utf-8")
        declared = re.findall(r'<style id="sinosoviet-page-font">.*?url\("([^"]+)"\).*?unicode-range: ([^;]+);', markup)
        chars = pagefonts.page_characters(pagefonts.BLOCK.sub("", markup))
        assert len(declared) == (1 if chars else 0), f"{page}: {declared}"
        if not chars:
            continue
        pages += 1
        url, ranges = declared[0]
        assert ranges == fonts.unicode_range(list(chars)), page
        assert markup.index('id="sinosoviet-page-font"') > markup.index("sinosoviet-fonts.css"), page
        cmap = TTFont(str((page.parent / url).resolve())).getBestCmap()
        assert {chr(point) for point in cmap if fonts.in_ranges(chr(point), pagefonts.RANGES)} == set(chars), page
    assert pages >= 10, pages
    tab = browser.new_page()
    asked = []
    tab.on("request", lambda request: asked.append(request.url.rsplit("/", 1)[-1]))
    tab.goto(f"{book_server}/notebooks/p4-1935-1937.html", wait_until="load")
    tab.evaluate("document.fonts.ready")
    tab.close()
    cjk = [name for name in asked if name.startswith("noto-sans-cjk-sc")]
    assert len(cjk) == 1 and "-page-" in cjk[0], cjk
