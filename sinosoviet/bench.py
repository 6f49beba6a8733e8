"""Performance budget (`make bench`): build times beside a floor measured in the same run, page
weights, and the time until every chart on the heaviest page has drawn. Writes
_build/bench/report.md and exits non-zero if a budget is broken.

The floor is a book with as many notebooks as ours, each importing pandas and altair and drawing
one small chart, built by the same Jupyter Book with the same settings for stored outputs."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from .browser import launch, serve
from .notebooks import execute

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "bench"
JB = [str(Path(sys.executable).with_name("jupyter-book")), "build", "--quiet", "--keep-going"]
BUDGET = {"cold_ratio": 2.0, "nochange_s": 10.0, "page_bytes": 1_000_000, "draw_ms": 2000.0}
FLOOR_CELL = ("import altair as alt\nimport pandas as pd\n\n"
              "alt.Chart(pd.DataFrame({'x': [1, 2, 3], 'y': [3, 1, 2]})).mark_bar().encode(x='x:O', y='y:Q')")


def timed_build(source: Path, output: Path) -> float:
    start = time.perf_counter()
    subprocess.run([*JB, str(source), "--path-output", str(output)], check=True, cwd=source,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


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


def draw_time_ms(html: Path, page: str) -> float:
    """Milliseconds from navigation start until every chart on the page has drawn."""
    from playwright.sync_api import sync_playwright

    server = serve(html)
    try:
        with sync_playwright() as p:
            browser = launch(p)
            tab = browser.new_page()
            tab.goto(f"http://127.0.0.1:{server.server_address[1]}/{page}", wait_until="commit")
            tab.wait_for_function("() => [...document.querySelectorAll('.sinosoviet-chart')]"
                                  ".every(el => el.dataset.rendered)", timeout=30_000)
            elapsed = tab.evaluate("() => performance.now()")
            browser.close()
    finally:
        server.shutdown()
    return elapsed


def main() -> int:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    book_out, floor_out = OUT / "book", OUT / "floor-build"
    shutil.rmtree(book_out, ignore_errors=True)
    shutil.rmtree(floor_out, ignore_errors=True)
    make_floor(OUT / "floor", len(notebooks))
    floor_cold = timed_build(OUT / "floor", floor_out)
    cold = timed_build(ROOT, book_out)
    nochange = timed_build(ROOT, book_out)
    notebooks[0].touch()
    touched = timed_build(ROOT, book_out)
    html = book_out / "_build" / "html"
    weights = page_weights(html)
    heaviest = max((p for p in weights if (html / p).read_text(encoding="utf-8").count('class="sinosoviet-chart"')),
                   key=weights.get)
    draw = draw_time_ms(html, heaviest)
    checks = {
        f"cold build ≤ {BUDGET['cold_ratio']}× floor": cold <= BUDGET["cold_ratio"] * floor_cold,
        f"no-change rebuild ≤ {BUDGET['nochange_s']} s": nochange <= BUDGET["nochange_s"],
        "no page over 1 MB": max(weights.values()) <= BUDGET["page_bytes"],
        f"charts on the heaviest page drawn within {BUDGET['draw_ms']:.0f} ms": draw <= BUDGET["draw_ms"],
    }
    lines = [
        "# Performance report", "",
        f"Notebooks: {len(notebooks)}; floor book: {len(notebooks)} notebooks (pandas + altair, one small chart each).", "",
        "| measure | seconds |", "|---|---|",
        f"| floor, cold build | {floor_cold:.1f} |", f"| book, cold build | {cold:.1f} |",
        f"| book, rebuild with nothing changed | {nochange:.1f} |",
        f"| book, rebuild after touching {notebooks[0].name} | {touched:.1f} |", "",
        f"Heaviest page with charts: `{heaviest}` ({weights[heaviest] / 1000:.0f} kB); every chart drawn after "
        f"{draw:.0f} ms in headless Chromium.", "",
        f"Shared scripts and stylesheets in `_static`: {shared_scripts(html) / 1000:.0f} kB.", "",
        "| page | kB |", "|---|---|", *[f"| {p} | {w / 1000:.0f} |" for p, w in sorted(weights.items())], "",
        "## Budgets", "", *[f"- {'PASS' if ok else 'FAIL'}: {name}" for name, ok in checks.items()],
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (OUT / "report.json").write_text(json.dumps({"floor_cold_s": floor_cold, "cold_s": cold, "nochange_s": nochange,
                                                 "touched_s": touched, "draw_ms": draw, "heaviest": heaviest,
                                                 "pages": weights, "budgets": checks}, indent=2), encoding="utf-8")
    print("\n".join(lines))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
