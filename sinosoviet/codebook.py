"""The codebook, generated from data/datapackage.json so that it cannot drift: as Markdown in
data/README.md (a test compares them; run python -m sinosoviet.codebook > data/README.md), and as
HTML tables on the book's data page, where Markdown tables of this size cost a second per build."""
from __future__ import annotations

import html
import re

from markupsafe import Markup

from . import data
from .render import html_table

HEADERS = ["column", "type", "meaning", "constraints"]

INTRO = """# Codebook: Soviet intervention in China, 1923–1941

Generated from `datapackage.json` by `python -m sinosoviet.codebook`; edit the descriptor, not
this file. Version {version}. Data licence: {licence}.

Cite the version you use (`CITATION.cff`); `CHANGELOG.md` lists every change of a value, table or
column. Each release is also one archive, `sinosoviet-data-VERSION.zip` (built by
`make data-release` in a clone of the project, from the commit tagged `data-vVERSION`): the
tables, `datapackage.json`, this codebook, `CHANGELOG.md`, `CITATION.cff`, a `LICENSE` with the
notes on third-party material, and `SHA256SUMS` (`sha256sum -c SHA256SUMS` checks every file).

## Using the tables
"""
# One way to read a table typed, per tool. Each Python line runs in tests/test_reuse.py for every
# table (with "people" replaced by the table's name), from the data folder, after PREAMBLE, and
# its column types are compared with the descriptor's. R is shown, not run.
PREAMBLE = """import json, pathlib
fields = {f["name"]: f["type"] for r in json.loads(pathlib.Path("datapackage.json").read_text("utf-8"))["resources"]
          if r["name"] == "people" for f in r["schema"]["fields"]}"""
READERS = [
    ("this package", "python", "sinosoviet",
     'import sinosoviet.data; df = sinosoviet.data.load("people")'),
    ("pandas", "python", "pandas",
     'import pandas as pd; df = pd.read_csv("people.csv", keep_default_na=False, '
     'na_values={c: [""] for c, t in fields.items() if t != "string"}, '
     'dtype={c: {"integer": "Int64", "number": "Float64", "boolean": "boolean"}.get(t, "string") for c, t in fields.items() if t != "date"}, '
     'parse_dates=[c for c, t in fields.items() if t == "date"])'),
    ("frictionless", "python", "frictionless",
     'import frictionless; df = frictionless.Package("datapackage.json").get_resource("people").to_pandas().reset_index()'),
    ("DuckDB", "python", "duckdb",
     'import duckdb; rel = duckdb.read_csv("people.csv", header=True, '
     'columns={c: {"integer": "BIGINT", "number": "DOUBLE", "date": "DATE", "boolean": "BOOLEAN"}.get(t, "VARCHAR") for c, t in fields.items()}, '
     'force_not_null=[c for c, t in fields.items() if t == "string"])'),
    ("polars", "python", "polars",
     'import polars as pl; df = pl.read_csv("people.csv", empty_string_is_null=False, '
     'schema_overrides={c: {"integer": pl.Int64, "number": pl.Float64, "date": pl.Date, "boolean": pl.Boolean}.get(t, pl.String) for c, t in fields.items()})'),
    ("R, frictionless package", "r", None,
     'people <- frictionless::read_resource(frictionless::read_package("datapackage.json"), "people")'),
    ("R, readr", "r", None,
     'people <- readr::read_csv("people.csv", na = "", col_types = readr::cols(.default = "c", born = "i", died = "i", served_from = "D", served_to = "D"))'),
]


# The codebook's worked question, answered in one short query per tool; tests/test_reuse.py runs
# both from the data folder and checks the answer against the tables.
QUESTION = "How many aircraft did the USSR deliver to China in 1937–1941, according to each source, and what does the book estimate?"
ANSWER_PANDAS = (
    'import pandas as pd; aid, est = pd.read_csv("aid_deliveries.csv"), pd.read_csv("estimates.csv"); '
    'answer = aid[aid.group_id == "aircraft-total-1937-1941"].merge(est[est.table_name == "aid_deliveries"], '
    'on="group_id")[["id_x", "quantity_low", "quantity_best", "quantity_high", "sources", '
    '"estimate_low", "estimate_best", "estimate_high"]]')
