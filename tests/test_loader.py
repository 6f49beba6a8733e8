"""`sinosoviet.data.load` on corrupted copies of the real data: every fault is a DataError that
names the file, the line, the column, the value and the rule; good data is kept verbatim."""
from __future__ import annotations

import csv
import io
import shutil

import pytest

from sinosoviet import data
from sinosoviet.data import DataError
from sinosoviet.render import data_table, html_table


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, target)
    return target


def rows_of(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path, rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cell(path, row, column, value):
    """Set one cell (row 1 = first data row, on file line 2); return the file line."""
    rows = rows_of(path)
    rows[row][rows[0].index(column)] = value
    write_rows(path, rows)
    return row + 1


def first_row_with(path, column):
    rows = rows_of(path)
    index = rows[0].index(column)
    return next(i for i, r in enumerate(rows[1:], start=1) if r[index])


def edit_columns(path, edit):
    rows = rows_of(path)
    write_rows(path, [edit(r) for r in rows])


def raises(data_dir, table, rule, line=None, column=None, value=None):
    with pytest.raises(DataError) as info:
        data.load(table, data_dir)
    err = info.value
    assert rule in err.rule, f"expected rule {rule!r}, got {err}"
    assert err.file.name == f"{table}.csv" and f"{table}.csv" in str(err)
    if line is not None:
        assert err.line == line and f"line {line}" in str(err)
    if column is not None:
        assert err.column == column and repr(column) in str(err)
    if value is not None:
        assert err.value == value
    return err


# --- the shape of the file ---------------------------------------------------------------

def test_missing_column(data_dir):
    edit_columns(data_dir / "events.csv", lambda r: r[:4] + r[5:])
    raises(data_dir, "events", "missing ['title']", line=1)


def test_extra_column(data_dir):
    edit_columns(data_dir / "events.csv", lambda r: r + ["x"])
    raises(data_dir, "events", "unexpected ['x']", line=1)


def test_renamed_column(data_dir):
    edit_columns(data_dir / "people.csv", lambda r: ["full_name" if c == "name" and r[0] == "id" else c for c in r])
    raises(data_dir, "people", "missing ['name'], unexpected ['full_name']", line=1)


def test_columns_out_of_order(data_dir):
    edit_columns(data_dir / "places.csv", lambda r: [r[1], r[0], *r[2:]])
    raises(data_dir, "places", "out of order", line=1)


def test_empty_file(data_dir):
    (data_dir / "credits.csv").write_text("", encoding="utf-8")
    raises(data_dir, "credits", "file is empty")


def test_header_only(data_dir):
    path = data_dir / "credits.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    raises(data_dir, "credits", "header but no rows", line=1)


def test_byte_order_mark(data_dir):
    path = data_dir / "periods.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    raises(data_dir, "periods", "byte-order mark", line=1)


def test_crlf_line_ends(data_dir):
    path = data_dir / "periods.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    raises(data_dir, "periods", "line ends", line=1)


def test_bytes_not_utf8(data_dir):
    path = data_dir / "periods.csv"
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"Rupture", b"Rupt\xe9re") if b"Rupture" in lines[3] else lines[3] + b"\xff"
    path.write_bytes(b"\n".join(lines))
    raises(data_dir, "periods", "not UTF-8", line=4)


def test_unbalanced_quote(data_dir):
    path = data_dir / "periods.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'pd-x,"7,broken\n', encoding="utf-8")
    raises(data_dir, "periods", "malformed CSV")


def test_short_row(data_dir):
    path = data_dir / "periods.csv"
    path.write_text(path.read_text(encoding="utf-8") + "pd-1942-1945,7\n", encoding="utf-8")
    raises(data_dir, "periods", "row has 2 cells", line=8)


# --- values --------------------------------------------------------------------------------

# Faults in one cell, reported with that cell's line, column and value: table, data row, column,
# planted value, rule.
ONE_CELL_FAULTS = [
    ("events", 1, "date_start", "1923-1-26", "not an ISO date"),  # malformed_date
    ("events", 2, "date_end", "1923-02-30", "not a real calendar date"),  # impossible_date
    ("events", 2, "date_end", "2023-02-03", "above maximum"),  # date_outside_range
    ("places", 1, "id", "PL-Canton", "does not match pattern"),  # id_pattern
    ("personnel", 1, "count_best", "-5", "below minimum 0"),  # negative_count
    ("people", 1, "born", "18x6", "not an integer"),  # not_an_integer
    ("places", 1, "lat", "95.0", "above maximum 90"),  # latitude_out_of_range
    ("events", 1, "category", "espionage", "not one of"),  # value_outside_enum
    ("events", 1, "title", "", "required value is empty"),  # required_value_empty
    ("people", 1, "role", "adviser ", "leading or trailing whitespace"),  # stray_whitespace_in_text
]


