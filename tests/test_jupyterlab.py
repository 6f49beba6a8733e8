"""The notebooks as a notebook user meets them: a real JupyterLab from the project's venv, on
loopback, driven by headless Chromium, in one session (one server, one browser tab). Each notebook
is opened from the file browser and read: every chart draws (a canvas or SVG of real size), every
output has a renderer, the prose shows no raw MyST role, fact key or typeset dollar amount, no cell
shows an error, the console stays free of errors; a chapter and the explorers are run with Run All
in JupyterLab's own kernel, and an explorer redraws when a control changes.

Why most notebooks are read with their stored outputs rather than re-run here: nbval (`make test`
runs it on every notebook) re-executes each notebook and compares every output with the stored
one in full, chart specs included (a chart's output is its Vega-Lite spec, byte-identical for the
same code and data; nbval leaves out only what differs from run to run: widget model ids,
execution counts, output metadata). So the stored outputs *are* what the code produces today, and
what remains to prove in JupyterLab is that JupyterLab draws them: that is checked for every chart
of every notebook, counted against the notebook file. What needs a live kernel is run live: Run
All of a whole chapter (RUN_ALL: the chapter with the most charts), which proves that a notebook
runs in JupyterLab's kernel and draws there as many charts as it stores, and the explorers, whose
charts are widgets (their state is not stored) and draw only from a kernel.

JupyterLab serves a copy of the notebooks (and autosave is off), so a run never writes to the
committed files."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError

from sinosoviet.book.prose import FACT

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["overview.ipynb", *sorted(p.name for p in (ROOT / "notebooks").glob("p[0-9]-*.ipynb")),
             "reading-the-source.ipynb", "explore.ipynb"]
# Run with Run All in JupyterLab: the chapter with the most charts, and the explorers (widgets)
RUN_ALL = {"p5-1937-1939.ipynb", "explore.ipynb"}
RAW = re.compile(r"\{(cite|glue|download|numref|eval)[:}]|\bglue:text\b|<!--")
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
}
# What a notebook's panel (by its widget id) shows
READ_PAGE = """id => {
  const panel = document.getElementById(id);
  const charts = [...panel.querySelectorAll('.jp-RenderedVegaLite')];
  // JupyterLab's Vega renderer draws on a canvas; a drawn chart has a canvas of real size
  const drawn = charts.filter(o => [...o.querySelectorAll('canvas')].some(c => c.width > 100 && c.height > 50) ||
      [...o.querySelectorAll('svg')].some(s => s.querySelectorAll('path, rect, line, text').length > 3));
  const markdown = [...panel.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')];
  return {
    cells: panel.querySelectorAll('.jp-Cell').length,
    markdown: markdown.length,
    charts: charts.length,
    undrawn: charts.filter(o => !drawn.includes(o)).map(o => o.closest('.jp-Cell') ? [...panel.querySelectorAll('.jp-Cell')].indexOf(o.closest('.jp-Cell')) : -1),
    prose: markdown.map(m => m.innerText).join('\\n'),
    html: markdown.map(m => m.innerHTML).join('\\n'),
    maths: panel.querySelectorAll('.jp-MarkdownCell mjx-container, .jp-MarkdownCell .MathJax').length,
    errors: [...panel.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]')].map(e => e.innerText.slice(0, 300)),
    unrendered: [...panel.querySelectorAll('.jp-OutputArea-output')].filter(o => o.innerText.includes('No renderer could be found')).length,
  };
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of the notebooks; yields its base URL."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "CITATION.cff", root / "CITATION.cff")
    settings = root / ".settings"
    for name, values in SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    port = free_port()
    # its own settings, config and runtime folders: nothing shared with kernels on another worker
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTER_CONFIG_DIR=str(root / ".config"),
               JUPYTER_RUNTIME_DIR=str(root / ".runtime"))
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", "--IdentityProvider.token=t", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=", "--ServerApp.open_browser=False"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def stored(notebook: str) -> dict:
    """What the committed notebook holds: its cells, Markdown cells and charts. A chart is a
    Vega-Lite output, or an explorer: a widget (stored as a view of a model that only a kernel has)
    that draws one chart."""
    nb = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))
    outputs = [o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", [])]
    return {"cells": len(nb["cells"]), "markdown": sum(c["cell_type"] == "markdown" for c in nb["cells"]),
            "charts": sum("application/vnd.vegalite.v5+json" in o or "application/vnd.jupyter.widget-view+json" in o
                          for o in outputs)}


def accept_dialogs(page) -> None:
    """JupyterLab opens dialogs of its own when a busy machine makes it slow (a kernel to choose, a
    kernel that took long to start); they block the menus. Each is accepted, and named in the
    output; the checks on what the notebook then shows are unchanged."""
    dialogs = page.locator(".jp-Dialog")
    for _ in range(3):
        if not dialogs.count():
            return
        print("JupyterLab dialog accepted:", " ".join(dialogs.first.inner_text().split())[:200])
        dialogs.first.locator(".jp-mod-accept").first.click()
        try:
            page.wait_for_function("n => document.querySelectorAll('.jp-Dialog').length < n",
                                   arg=dialogs.count() + 1, timeout=5_000, polling=100)
        except TimeoutError:
            pass  # the loop looks again


def menu(page, name: str, item: str) -> None:
    accept_dialogs(page)
    page.click(f"li.lm-MenuBar-item:has-text('{name}')")
    page.click(f".lm-Menu-itemLabel:text-is('{item}')")


@pytest.fixture(scope="module")
def session(lab, browser):
    """One JupyterLab tab for the module, at the notebooks folder, and the console errors it logs."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{lab}/lab/tree/notebooks?token=t&reset", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-DirListing-item[data-file-type='notebook']", timeout=90_000)
    yield page, errors
    page.close()


def open_notebook(page, notebook: str) -> str:
    """Open a notebook from the file browser, as a user does (or bring its tab to the front);
    returns its panel's widget id."""
    accept_dialogs(page)
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab").filter(
        has=page.locator(".lm-TabBar-tabLabel", has_text=re.compile(rf"^{re.escape(notebook)}$")))
    if tab.count():
        tab.first.click()
    else:
        page.locator(".jp-DirListing-itemText").filter(has_text=re.compile(rf"^{re.escape(notebook)}$")).dblclick()
    tab.first.wait_for(timeout=60_000)
    panel = tab.first.get_attribute("data-id")
    page.wait_for_selector(f"[id='{panel}'].jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell", timeout=60_000)
    return panel