ANSWER_SQL = (
    "SELECT a.id, a.quantity_low, a.quantity_best, a.quantity_high, a.sources, "
    "e.estimate_low, e.estimate_best, e.estimate_high "
    "FROM 'aid_deliveries.csv' a JOIN 'estimates.csv' e ON e.table_name = 'aid_deliveries' "
    "AND e.group_id = a.group_id WHERE a.group_id = 'aircraft-total-1937-1941'")


def question_markdown() -> str:
    return "\n".join([
        "### A first question", "", f"*{QUESTION}* Each figure is its own row, grouped by `group_id`; a row",
        "without a `year` covers the span its `period_start`–`period_end` give; where `quantity_best` is",
        "empty the source gave only a bound (`quantity_low` or `quantity_high`); `estimates.csv` holds the",
        "book's own value or range for each group, with its reasons. In pandas:", "",
        "```python", ANSWER_PANDAS, "```", "", "In DuckDB (SQL):", "", "```sql", ANSWER_SQL, "```", ""])


def readers_markdown() -> str:
    """The section of the codebook that shows how to read a table typed with each tool."""
    lines = ["### Reading a table typed, in one line", "",
             "Each line below reads `people.csv` (put any table's name in its place) with every column",
             "typed as the descriptor says: `integer` as a (nullable) integer, `number` as a float, `date` as",
             "a date, `string` as text. Integer columns with empty cells need a nullable integer type, and a",
             "column that is empty in every row (a quantity no source gives, such as the high estimates of",
             "some tables) is typed right only if its type is given rather than guessed, so each line takes",
             "the types from `datapackage.json`. The Python lines (tested for every table) first read the",
             "column types from the descriptor:", "",
             "```python", PREAMBLE, "```", ""]
    for label, language, _module, code in READERS:
        note = " (not run by the tests)" if language == "r" else ""
        lines += [f"- {label}{note}:", "", f"  ```{language}", f"  {code}", "  ```", ""]
    lines += [
        "Empty cells: `sinosoviet.data.load`, pandas, DuckDB and polars as above keep an empty text cell",
        "as `\"\"`; empty numbers and dates are missing (`<NA>`, `NaT`, `NULL`, `null`). A column with",
        "a fixed list of values (an enum) is a pandas `Categorical` in `sinosoviet.data.load`, where an",
        "empty cell is missing. `frictionless` reads empty text as missing (`NaN`), and R as `NA`.",
        "`sinosoviet.data.load` also checks every rule of the descriptor (types, constraints, keys) and",
        "raises an error naming file, line, column and value where one is broken.",
        "",
        "Column names are lower-case ASCII, at most 32 characters (Stata's limit) and never an SQL",
        "reserved word, so that they need no quoting in SQL, R, Stata or pandas.",
    ]
    return question_markdown() + "\n" + "\n".join(lines)


