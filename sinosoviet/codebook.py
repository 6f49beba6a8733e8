"""data/README.md, the codebook, generated from data/datapackage.json so that the two cannot
drift (a test compares them). Run: python -m sinosoviet.codebook > data/README.md"""
from __future__ import annotations

from . import data

INTRO = """# Codebook: Soviet intervention in China, 1923–1941

Generated from `datapackage.json` by `python -m sinosoviet.codebook`; edit the descriptor, not
this file. Version {version}. Data licence: {licence}.

## Using the tables
Every table is a UTF-8 CSV with a header row and `\\n` line ends, readable with plain
`pandas.read_csv(path, keep_default_na=False)` (so that empty cells stay empty strings rather
than NaN where a column is text). `datapackage.json` is a Frictionless Data Package: it types
every column and states its constraints, primary key and foreign keys
(`frictionless validate datapackage.json` checks the lot).

Conventions shared by all tables:
- **ids** are strings with a table prefix (`ev-`, `pe-`, `pl-`, `src-`, …); an id is never reused;
  a withdrawn row stays with `status = withdrawn`.
- **Dates**: `date_start` and `date_end` are the earliest and latest possible dates (ISO 8601),
  and `date_precision` says how precisely the event is placed (see the events table).
- **Uncertain quantities** come as `<q>_low`, `<q>_best`, `<q>_high`; empty means not known; a
  test checks low ≤ best ≤ high. Where sources disagree, each source's figure is its own row,
  grouped by a shared `group` key (aid and personnel) or an id suffix `-v2`, `-v3` (credits).
- **Sources**: a `sources` cell holds `;`-separated ids from `sources.csv`, each optionally
  followed by a locator in brackets: `src-garver1988[p. 53]`. `sources.csv` ids are the BibTeX
  keys of `book/references.bib`.
- **Names**: `name` is the form used in the book; `name_pinyin`, `name_period` (Wade-Giles,
  postal or period press spelling) and `name_native` (Chinese characters, Cyrillic, Japanese)
  give the others; `aliases` holds further forms, `;`-separated.
"""


def constraint_text(field: dict) -> str:
    cons = field.get("constraints", {})
    parts = []
    if cons.get("required"):
        parts.append("required")
    if cons.get("unique"):
        parts.append("unique")
    if "enum" in cons:
        parts.append("one of " + ", ".join(f"`{v}`" for v in cons["enum"]))
    if "minimum" in cons:
        parts.append(f"≥ {cons['minimum']}")
    if "maximum" in cons:
        parts.append(f"≤ {cons['maximum']}")
    if "pattern" in cons:
        parts.append(f"pattern `{cons['pattern']}`")
    if field.get("sinosoviet:listOf"):
        parts.append(f"ids from `{field['sinosoviet:listOf']}.csv`")
    if field.get("unit"):
        parts.append(f"unit: {field['unit']}")
    return "; ".join(parts)


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_section(res: dict) -> str:
    schema = res["schema"]
    lines = [f"## `{res['path']}`", "", res["description"], "",
             f"Primary key: `{schema['primaryKey']}`."]
    for fk in schema.get("foreignKeys", []):
        lines.append(f"Foreign key: `{fk['fields']}` → `{fk['reference']['resource']}.csv` `id`.")
    lines += ["", "| column | type | meaning | constraints |", "|---|---|---|---|"]
    for field in schema["fields"]:
        lines.append(f"| `{field['name']}` | {field.get('type', 'string')} | {cell(field['description'])} | {cell(constraint_text(field))} |")
    return "\n".join(lines)


def codebook() -> str:
    pkg = data.package()
    licence = ", ".join(lic["name"] for lic in pkg.get("licenses", []))
    parts = [INTRO.format(version=pkg["version"], licence=licence)]
    parts += [table_section(res) for res in pkg["resources"]]
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    print(codebook(), end="")
