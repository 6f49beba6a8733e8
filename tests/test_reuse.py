"""Datasets researchers can take anywhere: every table reads typed in one line with the tools the
codebook shows (each line run here, for every table), column names that need no quoting in SQL and
fit Stata, and no column left to type guessing."""
from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re

import pandas as pd
import pytest

from sinosoviet import codebook, data

TABLES = data.table_names()

# Words that may not be used unquoted as a column name. DuckDB's reserved keywords (its
# duckdb_keywords() with category 'reserved'), plus words reserved in PostgreSQL, MySQL 8, SQLite
# or SQL Server that look like plausible column names. Not every keyword of every engine: only the
# reserved ones, which a query would have to quote.
SQL_RESERVED = set("""
all analyse analyze and any array as asc asymmetric both case cast check collate column constraint
create default deferrable desc describe distinct do else end except false fetch for foreign from
group having in initially intersect into lambda lateral leading limit not null offset on only or
order pivot pivot_longer pivot_wider placing primary qualify references returning select show some
summarize symmetric table then to trailing true union unique unpivot using variadic when where
window with
add alter between by cascade change condition cross current current_date current_time
current_timestamp current_user database delete div drop each exists explain full function grant
index inner insert interval is join key keys left like match natural outer over partition
percent range rank read release rename replace require restrict revoke right row rows schema set
trigger update usage user values view while
""".split())


def kind_of(value_type) -> str:
    """The descriptor type that a column type of pandas, DuckDB or polars stands for."""
    text = str(value_type).lower()
    if isinstance(value_type, pd.CategoricalDtype):
        return "string" if all(isinstance(c, str) for c in value_type.categories) else "category"
    if re.match(r"^(u?int|bigint|integer)\d*", text):
        return "integer"
    if re.match(r"^(float|double)\d*", text):
        return "number"
    if text in ("bool", "boolean"):
        return "boolean"
    if text.startswith(("datetime64", "date")):
        return "date"
    if text in ("string", "str", "object", "varchar") or text.startswith("string"):
        return "string"
    return text


def descriptor_types(name: str) -> dict[str, str]:
    return {f["name"]: f.get("type", "string") for f in data.resource(name)["schema"]["fields"]}


def run_reader(module: str, code: str, name: str, monkeypatch) -> tuple[dict[str, str], dict[str, int]]:
    """Run one reader's line from the codebook on table `name`: the column types it gives, and
    the number of missing values in each column."""
    monkeypatch.chdir(data.DATA_DIR)
    scope: dict = {}
    exec(codebook.PREAMBLE.replace('"people"', f'"{name}"'), scope)
    exec(code.replace('"people', f'"{name}'), scope)
    if module == "duckdb":
        frame = scope["rel"].fetchdf()
        rel = scope["rel"]
        return dict(zip(rel.columns, map(kind_of, rel.types))), frame.isna().sum().to_dict()
    frame = scope["df"]
    if module == "polars":
        return {c: kind_of(t) for c, t in frame.schema.items()}, dict(zip(frame.columns, frame.null_count().row(0)))
    return {c: kind_of(t) for c, t in frame.dtypes.items()}, frame.isna().sum().to_dict()


PYTHON_READERS = [(label, module, code) for label, language, module, code in codebook.READERS if language == "python"]


@pytest.mark.parametrize("name", TABLES)
@pytest.mark.parametrize("label,module,code", PYTHON_READERS, ids=[r[0] for r in PYTHON_READERS])
def test_codebook_reader_types_every_column(label, module, code, name, monkeypatch):
    if module != "sinosoviet" and importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed")
    types, missing = run_reader(module, code, name, monkeypatch)
    assert types == descriptor_types(name)
    if module in ("pandas", "duckdb", "polars"):
        text = [c for c, kind in types.items() if kind == "string"]
        assert {c: missing[c] for c in text if missing[c]} == {}, "empty text must read as an empty string"


def test_codebook_shows_every_reader():
    text = codebook.codebook()
    for label, _language, _module, code in codebook.READERS:
        assert code in text, f"the codebook does not show the {label} line"
    for tool in ("pandas", "frictionless", "DuckDB", "polars", "readr"):
        assert any(tool in label for label, *_ in codebook.READERS), tool


@pytest.mark.parametrize("name", TABLES)
def test_load_is_typed(name):
    """load(): integers nullable Int64, numbers Float64, dates datetime64, text with "" for an empty
    cell (never NaN), id a column, columns in the descriptor's order."""
    frame = data.load(name)
    fields = data.resource(name)["schema"]["fields"]
    assert list(frame.columns) == [f["name"] for f in fields]
    assert "id" in frame.columns and frame.index.equals(pd.RangeIndex(len(frame)))
    for field in fields:
        column, kind = frame[field["name"]], field.get("type", "string")
        if kind == "integer":
            assert str(column.dtype) == "Int64", field["name"]
        elif kind == "number":
            assert str(column.dtype) == "Float64", field["name"]
        elif kind == "date":
            assert str(column.dtype).startswith("datetime64"), field["name"]
        elif kind == "boolean":
            assert str(column.dtype) == "boolean", field["name"]
        elif "enum" in field.get("constraints", {}):
            assert list(column.cat.categories) == field["constraints"]["enum"], field["name"]
        else:
            assert str(column.dtype) == "string" and not column.isna().any(), field["name"]


