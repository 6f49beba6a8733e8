"""Prose that reads the same in the book and in JupyterLab, with numbers and citations kept true.

The Markdown of the notebooks and pages uses only what both MyST and plain Jupyter render:
- a number computed from the data stands in the text between two invisible markers,
  `<!--fact:n_events-->35<!--/fact-->`; the value is written from the notebook's stored `facts`
  output (the code cell tagged `facts`, which nbval proves is what the data give today);
- a citation is a link to its entry in the bibliography whose text is the source's author–year
  label, `[Garver 1988](bibliography.ipynb#src-garver1988)`, with an optional locator as the
  link's title (`"p. 53"`), shown after the label. A citation in the narrative's own voice reads
  `[Garver (1988)](…)`.
`refresh` rewrites both from the data; `make notebooks` runs it, and a test fails if any page
is not refreshed, so no number or label is ever typed by hand.
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat
import yaml

from .. import data

FACT = re.compile(r"<!--fact:(?P<key>\w+)-->(?P<value>.*?)<!--/fact-->")
CITE = re.compile(r'\[(?P<text>[^\[\]]*)\]\((?P<path>[\w./-]*bibliography\.ipynb)#(?P<id>src-[a-z0-9-]+)'
                  r'(?: "(?P<locator>[^"]*)")?\)')
FACTS_TAG = "facts"
INSTALL_TAG = "install"
REPOSITORY_LINE = re.compile(r'^REPOSITORY = ".*"$', re.M)
PAGES = sorted(Path("notebooks").glob("*.ipynb")) + sorted(Path("book").glob("*.md"))


def labels(sources) -> dict[str, str]:
    return {row["id"]: data.author_year(row) for row in sources.to_dict("records")}


def narrative_form(label: str) -> str:
    """"Garver 1988" → "Garver (1988)"; a label without a year stays as it is."""
    who, _, year = label.rpartition(" ")
    return f"{who} ({year})" if who and re.fullmatch(r"\d{4}[a-z]?", year) else label


def cite_text(label: str, narrative: bool, locator: str | None) -> str:
    text = narrative_form(label) if narrative else label
    return f"{text}, {locator}" if locator else text


def refresh_citations(text: str, label_of: dict[str, str], where: str) -> str:
    def replace(match: re.Match) -> str:
        source_id, locator = match["id"], match["locator"]
        if source_id not in label_of:
            raise ValueError(f"{where}: citation of {source_id!r}, which is not in data/sources.csv")
        label = label_of[source_id]
        old = match["text"].removesuffix(f", {locator}") if locator else match["text"]
        narrative = old.endswith(")") and old != label
        title = f' "{locator}"' if locator else ""
        return f"[{cite_text(label, narrative, locator)}]({match['path']}#{source_id}{title})"
    return CITE.sub(replace, text)


def format_fact(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def refresh_facts(text: str, facts: dict, where: str) -> str:
    def replace(match: re.Match) -> str:
        if match["key"] not in facts:
            raise ValueError(f"{where}: no fact {match['key']!r} in the notebook's facts cell")
        return f"<!--fact:{match['key']}-->{format_fact(facts[match['key']])}<!--/fact-->"
    # a marker may not open a line: Markdown would take the whole line for a block of raw HTML
    return FACT.sub(replace, re.sub(r"\n(?=<!--fact:)", " ", text))


def stored_facts(nb) -> dict:
    """The `facts` dict as the notebook's tagged cell last displayed it."""
    for cell in nb.cells:
        if FACTS_TAG in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "execute_result":
                    return ast.literal_eval(output["data"]["text/plain"])
    return {}


def repository_url(config: Path = Path("_config.yml")) -> str:
    """The project's public repository as _config.yml gives it ("" while unset)."""
    url = (yaml.safe_load(config.read_text(encoding="utf-8")).get("repository") or {}).get("url") or ""
    return url.rstrip("/")


def refresh_notebook(nb, label_of: dict[str, str], where: str, repository: str = "") -> bool:
    """Facts and citation labels in the Markdown, and the install cell's repository URL."""
    facts, changed = stored_facts(nb), False
    for cell in nb.cells:
        if cell.cell_type == "code" and INSTALL_TAG in cell.get("metadata", {}).get("tags", []):
            new = REPOSITORY_LINE.sub(f'REPOSITORY = "{repository}"', cell.source)
            changed |= new != cell.source
            cell.source = new
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            new = refresh_citations(refresh_facts(cell.source, facts, f"{where}, cell {index}"),
                                    label_of, f"{where}, cell {index}")
            changed |= new != cell.source
            cell.source = new
    return changed


def refresh(path: Path, label_of: dict[str, str], write: bool = True, repository: str = "") -> bool:
    """Rewrite the page's facts and citation labels from the data; True if anything changed."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        changed = refresh_notebook(nb, label_of, str(path), repository)
        if changed and write:
            nbformat.write(nb, path)
        return changed
    text = path.read_text(encoding="utf-8")
    new = refresh_citations(text, label_of, str(path))
    if new != text and write:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(paths: list[str]) -> None:
    label_of, repository = labels(data.load("sources")), repository_url()
    for path in [Path(p) for p in paths] or PAGES:
        if refresh(path, label_of, repository=repository):
            print(f"refreshed numbers and citations in {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