USAGE = """Every table is a UTF-8 CSV with a header row and `\\n` line ends. `datapackage.json` is a
Frictionless Data Package: it types every column and states its constraints, primary key and
foreign keys (`frictionless validate datapackage.json` checks the lot).

{readers}

Conventions shared by all tables:
- **ids** are strings with a table prefix (`ev-`, `pe-`, `pl-`, `src-`, …); an id is never reused;
  a withdrawn row stays with `status = withdrawn`.
- **Dates**: `date_start` and `date_end` are the earliest and latest possible dates (ISO 8601),
  and `date_precision` says how precisely the event is placed (see the events table). In
  `people`, `served_from`, `served_to` and `served_precision` give the span of a foreigner's
  service in China in the same way (same vocabulary, same rules); they are filled only where the
  row's `role` or a source cited with a locator states the span (years only: 1 January of the
  first year to 31 December of the last), and are empty for Chinese and Japanese actors and
  wherever no span is stated. Both dates or neither, the precision if and only if the dates, and
  start ≤ end: `sinosoviet.data.load` checks each rule.
- **Uncertain quantities** come as `<q>_low`, `<q>_best`, `<q>_high`; empty means not known; a
  test checks low ≤ best ≤ high. Where sources disagree, each source's figure is its own row,
  grouped by a shared `group_id` key (aid and personnel) or an id suffix `-v2`, `-v3` (credits).
  Rows of one group may still count different things over different years: in `aid_deliveries`
  and `personnel`, `scope` says what each figure counts (`cumulative`, `annual`, `on_hand`,
  `dispatched`, `delivered`, `other`, or `unstated` where the row does not say) and
  `period_start`/`period_end` the years it covers, both read from the row's own note, group and
  year; compare figures only where both agree.
- **Sources**: a `sources` cell holds `;`-separated ids from `sources.csv`, each optionally
  followed by a locator in brackets: `src-garver1988[p. 53]`. `sources.csv` ids are the BibTeX
  keys of `book/references.bib`. The same citations, one per row, are in `citations.csv` (table_name,
  row id, source id, locator, note), generated from the cells so that standard tools can check
  every citation as a foreign key; the cells are the source of truth.
- **Weak evidence**: in `aid_deliveries`, `personnel`, `air_war` and `credits`, `weak_evidence`
  is `true` where every source of the row is graded `reference`, `popular` or `unreliable` in
  `sources.csv`, so that no primary or scholarly work stands behind the figure. It is computed
  from the tiers (`python -m sinosoviet.data` rewrites it) and a test checks that it agrees.
- **Estimates**: `estimates.csv` holds the book's own value or range for each group of variant
  rows (`table_name` and `group_id`; for credits the id without its `-vN` suffix), with the rows it rests
  on in `basis` and the reasons in `reasoning`: which sources are preferred, by tier and by what
  they count, and why a variant is set aside. Where the variants cannot support a best value,
  `estimate_best` is empty and the reasoning says so; the estimate never averages silently.
- **Names**: `name` is the form used in the book; `name_pinyin`, `name_period` (Wade-Giles,
  postal or period press spelling) and `name_native` (Chinese characters, Cyrillic, Japanese)
  give the others; `aliases` holds further forms, `;`-separated. Places link to GeoNames
  (`geonames`, matched offline by name and position) and say what their coordinates stand for
  (`coord_precision`); `wikidata` (people and places) holds an id only where a Wikidata record
  was read.
"""


VERDICTS = """## Verdicts in the claims ledger

Every row of `claims.csv` gets its `verdict` from one rule. The rule judges the statement as the
article makes it against the versions of other sources recorded in `claim_variants.csv`, and is
applied in this order:

1. **`unresolved`**: no source other than the article (or a text that repeats the article's
   words) confirms or contradicts the statement, or the statement is an opinion that no source
   tests. Only this verdict may rest on the article alone; every other verdict has at least one
   variant from another source.
2. **`wrong`**: the sources show that the statement's main assertion is false: the event,
   relation or figure it is about did not happen, or not as stated (the second united front did
   not end in 1938; the volunteers were not idle in 1939).
3. **`partly_wrong`**: the main assertion is right, but the sources agree that a figure, date,
   name or description in it is mistaken: an event misdated, a treaty or government misnamed, a
   buyer or rank misidentified, a category mislabelled. The reasoning says what is right and what
   is wrong.
4. **`contested`**: the sources disagree with one another on the point (several figures for one
   quantity, several dates for one event), or the point is an interpretation that historians
   argue, and the article gives one version as settled. The reasoning names each side.
5. **`partly_supported`**: sources other than the article confirm the main assertion and none
   contradicts any part of it, but a figure, date, name or event that the statement asserts
   rests on the article alone. The reasoning says which part is confirmed and which is not.
6. **`supported`**: sources other than the article state the same thing, each of its figures,
   dates, names and events confirmed by at least one of them, and no source read contradicts it
   in a figure, date or name (a slip that a source corrects in its own text, or a date that
   belongs to a different step of the same event, is explained in the reasoning and does not
   count). A spelling, transliteration or translation of a name that still points to one person
   or place ("U Payfu" for Wu Peifu), or a later name for the same body or place (Ulan Bator for
   Urga), does not count against a statement; the reasoning records it, with any qualification
   of emphasis.

A statement whose reasoning calls it wrong, mistaken, garbled or in need of correcting is never
`supported`.

In `claim_variants.csv`, `accepted` marks the variants whose version the claim's reasoning accepts
as the best-supported reading, following the verdict: the seed variant and the variants that
agree with it for `supported`; never the seed variant, but the variants that confirm a part, for
`partly_supported`; never the seed variant, but the variants cited for the correct reading, for
`wrong` and `partly_wrong`; only the variants the reasoning prefers for `contested`
(none where it prefers none); none for `unresolved`. Where the reasoning does not say which
reading it prefers, every variant is `false`.

Claim ids run `cl-001` to `cl-059` and from `cl-101` on; the range `cl-060` to `cl-100` was never
used. New claims continue after the highest id.

## What counts as an event

`events.csv` is a chronology chosen to carry the book's narrative, not a complete or sampled
record of events, and it follows no written rule of completeness. A row is there because the
book's chapters needed it: an act of Soviet or Comintern policy towards China (a treaty, mission,
credit, delivery, directive or appointment), an act of the Chinese parties, of Japan or of other
powers that shaped that policy, or a wider event that the chapters give as context (the
Molotov–Ribbentrop Pact, the German invasion of the USSR). What every row has in common: it
starts between 1 January 1923 and 31 December 1941 and lies in its period; it is placed in time
at least to the year (with `date_precision`); it names at least one source; and it has one
category. Not every battle, agreement, mission or congress of those years is included, and the
seed article's statements are recorded in the claims ledger, not here. Counts of events per
year, category or place therefore describe the book's selection, not how often things happened.
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


def with_code(text: str) -> Markup:
    """Escaped text with its `backticked` spans as <code>."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text)))