def test_load_keeps_values_verbatim():
    """The typed frame says what the CSV says: text as written, numbers and dates parsed."""
    raw = pd.read_csv(data.DATA_DIR / "credits.csv", dtype=str, keep_default_na=False)
    typed = data.load("credits")
    assert typed["note"].tolist() == raw["note"].tolist()
    assert typed["date_signed"].iloc[0].date() == dt.date.fromisoformat(raw["date_signed"].iloc[0])
    assert typed["amount_usd_high"].isna().all() == (raw["amount_usd_high"] == "").all()


@pytest.mark.parametrize("name", TABLES)
def test_column_names_travel(name):
    """No SQL reserved word, at most 32 characters (Stata), lower-case ASCII snake case."""
    for field in data.resource(name)["schema"]["fields"]:
        column = field["name"]
        assert column.lower() not in SQL_RESERVED, f"{name}.{column} is an SQL reserved word"
        assert len(column) <= 32, f"{name}.{column} is longer than Stata's 32 characters"
        assert re.fullmatch(r"[a-z][a-z0-9_]*", column), f"{name}.{column} is not lower-case snake case"


@pytest.mark.parametrize("name", TABLES)
def test_every_column_has_an_explicit_type(name):
    """Columns always empty (and all others) carry a type in the descriptor, not a guess."""
    for field in data.resource(name)["schema"]["fields"]:
        assert field.get("type") in ("string", "integer", "number", "date", "boolean"), f"{name}.{field['name']}"


def test_load_all_is_quick():
    """Typed and validated, every table, well under a second (a generous bound for slow machines)."""
    import time

    start = time.perf_counter()
    tables = data.load_all()
    assert len(tables) == len(TABLES)
    assert time.perf_counter() - start < 5


# --- answers without unwritten rules --------------------------------------------------------

@pytest.mark.parametrize("name", TABLES)
def test_every_table_has_a_status(name):
    field = next(f for f in data.resource(name)["schema"]["fields"] if f["name"] == "status")
    assert field["constraints"]["enum"] == ["active", "withdrawn"] and field["constraints"]["required"]
    assert set(data.load(name)["status"].astype(str)) <= {"active", "withdrawn"}


@pytest.mark.parametrize("name", ["aid_deliveries", "personnel"])
def test_figures_say_what_they_count_and_when(name):
    frame = data.load(name)
    assert frame["scope"].notna().all()
    both = frame[frame.period_start.notna() & frame.period_end.notna()]
    assert (both.period_start <= both.period_end).all()
    dated = both[both.year.notna()]
    outside = dated[(dated.year < dated.period_start) | (dated.year > dated.period_end)]
    assert outside.empty, outside[["id", "year", "period_start", "period_end"]].to_string()
    # a group whose id names a span of years, and a row that says it is a total over one,
    # cover that span
    for row in frame.itertuples():
        span = re.search(r"(19\d\d)-(19\d\d)$", row.group_id)
        if span and row.note.startswith(f"{span[1]}–{span[2]} total"):
            assert (row.period_start, row.period_end) == (int(span[1]), int(span[2])), row.id
            assert row.scope == "cumulative", row.id


def test_codebook_states_what_counts_as_an_event_and_the_unused_claim_ids():
    text = codebook.codebook()
    assert "## What counts as an event" in text
    assert "`cl-060` to `cl-100` was never\nused" in text


def test_the_codebooks_first_question_is_answered_in_one_query_per_tool(monkeypatch):
    monkeypatch.chdir(data.DATA_DIR)
    aid = data.load("aid_deliveries")
    expected = set(aid[aid.group_id == "aircraft-total-1937-1941"].id)
    scope: dict = {}
    exec(codebook.ANSWER_PANDAS, scope)
    answer = scope["answer"]
    assert set(answer.id_x) == expected and len(answer) == len(expected)
    estimate = data.load("estimates").query("group_id == 'aircraft-total-1937-1941'").iloc[0]
    assert set(answer.estimate_low) == {estimate.estimate_low}
    import duckdb  # pinned in requirements.txt
    rows = duckdb.sql(codebook.ANSWER_SQL).fetchall()
    assert {r[0] for r in rows} == expected and {r[5] for r in rows} == {estimate.estimate_low}
    assert codebook.ANSWER_PANDAS in (data.DATA_DIR / "README.md").read_text(encoding="utf-8")