@pytest.mark.parametrize("table,row,column,value,rule", ONE_CELL_FAULTS, ids=[f[4] for f in ONE_CELL_FAULTS])
def test_one_bad_cell(data_dir, table, row, column, value, rule):
    line = set_cell(data_dir / f"{table}.csv", row, column, value)
    raises(data_dir, table, rule, line, column, value)


def test_start_after_end(data_dir):
    path = data_dir / "events.csv"
    set_cell(path, 3, "date_precision", "day")
    set_cell(path, 3, "date_start", "1941-12-31")
    raises(data_dir, "events", "date_start is after date_end", 4, "date_start")


def test_month_precision_needs_whole_month(data_dir):
    path = data_dir / "events.csv"
    set_cell(path, 1, "date_start", "1923-01-26")
    set_cell(path, 1, "date_end", "1923-03-10")
    line = set_cell(path, 1, "date_precision", "month")
    raises(data_dir, "events", "month precision needs", line, "date_precision", "month")


def test_season_precision_at_most_four_months(data_dir):
    path = data_dir / "events.csv"
    set_cell(path, 1, "date_start", "1923-01-01")
    set_cell(path, 1, "date_end", "1923-06-30")
    line = set_cell(path, 1, "date_precision", "season")
    raises(data_dir, "events", "season precision spans", line, "date_precision", "season")


def test_year_precision_needs_whole_year(data_dir):
    path = data_dir / "events.csv"
    set_cell(path, 1, "date_start", "1923-06-01")
    set_cell(path, 1, "date_end", "1924-03-31")
    line = set_cell(path, 1, "date_precision", "year")
    raises(data_dir, "events", "year precision needs", line, "date_precision", "year")


def row_of(path, row_id):
    """The data row number (1 = first data row) of the row with this id."""
    return next(i for i, r in enumerate(rows_of(path)[1:], start=1) if r[0] == row_id)


# --- people: served_from / served_to / served_precision ----------------------------------

def test_served_from_after_served_to(data_dir):
    path = data_dir / "people.csv"
    row = row_of(path, "pe-joffe")
    line = set_cell(path, row, "served_from", "1925-01-01")
    raises(data_dir, "people", "served_from is after served_to", line, "served_from", "1925-01-01")


@pytest.mark.parametrize("column", ["served_from", "served_to"])
def test_served_dates_both_or_neither(data_dir, column):
    path = data_dir / "people.csv"
    line = set_cell(path, row_of(path, "pe-joffe"), column, "")
    raises(data_dir, "people", "served_from and served_to are both given or both empty", line, column, "")


@pytest.mark.parametrize("person,value,rule", [
    ("pe-stalin", "year", "served_precision is given but"),
    ("pe-joffe", "", "served_precision is empty but"),
    ("pe-joffe", "decade", "not one of"),
])
def test_served_precision_goes_with_the_dates(data_dir, person, value, rule):
    path = data_dir / "people.csv"
    line = set_cell(path, row_of(path, person), "served_precision", value)
    raises(data_dir, "people", rule, line, "served_precision", value)


@pytest.mark.parametrize("start,end,precision,rule", [
    ("1922-03-01", "1924-12-31", "year", "year served_precision needs"),
    ("1923-09-15", "1926-08-31", "month", "month served_precision needs"),
    ("1923-09-01", "1924-08-31", "season", "season served_precision spans"),
])
def test_served_dates_agree_with_precision(data_dir, start, end, precision, rule):
    path = data_dir / "people.csv"
    row = row_of(path, "pe-karakhan")
    set_cell(path, row, "served_from", start)
    set_cell(path, row, "served_to", end)
    line = set_cell(path, row, "served_precision", precision)
    raises(data_dir, "people", rule, line, "served_precision", precision)


def test_duplicate_id(data_dir):
    path = data_dir / "people.csv"
    first = rows_of(path)[1][0]
    line = set_cell(path, 2, "id", first)
    raises(data_dir, "people", "duplicate primary key (first on line 2)", line, "id", first)


def test_dangling_foreign_key(data_dir):
    path = data_dir / "events.csv"
    line = set_cell(path, first_row_with(path, "place_id"), "place_id", "pl-atlantis")
    raises(data_dir, "events", "foreign key: not an id in places.csv", line, "place_id", "pl-atlantis")


