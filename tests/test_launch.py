"""No page links to another project's repository (launch buttons appear only once the project's
own repository URL is set in _config.yml), and every content page describes itself for search
engines and link previews."""
from __future__ import annotations

import re
from types import SimpleNamespace

from conftest import HTML, book_pages
from sinosoviet.book.sphinxext import JUPYTER_BOOK_DEFAULT_REPOSITORY, launch_only_from_our_repository


def test_no_built_page_links_to_another_projects_repository():
    pages = book_pages()
    assert len(pages) > 10, "the book is not built"
    for page in pages:
        text = (HTML / page).read_text(encoding="utf-8")
        assert "executablebooks/jupyter-book" not in text, f"{page} links to Jupyter Book's own repository"
        assert "mybinder.org/v2" not in text and "colab.research.google.com/github" not in text, \
            f"{page} has a launch button although no repository is set"
        assert "binder-examples/" not in text and "x-thebe-config" not in text, \
            f"{page} carries sphinx-thebe's settings, which name its default Binder repository"


def options_after(url: str) -> dict:
    config = SimpleNamespace(html_theme_options={
        "repository_url": url, "launch_buttons": {"binderhub_url": "https://mybinder.org"}})
    launch_only_from_our_repository(None, config)
    return config.html_theme_options


def test_launch_buttons_follow_the_repository_setting():
    assert options_after("")["launch_buttons"] == {}
    assert options_after(JUPYTER_BOOK_DEFAULT_REPOSITORY)["launch_buttons"] == {}
    kept = options_after("https://example.org/project")
    assert kept["repository_url"] == "https://example.org/project"
    assert kept["launch_buttons"] == {"binderhub_url": "https://mybinder.org"}


def test_every_content_page_has_a_meta_description():
    for page in book_pages():
        if page in ("index.html", "search.html", "genindex.html"):
            continue  # the redirect and Sphinx's own pages have no text of their own
        text = (HTML / page).read_text(encoding="utf-8")
        match = re.search(r'<meta name="description" content="([^"]+)"', text)
        assert match and len(match.group(1)) > 40, f"{page}: no meta description"
