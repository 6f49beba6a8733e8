"""The book's own fonts for the scripts a reader's system may lack (Chinese and Japanese, Burmese,
Georgian, Uyghur Arabic): Noto fonts from Debian's packages, subset to exactly the
characters the book uses, written as WOFF2 into sinosoviet/static/fonts/ with the @font-face rules
that declare them (sinosoviet/static/sinosoviet-fonts.css). The web book serves them from its own
_static, and the PDF, printed by Chromium from the same HTML, embeds them.

Usage (make fonts): python -m sinosoviet.book.fonts DIR  — DIR is where the pinned Debian packages
fonts-noto-cjk and fonts-noto-core were unpacked (`dpkg-deb -x`): their usr/share/fonts holds the
fonts, usr/share/doc their licence."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "sinosoviet" / "static"
OUT = STATIC / "fonts"
CSS = STATIC / "sinosoviet-fonts.css"
FAMILY = "Sinosoviet Noto"

# One face per script: (file stem, source font under FONT_DIR, index in a collection, ranges).
# The CJK face takes the Simplified Chinese member of the pan-CJK collection; it also carries
# the kana and the CJK punctuation and fullwidth forms the Japanese and Chinese names use.
FACES = [
    ("noto-sans-cjk-sc", "opentype/noto/NotoSansCJK-Regular.ttc", 2,
     [(0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3100, 0x312F), (0x3190, 0x31FF), (0x3400, 0x4DBF),
      (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x2FA1F)]),
    ("noto-sans-georgian", "truetype/noto/NotoSansGeorgian-Regular.ttf", None, [(0x10A0, 0x10FF)]),
    ("noto-sans-myanmar", "truetype/noto/NotoSansMyanmar-Regular.ttf", None, [(0x1000, 0x109F)]),
    ("noto-sans-arabic", "truetype/noto/NotoSansArabic-Regular.ttf", None,
     [(0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)]),
]

# Characters every system's text font has: Latin, IPA, Greek, Cyrillic, and the general
# punctuation, letterlike and arrow blocks (the theme's font and the PDF's DejaVu cover them).
TEXT_FONT = [(0x0000, 0x052F), (0x1E00, 0x1EFF), (0x2000, 0x22FF), (0x2500, 0x25FF)]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def book_text(root: Path = ROOT):
    """Every text a reader can see: the data tables, the notebooks (prose, code and stored
    outputs), the prose pages, the bibliography and the configuration (title, author)."""
    for path in sorted([*root.glob("data/*.csv"), *root.glob("book/*.md"), *root.glob("book/*.bib"),
                        root / "_config.yml", root / "CITATION.cff"]):
        yield path.read_text(encoding="utf-8")
    for path in sorted(root.glob("notebooks/*.ipynb")):
        yield from _strings(json.loads(path.read_text(encoding="utf-8")))


def in_ranges(char: str, ranges) -> bool:
    return any(lo <= ord(char) <= hi for lo, hi in ranges)


def characters(root: Path = ROOT) -> set[str]:
    return {char for text in book_text(root) for char in text if char.isprintable()}


def face_characters(chars: set[str]) -> dict[str, list[str]]:
    return {stem: sorted(c for c in chars if in_ranges(c, ranges)) for stem, _, _, ranges in FACES}


def unicode_range(chars: list[str]) -> str:
    """Runs of consecutive code points as CSS unicode-range terms."""
    points, terms = sorted(ord(c) for c in chars), []
    start = prev = points[0]
    for point in points[1:] + [None]:
        if point is not None and point == prev + 1:
            prev = point
            continue
        terms.append(f"U+{start:X}" if start == prev else f"U+{start:X}-{prev:X}")
        if point is not None:
            start = prev = point
    return ", ".join(terms)


def to_truetype(font) -> None:
    """CFF outlines to TrueType (quadratic) ones, in place, as fontTools' otf2ttf snippet does:
    Chromium's PDF writer embeds a CFF font as Type 3 drawings, a TrueType one as a real font."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order, glyph_set = font.getGlyphOrder(), font.getGlyphSet()
    font["loca"], font["glyf"] = newTable("loca"), newTable("glyf")
    glyf = font["glyf"]
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    glyf.compile(font)
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            font["hmtx"][name] = (font["hmtx"][name][0], glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def subset(source: Path, index: int | None, chars: list[str], out: Path) -> None:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # Arabic joins and Burmese reorders through its features
    options.name_IDs = ["*"]  # the copyright and licence records stay in the font
    options.hinting = False  # smaller; screens and print rasterise without hints
    # the source's timestamp, not today's: the same characters give a byte-identical file
    font = TTFont(str(source), fontNumber=index if index is not None else -1, recalcTimestamp=False)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    if "CFF " in font:
        to_truetype(font)
    font.flavor = "woff2"
    font.save(str(out))


CSS_HEAD = """/* Generated by `make fonts` (sinosoviet/book/fonts.py): do not edit by hand.
   Noto fonts subset to the characters the book uses, so that a reader without Chinese, Japanese,
   Burmese, Georgian or Arabic fonts still reads every name. Licence: fonts/OFL.txt. */
"""

# The family leads the theme's lists: its unicode-range holds only those scripts' characters, so
# Latin and Cyrillic text keep the theme's font; placed after the generic `sans-serif`, it would
# never be reached, since Chromium draws a character the generic font lacks as a box (measured).
CSS_TAIL = f""":root {{
  --pst-font-family-base: "{FAMILY}", var(--pst-font-family-base-system);
  --pst-font-family-heading: "{FAMILY}", var(--pst-font-family-base-system);
  --pst-font-family-monospace: "{FAMILY}", var(--pst-font-family-monospace-system);
}}
"""


def licence(unpacked: Path) -> str:
    """The copyright notices of the fonts used and the OFL's text, as the licence asks to ship."""
    from fontTools.ttLib import TTFont

    notices = []
    for _, source, index, _ in FACES:
        name = TTFont(str(unpacked / "usr/share/fonts" / source), fontNumber=index if index is not None else -1,
                      lazy=True)["name"]
        notices.append(f"{name.getDebugName(4)}: {name.getDebugName(0)}")
    # Debian's copyright file carries the OFL as an indented paragraph; "." marks a blank line
    lines = (unpacked / "usr/share/doc/fonts-noto-cjk/copyright").read_text(encoding="utf-8").splitlines()
    start = lines.index("License: SIL-1.1", lines.index("License: GPL-3+"))
    body = []
    for line in lines[start + 1:]:
        if not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    return "\n".join([*sorted(set(notices)), "", *body]) + "\n"


def generate(unpacked: Path, root: Path = ROOT, out: Path = OUT, css: Path = CSS) -> dict[str, int]:
    font_dir = unpacked / "usr/share/fonts"
    out.mkdir(parents=True, exist_ok=True)
    (out / "OFL.txt").write_text(licence(unpacked), encoding="utf-8")
    faces, counts = [], {}
    for stem, source, index, _ in FACES:
        chars = face_characters(characters(root))[stem]
        if not chars:
            (out / f"{stem}.woff2").unlink(missing_ok=True)
            continue
        subset(font_dir / source, index, chars, out / f"{stem}.woff2")
        counts[stem] = len(chars)
        faces.append(f"@font-face {{\n  font-family: \"{FAMILY}\";\n  font-style: normal;\n  font-weight: 400;\n"
                     f"  font-display: swap;\n  src: url(\"fonts/{stem}.woff2\") format(\"woff2\");\n"
                     f"  unicode-range: {unicode_range(chars)};\n}}\n")
    css.write_text(CSS_HEAD + "".join(faces) + CSS_TAIL, encoding="utf-8")
    return counts


if __name__ == "__main__":
    for stem, count in generate(Path(sys.argv[1])).items():
        print(f"{OUT / stem}.woff2: {count} characters, {(OUT / f'{stem}.woff2').stat().st_size:,} bytes")
