"""Performance budget (`make bench`): build times beside a floor measured in the same run, page
weights, and the time until every chart on each page with charts has drawn. Writes
_build/bench/report.md and exits non-zero if a budget is broken.

The floor is a book with as many notebooks as ours, each importing pandas and altair and drawing
one small chart, built by the same Jupyter Book with the same settings for stored outputs."""
from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from .browser import launch, serve
from .notebooks import execute

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "_build" / "bench"
JB = [str(Path(sys.executable).with_name("jupyter-book")), "build", "--quiet", "--keep-going"]
BUDGET = {"cold_ratio": 2.0, "nochange_s": 10.0, "page_bytes": 1_000_000, "draw_ms": 2000.0}
# A shared 2-core machine varies by a second or more from build to build, so cold builds of the
# floor and of the book alternate, and their medians are compared.
ROUNDS = 3
DRAW_LOADS = 3
FLOOR_CELL = ("import altair as alt\nimport pandas as pd\n\n"
              "alt.Chart(pd.DataFrame({'x': [1, 2, 3], 'y': [3, 1, 2]})).mark_bar().encode(x='x:O', y='y:Q')")


def timed_build(source: Path, output: Path) -> float:
    start = time.perf_counter()
    subprocess.run([*JB, str(source), "--path-output", str(output)], check=True, cwd=source,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def cold_builds(floor: Path, floor_out: Path, book_out: Path) -> tuple[list[float], list[float]]:
    """Alternating cold builds of the floor and the book, each from an empty output folder."""
    floors, books = [], []
    for _ in range(ROUNDS):
        for source, output, times in ((floor, floor_out, floors), (ROOT, book_out, books)):
            shutil.rmtree(output, ignore_errors=True)
            times.append(timed_build(source, output))
    return floors, books


def make_floor(directory: Path, notebooks: int) -> None:
    """The floor book: `notebooks` small notebooks with stored outputs."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    (directory / "_config.yml").write_text('title: Floor\nexecute:\n  execute_notebooks: "off"\n', encoding="utf-8")
    names = [f"nb{i:02d}" for i in range(notebooks)]
    (directory / "intro.md").write_text("# Floor\n\nA book for timing.\n", encoding="utf-8")
    toc = "format: jb-book\nroot: intro\nchapters:\n" + "".join(f"  - file: {n}\n" for n in names)
    (directory / "_toc.yml").write_text(toc, encoding="utf-8")
    for name in names:
        nb = nbformat.v4.new_notebook()
        nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), nbformat.v4.new_code_cell(FLOOR_CELL)]
        path = directory / f"{name}.ipynb"
        nbformat.write(nb, path)
        execute(path)


def page_weights(html: Path) -> dict[str, int]:
    return {str(p.relative_to(html)): p.stat().st_size for p in sorted(html.rglob("*.html")) if "_static" not in p.parts}


def shared_scripts(html: Path) -> int:
    return sum(p.stat().st_size for p in (html / "_static").rglob("*") if p.is_file() and p.suffix in (".js", ".css"))


def chart_pages(html: Path) -> list[str]:
    return [p for p in page_weights(html) if 'class="sinosoviet-chart"' in (html / p).read_text(encoding="utf-8")]


def draw_times_ms(html: Path, pages: list[str], loads: int = DRAW_LOADS) -> dict[str, float]:
    """Per page, the median over `loads` cold loads (a fresh browser context, so nothing cached)
    of the milliseconds from navigation start until every chart on the page has drawn."""
    from playwright.sync_api import sync_playwright

    server = serve(html)
    times = {}
    try:
        with sync_playwright() as p:
            browser = launch(p)
            for page in pages:
                runs = []
                for _ in range(loads):
                    context = browser.new_context()
                    tab = context.new_page()
                    tab.goto(f"http://127.0.0.1:{server.server_address[1]}/{page}", wait_until="commit")
                    tab.wait_for_function("() => [...document.querySelectorAll('.sinosoviet-chart')]"
                                          ".every(el => el.dataset.rendered)", timeout=30_000)
                    runs.append(tab.evaluate("() => performance.now()"))
                    context.close()
                times[page] = statistics.median(runs)
            browser.close()
    finally:
        server.shutdown()
    return times


def main() -> int:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    book_out, floor_out = OUT / "book", OUT / "floor-build"
    make_floor(OUT / "floor", len(notebooks))
    floors, books = cold_builds(OUT / "floor", floor_out, book_out)
    floor_cold, cold = statistics.median(floors), statistics.median(books)
    nochange = timed_build(ROOT, book_out)
    notebooks[0].touch()
    touched = timed_build(ROOT, book_out)
    html = book_out / "_build" / "html"
    weights = page_weights(html)
    draws = draw_times_ms(html, chart_pages(html))
    heaviest = max(draws, key=weights.get)
    slowest = max(draws, key=draws.get)
    checks = {
        f"cold build ≤ {BUDGET['cold_ratio']}× floor": cold <= BUDGET["cold_ratio"] * floor_cold,
        f"no-change rebuild ≤ {BUDGET['nochange_s']} s": nochange <= BUDGET["nochange_s"],
        "no page over 1 MB": max(weights.values()) <= BUDGET["page_bytes"],
        f"every chart on every page drawn within {BUDGET['draw_ms']:.0f} ms": draws[slowest] <= BUDGET["draw_ms"],
    }
    lines = [
        "# Performance report", "",
        f"Notebooks: {len(notebooks)}; floor book: {len(notebooks)} notebooks (pandas + altair, one small chart each).", "",
        "| measure | seconds |", "|---|---|",
        f"| floor, cold build (median of {' · '.join(f'{t:.1f}' for t in floors)}) | {floor_cold:.1f} |",
        f"| book, cold build (median of {' · '.join(f'{t:.1f}' for t in books)}) | {cold:.1f} |",
        f"| ratio | {cold / floor_cold:.2f} |",
        f"| book, rebuild with nothing changed | {nochange:.1f} |",
        f"| book, rebuild after touching {notebooks[0].name} | {touched:.1f} |", "",
        f"Heaviest page with charts: `{heaviest}` ({weights[heaviest] / 1000:.0f} kB); every chart drawn after "
        f"{draws[heaviest]:.0f} ms in headless Chromium. Slowest to draw: `{slowest}`, {draws[slowest]:.0f} ms "
        f"(each the median of {DRAW_LOADS} cold loads).", "",
        f"Shared scripts and stylesheets in `_static`: {shared_scripts(html) / 1000:.0f} kB.", "",
        "| page | kB | charts drawn after (ms) |", "|---|---|---|",
        *[f"| {p} | {w / 1000:.0f} | {draws[p]:.0f} |" if p in draws else f"| {p} | {w / 1000:.0f} | |"
          for p, w in sorted(weights.items())], "",
        "## Budgets", "", *[f"- {'PASS' if ok else 'FAIL'}: {name}" for name, ok in checks.items()],
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (OUT / "report.json").write_text(json.dumps({"floor_cold_s": floor_cold, "cold_s": cold,
                                                 "floor_cold_runs": floors, "cold_runs": books, "nochange_s": nochange,
                                                 "touched_s": touched, "draw_ms": draws, "heaviest": heaviest,
                                                 "pages": weights, "budgets": checks}, indent=2), encoding="utf-8")
    print("\n".join(lines))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
