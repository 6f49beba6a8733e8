"""The notebooks as a notebook user meets them: a real JupyterLab from the project's venv, on
loopback, driven by headless Chromium. Each notebook is opened, run with Run All, and read:
every chart draws (an SVG with marks), the prose shows no raw MyST role, fact key or typeset
dollar amount, the console stays free of errors, and an explorer redraws when a control changes.

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
RAW = re.compile(r"\{(cite|glue|download|numref|eval)[:}]|\bglue:text\b|<!--")
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
}
READ_PAGE = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const charts = [...panel.querySelectorAll('.jp-RenderedVegaLite')];
  // JupyterLab's Vega renderer draws on a canvas; a drawn chart has a canvas of real size
  const drawn = charts.filter(o => [...o.querySelectorAll('canvas')].some(c => c.width > 100 && c.height > 50) ||
      [...o.querySelectorAll('svg')].some(s => s.querySelectorAll('path, rect, line, text').length > 3));
  const markdown = [...panel.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')];
  return {
    cells: panel.querySelectorAll('.jp-Cell').length,
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


def stored_charts(notebook: str) -> int:
    """How many charts the committed notebook shows (explorers draw theirs inside widgets)."""
    nb = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))
    return sum("application/vnd.vegalite.v5+json" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))


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
        page.wait_for_timeout(500)


def menu(page, name: str, item: str) -> None:
    accept_dialogs(page)
    page.click(f"li.lm-MenuBar-item:has-text('{name}')")
    page.click(f".lm-Menu-itemLabel:text-is('{item}')")


def run_all(page, url: str, charts: int = 0) -> list[str]:
    """Open a notebook, run all cells and wait for the kernel to go idle and `charts` charts to be
    drawn; returns console errors."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    page.keyboard.press("Escape")
    menu(page, "Edit", "Clear Outputs of All Cells")  # so that every output below comes from this run
    for attempt in range(3):  # a menu click made while the page settles can be lost: try again
        menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]"
                ".every(e => /\\[\\d+\\]/.test(e.textContent))", timeout=60_000, polling=500)
            break
        except TimeoutError:
            if attempt == 2:
                raise
    try:
        page.wait_for_function("n => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedVegaLite canvas')]"
                               ".filter(c => c.width > 100).length >= n", arg=charts, timeout=90_000, polling=250)
    except TimeoutError:
        pass  # the assertions that follow name the cells whose charts did not draw
    return errors


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_and_reads_cleanly_in_jupyterlab(lab, browser, notebook):
    source = (ROOT / "notebooks" / notebook).read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        started = time.time()
        errors = run_all(page, f"{lab}/lab/tree/notebooks/{notebook}?token=t&reset", stored_charts(notebook))
        seen = page.evaluate(READ_PAGE)
        print(f"{notebook}: Run All and read in {time.time() - started:.1f} s, {seen['charts']} charts")
    finally:
        page.close()
    assert seen["cells"] > 2, f"{notebook}: the notebook did not open"
    assert seen["errors"] == [], f"{notebook}: cells wrote errors: {seen['errors']}"
    assert seen["unrendered"] == 0, f"{notebook}: an output has no renderer in JupyterLab"
    assert not seen["undrawn"], f"{notebook}: charts in cells {seen['undrawn']} did not draw"
    if "charts.enable()" in source:
        assert seen["charts"] > 0, f"{notebook}: no chart output found"
    raw = RAW.findall(seen["prose"]) + RAW.findall(seen["html"])
    assert not raw, f"{notebook}: raw MyST roles or markers in the rendered prose: {raw[:5]}"
    keys = {m["key"] for m in FACT.finditer(source)}
    shown_keys = [k for k in keys if re.search(rf"(?<![\w-]){k}(?![\w-])", seen["prose"])]
    assert not shown_keys, f"{notebook}: fact keys shown instead of values: {shown_keys}"
    assert seen["maths"] == 0, f"{notebook}: {seen['maths']} passages typeset as mathematics"
    assert errors == [], f"{notebook}: console errors: {errors[:3]}"


def test_an_explorer_redraws_when_a_control_changes_in_jupyterlab(lab, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        run_all(page, f"{lab}/lab/tree/notebooks/explore.ipynb?token=t&reset")
        explorer = page.locator(".widget-vbox:has(h4:text-is('Aid explorer'))").first
        canvas = ".jp-RenderedVegaLite canvas"
        explorer.locator(canvas).first.wait_for(state="attached", timeout=30_000)
        before = explorer.locator(canvas).first.evaluate("c => c.toDataURL()")
        message = explorer.locator(".widget-html").nth(1).inner_text()
        explorer.locator(".widget-checkbox input").first.click()  # include the 1937–1941 totals
        page.wait_for_function(
            "([old, selector]) => { const box = [...document.querySelectorAll('.widget-vbox')]"
            ".find(v => v.querySelector('h4')?.textContent === 'Aid explorer'); const c = box?.querySelector(selector);"
            " return c && c.width > 100 && c.toDataURL() !== old; }", arg=[before, canvas], timeout=30_000)
        after = explorer.locator(".widget-html").nth(1).inner_text()
    finally:
        page.close()
    assert after != message, f"the explorer's count did not change with its filter: {after!r}"
