"""Each page's own cut of the book's Chinese and Japanese font.

The book's CJK face (sinosoviet/static/fonts/noto-sans-cjk-sc.woff2, made by `make fonts`) holds
every Chinese and Japanese character of the book, 181 kB; a chapter uses 65 to 100 of its 615
characters. After the build, each page that has such characters gets a face of its own for them,
declared in its head after the shared stylesheet: a browser checks the later of two faces of a
family first, so it fetches the page's cut (about 21 kB for a chapter) and the whole face only for
a character that is not on the page as built (a search result, say). Cuts are kept with the
environment under a name made from the face and the characters, as the icon font's are
(sinosoviet.book.sphinxext), so a rebuild cuts only for a page whose characters changed.
The single-page print build keeps the whole face: the PDF embeds only the glyphs it draws."""
from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import sys
from pathlib import Path

from sinosoviet.book import fonts

STEM = "noto-sans-cjk-sc"
FACE = fonts.OUT / f"{STEM}.woff2"
RANGES = next(ranges for stem, _, _, ranges in fonts.FACES if stem == STEM)
CACHE = Path(sys.prefix) / "share" / "sinosoviet-fonts"
MARK = "sinosoviet-page-font"
BLOCK = re.compile(rf'<style id="{MARK}">.*?</style>\n', re.S)
# the face's characters as one class, so that a page (up to 450 kB) is scanned by the regex engine
# rather than character by character in Python (25 ms a build, measured)
IN_FACE = re.compile("[" + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in RANGES) + "]")


def cached_cut(source, cached: Path, options, **wanted) -> Path:
    """`source` (a path or a function giving a font file) cut to what `wanted` names (fontTools' Subsetter.populate: unicodes=, text=),
    written once to `cached` (through a temporary file, as two builds may run side by side)."""
    if not cached.exists():
        from fontTools import subset

        font = subset.load_font(source() if callable(source) else str(source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(**wanted)
        subsetter.subset(font)
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.part")
        subset.save_font(font, str(partial), options)
        partial.replace(cached)
    return cached


def page_characters(markup: str) -> str:
    """The page's characters of the CJK face, its charts' and explorers' data included."""
    return "".join(sorted(set(IN_FACE.findall(markup))))


@functools.cache
def face_bytes() -> bytes:
    return FACE.read_bytes()


@functools.cache
def face_as_truetype() -> bytes:
    """The face unpacked from WOFF2 once (0.65 s, measured), not once per cut."""
    from fontTools.ttLib import TTFont

    font, unpacked = TTFont(io.BytesIO(face_bytes())), io.BytesIO()
    font.flavor = None
    font.save(unpacked)
    return unpacked.getvalue()


def cut_for(chars: str) -> Path:
    made_from = hashlib.sha256(face_bytes() + chars.encode()).hexdigest()[:20]
    cached = CACHE / f"{STEM}-{made_from}.woff2"
    if cached.exists():
        return cached  # without importing fontTools (0.1 s)
    from fontTools import subset

    return cached_cut(lambda: io.BytesIO(face_as_truetype()), cached, subset.Options(flavor="woff2"), text=chars)


def face_rule(url: str, chars: str) -> str:
    return (f'<style id="{MARK}">@font-face {{ font-family: "{fonts.FAMILY}"; font-style: normal; '
            f'font-weight: 400; font-display: swap; src: url("{url}") format("woff2"); '
            f"unicode-range: {fonts.unicode_range(list(chars))}; }}</style>\n")


def add_page_fonts(out: Path) -> dict[str, str]:
    """Give every built page under `out` with CJK characters its own cut; returns page → cut."""
    fonts_dir = out / "_static" / "fonts"
    given = {}
    for page in sorted(p for p in out.rglob("*.html") if "_static" not in p.relative_to(out).parts):
        markup = page.read_text(encoding="utf-8")
        kept = BLOCK.sub("", markup)
        chars = page_characters(kept)
        rule = ""
        if chars:
            cut = cut_for(chars)
            target = fonts_dir / f"{STEM}-page-{cut.stem.rsplit('-', 1)[-1]}.woff2"
            if not target.exists():
                fonts_dir.mkdir(parents=True, exist_ok=True)
                target.write_bytes(cut.read_bytes())
            rule = face_rule(os.path.relpath(target, page.parent).replace(os.sep, "/"), chars)
            given[page.relative_to(out).as_posix()] = target.name
        updated = kept.replace("</head>", rule + "</head>", 1)
        if updated != markup:
            page.write_text(updated, encoding="utf-8")
    for stale in set(fonts_dir.glob(f"{STEM}-page-*.woff2")) - {fonts_dir / name for name in given.values()}:
        stale.unlink()
    return given