def test_dangling_person_in_list(data_dir):
    path = data_dir / "events.csv"
    line = set_cell(path, 1, "people", "pe-sun-yatsen;pe-nobody")
    raises(data_dir, "events", "'pe-nobody' is not an id in people.csv", line, "people", "pe-nobody")


def test_dangling_source(data_dir):
    line = set_cell(data_dir / "people.csv", 1, "sources", "src-garver1988;src-no-such-book[p. 1]")
    raises(data_dir, "people", "'src-no-such-book' is not an id in sources.csv", line, "sources", "src-no-such-book[p. 1]")


def test_malformed_locator(data_dir):
    line = set_cell(data_dir / "people.csv", 1, "sources", "src-garver1988[p. 53")
    raises(data_dir, "people", "source reference must be src-id or src-id[locator]", line, "sources", "src-garver1988[p. 53")


def test_low_above_high(data_dir):
    path = data_dir / "aid_deliveries.csv"
    set_cell(path, 1, "quantity_best", "")
    set_cell(path, 1, "quantity_low", "900")
    line = set_cell(path, 1, "quantity_high", "800")
    raises(data_dir, "aid_deliveries", "quantity_low > quantity_high", line, "quantity_high", "800")


def test_best_above_high(data_dir):
    path = data_dir / "personnel.csv"
    set_cell(path, 1, "count_low", "")
    set_cell(path, 1, "count_best", "300")
    line = set_cell(path, 1, "count_high", "200")
    raises(data_dir, "personnel", "count_best > count_high", line, "count_high", "200")


def test_stray_whitespace(data_dir):
    path = data_dir / "events.csv"
    line = set_cell(path, first_row_with(path, "place_id"), "place_id", " pl-shanghai")
    raises(data_dir, "events", "leading or trailing whitespace", line, "place_id", " pl-shanghai")


# --- good data is kept verbatim -------------------------------------------------------------

def test_quoted_commas_and_newlines_kept(data_dir):
    text = 'He said, "no";\nthen left, at once.'
    set_cell(data_dir / "events.csv", 1, "description", text)
    events = data.load("events", data_dir)
    assert events.loc[0, "description"] == text


def test_html_kept_as_data_and_escaped_on_display(data_dir):
    text = '<script>alert("x")</script> <b>bold</b>'
    set_cell(data_dir / "events.csv", 1, "title", text)
    events = data.load("events", data_dir)
    assert events.loc[0, "title"] == text
    shown = data_table({"datasets": {"d": [{"title": text}]}})
    assert "<script>" not in shown and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown


def test_types(data_dir):
    events = data.load("events", data_dir)
    assert str(events["date_start"].dtype).startswith("datetime64")
    assert str(events["category"].dtype) == "category"
    assert str(data.load("people", data_dir)["born"].dtype) == "Int64"
    assert str(data.load("places", data_dir)["lat"].dtype) == "Float64"


def test_unknown_table():
    with pytest.raises(KeyError, match="no table 'nope'"):
        data.load("nope")


# --- who cites which source -----------------------------------------------------------------

def test_source_citations_count_rows_not_mentions(data_dir):
    # every event names src-garver1988 twice, with two locators: each row counts once
    column = rows_of(data_dir / "events.csv")[0].index("sources")
    edit_columns(data_dir / "events.csv",
                 lambda r: r if r[column] == "sources" else [*r[:column], "src-garver1988[p. 1];src-garver1988[p. 2]", *r[column + 1:]])
    tables = data.load_all(data_dir)
    cited = data.source_citations(tables, data_dir)
    events = cited[cited.table == "events"]
    assert events.to_dict("records") == [{"source_id": "src-garver1988", "table": "events", "rows": len(tables["events"])}]
    # claim variants cite through a foreign key, not a list
    variants = cited[cited.table == "claim_variants"]
    assert variants.rows.sum() == len(tables["claim_variants"])


def test_markup_cells_are_kept_and_text_cells_escaped():
    from markupsafe import Markup

    link = Markup('<a href="{}">{}</a>').format('https://example.org/?a=1&b="2"', "<x>")
    shown = html_table(["Text", "Link"], [["<b>&", link]], row_ids=['src-"a"'])
    assert "<td>&lt;b&gt;&amp;</td>" in shown
    assert '<a href="https://example.org/?a=1&amp;b=&#34;2&#34;">&lt;x&gt;</a>' in shown
    assert '<tr id="src-&quot;a&quot;">' in shown