def wait_for_charts(page, panel: str, charts: int) -> None:
    try:
        page.wait_for_function(
            "([id, n]) => [...document.getElementById(id).querySelectorAll('.jp-RenderedVegaLite canvas')]"
            ".filter(c => c.width > 100).length >= n", arg=[panel, charts], timeout=60_000, polling=100)
    except TimeoutError:
        pass  # the assertions that follow name the cells whose charts did not draw


def run_all(page, panel: str, charts: int) -> None:
    """Run the open notebook with Run All, after clearing its stored outputs, and wait for every
    cell to have run and `charts` charts to be drawn."""
    page.wait_for_selector(f"[id='{panel}'] .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    page.keyboard.press("Escape")
    menu(page, "Edit", "Clear Outputs of All Cells")  # so that every output below comes from this run
    prompts = ("id => [...document.getElementById(id).querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
               ".every(e => /\\[\\d+\\]/.test(e.textContent))")
    page.wait_for_function(f"id => !({prompts})(id)", arg=panel, timeout=10_000)  # the outputs are gone
    for attempt in range(3):  # a menu click made while the page settles can be lost: try again
        menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(prompts, arg=panel, timeout=60_000, polling=250)
            break
        except TimeoutError:
            if attempt == 2:
                raise
    wait_for_charts(page, panel, charts)


@pytest.fixture(scope="module")
def views(session):
    """Each notebook as JupyterLab shows it, opened once in the session: its stored outputs, or
    (RUN_ALL) the outputs of Run All. Returns (panel id, what it shows, console errors meanwhile)."""
    page, errors = session
    seen: dict[str, tuple] = {}
    logged = [0]  # console errors up to here are another notebook's (those of JupyterLab's start: the first's)

    def view(notebook: str) -> tuple[str, dict, list[str]]:
        if notebook not in seen:
            started = time.time()
            panel = open_notebook(page, notebook)
            expected = stored(notebook)
            if notebook in RUN_ALL:
                run_all(page, panel, expected["charts"])
            else:
                page.wait_for_function(  # the Markdown is rendered
                    "([id, n]) => document.getElementById(id).querySelectorAll("
                    "'.jp-MarkdownCell.jp-mod-rendered .jp-RenderedMarkdown').length >= n",
                    arg=[panel, expected["markdown"]], timeout=30_000)
                wait_for_charts(page, panel, expected["charts"])
            shown = page.evaluate(READ_PAGE, panel)
            how = "Run All" if notebook in RUN_ALL else "stored outputs"
            print(f"{notebook}: opened and read ({how}) in {time.time() - started:.1f} s, {shown['charts']} charts")
            seen[notebook] = (panel, shown, errors[logged[0]:])
            logged[0] = len(errors)
        return seen[notebook]

    return view


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_reads_cleanly_in_jupyterlab(views, notebook):
    """Every chart of the notebook draws in JupyterLab, every output renders, the prose reads as
    prose; in RUN_ALL notebooks, the outputs are those of Run All in JupyterLab's kernel."""
    source = (ROOT / "notebooks" / notebook).read_text(encoding="utf-8")
    expected = stored(notebook)
    _, seen, errors = views(notebook)
    assert seen["cells"] == expected["cells"], f"{notebook}: {seen['cells']} of {expected['cells']} cells shown"
    assert seen["markdown"] == expected["markdown"], f"{notebook}: {seen['markdown']} of {expected['markdown']} Markdown cells rendered"
    assert seen["errors"] == [], f"{notebook}: cells show errors: {seen['errors']}"
    assert seen["unrendered"] == 0, f"{notebook}: an output has no renderer in JupyterLab"
    assert not seen["undrawn"], f"{notebook}: charts in cells {seen['undrawn']} did not draw"
    # every chart the notebook stores is drawn (after Run All too: the run draws what was stored)
    assert seen["charts"] == expected["charts"], f"{notebook}: {seen['charts']} charts drawn, {expected['charts']} stored"
    if "charts.enable()" in source:
        assert seen["charts"] > 0, f"{notebook}: no chart output found"
    raw = RAW.findall(seen["prose"]) + RAW.findall(seen["html"])
    assert not raw, f"{notebook}: raw MyST roles or markers in the rendered prose: {raw[:5]}"
    keys = {m["key"] for m in FACT.finditer(source)}
    shown_keys = [k for k in keys if re.search(rf"(?<![\w-]){k}(?![\w-])", seen["prose"])]
    assert not shown_keys, f"{notebook}: fact keys shown instead of values: {shown_keys}"
    assert seen["maths"] == 0, f"{notebook}: {seen['maths']} passages typeset as mathematics"
    assert errors == [], f"{notebook}: console errors: {errors[:3]}"


def test_run_all_ran_a_chapter_and_the_explorers():
    """At least one chapter and the explorers are run in JupyterLab itself, not only read."""
    assert "explore.ipynb" in RUN_ALL and [nb for nb in RUN_ALL if re.match(r"p\d-", nb)]
    assert RUN_ALL <= set(NOTEBOOKS)


def test_an_explorer_redraws_when_a_control_changes_in_jupyterlab(session, views):
    page, _ = session
    panel, _, _ = views("explore.ipynb")  # run with Run All
    open_notebook(page, "explore.ipynb")  # its tab in front
    explorer = page.locator(f"[id='{panel}'] .widget-vbox:has(h4:text-is('Aid explorer'))").first
    canvas = ".jp-RenderedVegaLite canvas"
    explorer.locator(canvas).first.wait_for(state="attached", timeout=30_000)
    before = explorer.locator(canvas).first.evaluate("c => c.toDataURL()")
    message = explorer.locator(".widget-html").nth(1).inner_text()
    explorer.locator(".widget-checkbox input").first.click()  # include the 1937–1941 totals
    page.wait_for_function(
        "([id, old, selector]) => { const box = [...document.getElementById(id).querySelectorAll('.widget-vbox')]"
        ".find(v => v.querySelector('h4')?.textContent === 'Aid explorer'); const c = box?.querySelector(selector);"
        " return c && c.width > 100 && c.toDataURL() !== old; }", arg=[panel, before, canvas], timeout=30_000)
    after = explorer.locator(".widget-html").nth(1).inner_text()
    assert after != message, f"the explorer's count did not change with its filter: {after!r}"
