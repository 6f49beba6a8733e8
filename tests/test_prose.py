"""Numbers and citations in the prose are written from the data, never by hand, and nothing in
the Markdown needs a MyST role that JupyterLab would show raw."""
from __future__ import annotations

import re

import nbformat
import pytest

from sinosoviet import data
from sinosoviet.book import prose

ROLE = re.compile(r"\{(cite|glue|eval|numref|download)(:[a-z]+)?\}`")


@pytest.fixture(scope="module")
def label_of():
    return prose.labels(data.load("sources"))


@pytest.mark.parametrize("path", prose.PAGES, ids=str)
def test_page_prose_is_refreshed_from_the_data(path, label_of):
    assert not prose.refresh(path, label_of, write=False, repository=prose.repository_url()), \
        f"{path}: numbers or citation labels differ from the data; run `make notebooks`"


@pytest.mark.parametrize("path", prose.PAGES, ids=str)
def test_page_uses_no_role_that_jupyterlab_shows_raw(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells if c.cell_type == "markdown")
    assert not ROLE.findall(text), f"{path}: MyST roles {ROLE.findall(text)[:3]}"
    # JupyterLab typesets $…$ as mathematics even when escaped; a dollar sign in its own span is left alone
    bare = re.findall(r".{0,20}\$.{0,20}", re.sub(r"`[^`]*`|<span>\\\$</span>", "", text))
    assert not bare, f"{path}: dollar signs that JupyterLab would typeset as mathematics: {bare[:3]}"


def test_a_changed_fact_or_label_is_rewritten(label_of):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("facts", metadata={"tags": ["facts"]}, outputs=[
            nbformat.v4.new_output("execute_result", data={"text/plain": "{'n_events': 1234}"}, execution_count=1)]),
        nbformat.v4.new_markdown_cell("We record <!--fact:n_events-->35<!--/fact--> events, as "
                                      "[Nobody (1900)](bibliography.ipynb#src-garver1988) and "
                                      '[Nobody 1900, p. 9](bibliography.ipynb#src-garver1988 "p. 9") say.'),
    ])
    assert prose.refresh_notebook(nb, label_of, "test")
    assert nb.cells[1].source == ("We record <!--fact:n_events-->1,234<!--/fact--> events, as "
                                  "[Garver (1988)](bibliography.ipynb#src-garver1988) and "
                                  '[Garver 1988, p. 9](bibliography.ipynb#src-garver1988 "p. 9") say.')


def test_a_citation_of_an_unknown_source_or_fact_is_an_error(label_of):
    with pytest.raises(ValueError, match="src-nowhere.*not in data/sources.csv"):
        prose.refresh_citations("[X 1](bibliography.ipynb#src-nowhere)", label_of, "page.md")
    with pytest.raises(ValueError, match="no fact 'n_ghosts'"):
        prose.refresh_facts("<!--fact:n_ghosts-->1<!--/fact-->", {}, "page.ipynb")


def test_every_notebook_installs_the_package_when_it_is_missing():
    for path in prose.PAGES:
        if path.suffix == ".ipynb":
            cells = [c for c in nbformat.read(path, as_version=4).cells
                     if prose.INSTALL_TAG in c.get("metadata", {}).get("tags", [])]
            assert len(cells) == 1 and prose.REPOSITORY_LINE.search(cells[0].source), f"{path}: no install cell"
            assert "remove-cell" in cells[0].metadata["tags"], f"{path}: the install cell shows in the book"



@pytest.mark.parametrize("path", prose.PAGES, ids=str)
def test_every_link_to_the_bibliography_is_a_citation_the_refresh_reads(path):
    """A citation whose link text the refresh cannot parse (a stray bracket) would keep a stale
    label for ever and print as broken Markdown: every link to a bibliography row must be one."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        nb = nbformat.reads(text, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    links = re.findall(r"bibliography\.ipynb#src-", text)
    assert len(prose.CITE.findall(text)) == len(links), f"{path}: a link to the bibliography that is not a citation"
