"""Write a notebook from a simple text format: cells separated by lines '# %% [markdown]' or '# %%'.
Usage: python tools/new_notebook.py SRC.py notebooks/NAME.ipynb"""
import json
import sys

import nbformat


def cells(text):
    kind, lines = None, []
    for line in text.splitlines():
        if line.startswith("# %%"):
            if kind:
                yield kind, "\n".join(lines).strip("\n")
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
            tags = line.split("tags=")[1].split(",") if "tags=" in line else []
            meta_tags = [t.strip() for t in tags if t.strip()]
            kind = (kind, tuple(meta_tags))
        else:
            lines.append(line[2:] if kind and kind[0] == "markdown" and line.startswith("# ") else ("" if kind and kind[0] == "markdown" and line == "#" else line))
    if kind:
        yield kind, "\n".join(lines).strip("\n")


def build(text):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    for (kind, tags), source in cells(text):
        meta = {}
        if kind == "code" and source.startswith("# mystnb: "):
            first, _, source = source.partition("\n")
            meta = json.loads(first.removeprefix("# mystnb: "))
        cell = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
        if meta:
            cell.metadata["mystnb"] = meta
        cell.id = f"cell-{len(nb.cells) + 1:02d}"
        if tags:
            cell.metadata["tags"] = list(tags)
        nb.cells.append(cell)
    return nb


if __name__ == "__main__":
    nbformat.write(build(open(sys.argv[1], encoding="utf-8").read()), sys.argv[2])
