"""Precompressed copies of the built book, for hosts that serve them (`make book` runs this after
the build): beside every text file of _build/html, `NAME.gz` (gzip, level 9) and `NAME.br`
(brotli, quality 9), each written only where it is smaller than its source. Brotli's top
qualities (10, 11) save another 8 % on the vega bundle but take 15 times as long (6 s against
0.4 s, measured), too slow for every cold build.

The output is deterministic: gzip's header carries no name and no time, so the same book gives
the same bytes. A copy newer than its source is kept, so a rebuild compresses only what changed;
copies whose source is gone are removed.

    python -m sinosoviet.book.compress [_build/html]
"""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parents[2]
# Formats that are not compressed already (woff2, png, pdf and zip are). Source maps (.map) are
# left out: only a developer's tools fetch them.
TEXT = {".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".xml", ".csv", ".ttf", ".otf",
        ".eot", ".ipynb", ".md", ".bib", ".cff", ".ico"}
ENCODINGS = {".gz": lambda data: gzip.compress(data, compresslevel=9, mtime=0),
             ".br": lambda data: brotli.compress(data, quality=9)}


def compress(directory: Path) -> dict[str, int]:
    """Write the missing or stale .gz and .br copies under `directory`; returns counts."""
    counts = {"written": 0, "kept": 0, "removed": 0}
    for copy in [p for suffix in ENCODINGS for p in directory.rglob(f"*{suffix}")]:
        source = copy.with_suffix("")
        if not source.is_file() or source.suffix not in TEXT:
            copy.unlink()
            counts["removed"] += 1
    for source in sorted(p for p in directory.rglob("*") if p.suffix in TEXT and p.is_file()):
        data = None
        for suffix, encode in ENCODINGS.items():
            copy = source.with_name(source.name + suffix)
            if copy.exists() and copy.stat().st_mtime >= source.stat().st_mtime:
                counts["kept"] += 1
                continue
            data = source.read_bytes() if data is None else data
            packed = encode(data)
            if len(packed) < len(data):
                copy.write_bytes(packed)
                counts["written"] += 1
            elif copy.exists():
                copy.unlink()
    return counts


def main(argv: list[str]) -> int:
    directory = Path(argv[0]) if argv else ROOT / "_build" / "html"
    if not (directory / "index.html").exists():
        print(f"{directory}: no built book to compress", file=sys.stderr)
        return 1
    counts = compress(directory)
    print(f"precompressed {directory.relative_to(ROOT) if directory.is_relative_to(ROOT) else directory}: "
          f"{counts['written']} written, {counts['kept']} up to date, {counts['removed']} removed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