def keys_text(schema: dict) -> list[str]:
    lines = [f"Primary key: `{schema['primaryKey']}`."]
    for fk in schema.get("foreignKeys", []):
        lines.append(f"Foreign key: `{fk['fields']}` → `{fk['reference']['resource']}.csv` `id`.")
    return lines


def field_rows(schema: dict) -> list[list[str]]:
    return [[f"`{f['name']}`", f.get("type", "string"), f["description"], constraint_text(f)] for f in schema["fields"]]


def table_section(res: dict) -> str:
    schema = res["schema"]
    lines = [f"## `{res['path']}`", "", res["description"], "", *keys_text(schema)]
    lines += ["", "| " + " | ".join(HEADERS) + " |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in field_rows(schema)]
    return "\n".join(lines)


def table_section_html(res: dict) -> str:
    schema = res["schema"]
    name = res["path"]
    anchor = "codebook-" + res["name"].replace("_", "-")
    rows = ([with_code(c) for c in row] for row in field_rows(schema))
    return (f'<h4 id="{anchor}"><code>{html.escape(name)}</code></h4><p>{with_code(res["description"])}</p>'
            f'<p>{"<br>".join(with_code(k) for k in keys_text(schema))}</p>'
            + html_table(HEADERS, rows, f"Columns of {name}"))


def codebook() -> str:
    pkg = data.package()
    licence = ", ".join(lic["name"] for lic in pkg.get("licenses", []))
    parts = [INTRO.format(version=pkg["version"], licence=licence) + USAGE.format(readers=readers_markdown()), VERDICTS.rstrip("\n")]
    parts += [table_section(res) for res in pkg["resources"]]
    return "\n\n".join(parts) + "\n"


def usage_markdown() -> str:
    """Version, licence and the conventions of all tables, as on data/README.md."""
    pkg = data.package()
    licence = ", ".join(lic["name"] for lic in pkg.get("licenses", []))
    return f"Data package version {pkg['version']}. Data licence: {licence}.\n\n" + USAGE.format(readers=readers_markdown()).replace("### ", "#### ") + "\n" + re.sub(r"(?m)^## ", "### ", VERDICTS)


def codebook_tables_html() -> str:
    """Every table's columns, as on data/README.md, for the book's data page."""
    resources = data.package()["resources"]
    links = " · ".join(f'<a href="#codebook-{r["name"].replace("_", "-")}"><code>{html.escape(r["path"])}</code></a>'
                       for r in resources)
    return f'<nav aria-label="Tables of the codebook"><p>{links}</p></nav>' + "".join(map(table_section_html, resources))


if __name__ == "__main__":
    print(codebook(), end="")
