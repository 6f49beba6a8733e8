"""Load and validate the project's CSV tables against data/datapackage.json.

`load(name)` returns a typed DataFrame or raises `DataError` naming file, line, column, value and
rule. Nothing is dropped, coerced or trimmed: a value that does not fit its field is an error.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import functools
import io
import json
import re
from importlib import resources
from pathlib import Path

import pandas as pd



def _data_dir() -> Path:
    """The data package: shipped inside an installed package as `_data`; in a clone (and an
    editable install) it is the repository's `data/`."""
    packaged = Path(str(resources.files(__package__).joinpath("_data")))
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "data"


DATA_DIR = _data_dir()
SOURCE_REF = re.compile(r"^(?P<id>src-[a-z0-9][a-z0-9-]*)(?:\[(?P<locator>[^\[\]]+)\])?$")
TRIPLET = re.compile(r"^(?P<stem>.+)_(low|best|high)$")


class DataError(ValueError):
    """A table breaks a rule of the data package; the message names where and which rule."""

    def __init__(self, file, rule, line=None, column=None, value=None):
        self.file, self.rule, self.line, self.column, self.value = file, rule, line, column, value
        where = str(file) + (f", line {line}" if line is not None else "")
        what = (f", column {column!r}" if column else "") + (f", value {value!r}" if value is not None else "")
        super().__init__(f"{where}{what}: {rule}")


@functools.lru_cache(maxsize=8)
def _package(data_dir: Path) -> dict:
    return json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))


def package(data_dir: Path | str = DATA_DIR) -> dict:
    """The data package descriptor (a fresh copy, safe to modify)."""
    return json.loads(json.dumps(_package(Path(data_dir))))


def resource(name: str, data_dir: Path | str = DATA_DIR) -> dict:
    for res in _package(Path(data_dir))["resources"]:
        if res["name"] == name:
            return res
    names = [r["name"] for r in _package(Path(data_dir))["resources"]]
    raise KeyError(f"no table {name!r} in datapackage.json; tables: {', '.join(names)}")


def table_names(data_dir: Path | str = DATA_DIR) -> list[str]:
    return [r["name"] for r in _package(Path(data_dir))["resources"]]


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) of each record, after checking the file's encoding and form."""
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(path, "file is empty (expected a header row)")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError(path, "file starts with a UTF-8 byte-order mark; save it without one", line=1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(path, f"bytes are not UTF-8 ({err.reason})", line=line,
                        value=raw[err.start:err.end + 8].decode("latin-1")) from None
    if "\r" in text:
        raise DataError(path, "line ends must be \\n, found \\r (CRLF or CR)", line=text[: text.index("\r")].count("\n") + 1)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        rows = []
        start = reader.line_num + 1
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as err:
        raise DataError(path, f"malformed CSV ({err})", line=reader.line_num) from None
    return header, rows


def check_header(path: Path, header: list[str], fields: list[dict]) -> None:
    expected = [f["name"] for f in fields]
    if header == expected:
        return
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if missing or extra:
        raise DataError(path, f"header does not match the schema: missing {missing}, unexpected {extra}", line=1)
    raise DataError(path, f"columns are out of order; expected {expected}", line=1)


def parse_value(text: str, field: dict):
    """The typed value of one cell, or raise ValueError saying which rule it breaks."""
    kind = field.get("type", "string")
    if kind == "string":
        return text
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError("not an integer")
        return int(text)
    if kind == "number":
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise ValueError("not a number")
        return float(text)
    if kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError("not an ISO date YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError("not a real calendar date") from None
    if kind == "boolean":
        if text not in ("true", "false"):
            raise ValueError("not a boolean (true/false)")
        return text == "true"
    raise ValueError(f"unsupported field type {kind!r}")


def check_cell(path: Path, line: int, field: dict, text: str):
    name, cons = field["name"], field.get("constraints", {})
    if text == "":
        if cons.get("required"):
            raise DataError(path, "required value is empty", line, name, text)
        return None
    if text != text.strip():
        raise DataError(path, "leading or trailing whitespace", line, name, text)
    try:
        value = parse_value(text, field)
    except ValueError as err:
        raise DataError(path, f"{err} (type {field.get('type', 'string')})", line, name, text) from None
    if "enum" in cons and text not in cons["enum"]:
        raise DataError(path, f"not one of {cons['enum']}", line, name, text)
    if "pattern" in cons and not re.fullmatch(cons["pattern"], text):
        raise DataError(path, f"does not match pattern {cons['pattern']}", line, name, text)
    if "minimum" in cons and value < _bound(cons["minimum"], field):
        raise DataError(path, f"below minimum {cons['minimum']}", line, name, text)
    if "maximum" in cons and value > _bound(cons["maximum"], field):
        raise DataError(path, f"above maximum {cons['maximum']}", line, name, text)
    return value


def _bound(bound, field):
    return dt.date.fromisoformat(bound) if field.get("type") == "date" else bound


def check_rows(path: Path, fields: list[dict], rows) -> list[dict]:
    records = []
    for line, cells in rows:
        if len(cells) != len(fields):
            raise DataError(path, f"row has {len(cells)} cells, the header has {len(fields)}", line)
        records.append({f["name"]: check_cell(path, line, f, c) for f, c in zip(fields, cells)})
    return records


def check_primary_key(path: Path, key: str, rows, records) -> None:
    seen = {}
    for (line, _), rec in zip(rows, records):
        if rec[key] in seen:
            raise DataError(path, f"duplicate primary key (first on line {seen[rec[key]]})", line, key, rec[key])
        seen[rec[key]] = line


def check_ranges(path: Path, fields: list[dict], rows, records) -> None:
    """low <= best <= high for every <q>_low/_best/_high triplet; counts are never negative."""
    names = [f["name"] for f in fields]
    stems = sorted({m["stem"] for n in names if (m := TRIPLET.match(n))})
    for (line, _), rec in zip(rows, records):
        for stem in stems:
            values = [(s, rec.get(f"{stem}_{s}")) for s in ("low", "best", "high")]
            known = [(s, v) for s, v in values if v is not None]
            for (s1, v1), (s2, v2) in zip(known, known[1:]):
                if v1 > v2:
                    raise DataError(path, f"{stem}_{s1} > {stem}_{s2} ({v1} > {v2}); expected low <= best <= high",
                                    line, f"{stem}_{s2}", str(v2))


# Date windows: (earliest, latest, precision) columns; a table may have any of them.
DATE_WINDOWS = [("date_start", "date_end", "date_precision"),
                ("served_from", "served_to", "served_precision")]


def check_dates(path: Path, rows, records) -> None:
    """For each date window (date_start/date_end/date_precision in events and periods,
    served_from/served_to/served_precision in people): both dates or neither, the precision
    (where the table has that column) present if and only if the dates are, start <= end, and
    both agree with the precision."""
    for first, last, exact in DATE_WINDOWS:
        if not records or first not in records[0] or last not in records[0]:
            continue
        for (line, _), rec in zip(rows, records):
            start, end, precision = rec.get(first), rec.get(last), rec.get(exact)
            if (start is None) != (end is None):
                column = last if end is None else first
                raise DataError(path, f"{first} and {last} are both given or both empty", line, column, "")
            if start is None:
                if precision is not None and exact in rec:
                    raise DataError(path, f"{exact} is given but {first} and {last} are empty", line, exact, precision)
                continue
            if start > end:
                raise DataError(path, f"{first} is after {last}", line, first, start.isoformat())
            if precision is None and exact in rec:
                raise DataError(path, f"{exact} is empty but {first} and {last} are given", line, exact, "")
            rule = precision_rule(start, end, precision)
            if rule:
                raise DataError(path, rule.replace("precision", exact, 1) if exact != "date_precision" else rule,
                                line, exact, precision)


def precision_rule(start: dt.date, end: dt.date, precision: str | None) -> str | None:
    """The broken rule, if the window from start to end does not fit the stated precision.

    The window is where the event may lie: within one calendar month (or whole months) for
    `month`, at most four calendar months for `season`, within one calendar year (or whole
    years) for `year`; `day` means both bounds are known to the day."""
    months = (end.year * 12 + end.month) - (start.year * 12 + start.month)
    whole_months = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if precision == "month" and months > 0 and not whole_months:
        return "month precision needs both dates in one month, or whole months (a 1st to a month's last day)"
    if precision == "season" and months > 3:
        return "season precision spans at most four calendar months"
    if precision == "year" and end.year != start.year and (start.month, start.day, end.month, end.day) != (1, 1, 12, 31):
        return "year precision needs both dates in one year, or whole years (1 January to 31 December)"
    return None


def split_list(value: str | None, separator: str = ";") -> list[str]:
    return [] if not value else value.split(separator)


def author_year(source) -> str:
    """How a reader sees a source in running text: "Garver 1988", "Whiting and Shih 1958",
    "Li et al. 2005"; a work with no author by its title ("“Hailar District”"). `source` is a row
    of the sources table (a mapping or a namedtuple-like row)."""
    def get(key: str) -> str:
        value = source.get(key) if hasattr(source, "get") else getattr(source, key)
        return "" if value is None or pd.isna(value) else str(value)

    surnames = [name.split(",")[0].strip() for name in split_list(get("author"), "; ")]
    if len(surnames) > 2:
        who = f"{surnames[0]} et al."
    elif surnames:
        who = " and ".join(surnames)
    else:
        words = get("title").replace("[", "").replace("]", "").split()
        who = "“" + " ".join(words[:6]) + ("…" if len(words) > 6 else "") + "”"
    return f"{who} {get('year')}".strip()


def source_refs(cell: str | None) -> list[tuple[str, str]]:
    """A validated `sources` cell as (id, locator) pairs, the locator '' where none is given."""
    return [(m["id"], m["locator"] or "") for m in map(SOURCE_REF.match, split_list(cell))]


def check_lists(path: Path, fields: list[dict], rows, records, data_dir: Path) -> None:
    """Fields holding ;-separated ids (people, sources) must name existing rows."""
    for field in fields:
        ref = field.get("sinosoviet:listOf")
        if not ref:
            continue
        known = _ids(ref, data_dir)
        for (line, _), rec in zip(rows, records):
            for item in split_list(rec[field["name"]]):
                key = item
                if ref == "sources":
                    match = SOURCE_REF.match(item)
                    if not match:
                        raise DataError(path, "source reference must be src-id or src-id[locator]", line, field["name"], item)
                    key = match["id"]
                if key not in known:
                    raise DataError(path, f"{key!r} is not an id in {ref}.csv", line, field["name"], item)


def check_foreign_keys(path: Path, res: dict, rows, records, data_dir: Path) -> None:
    for fk in res["schema"].get("foreignKeys", []):
        column, target = fk["fields"], fk["reference"]["resource"] or res["name"]
        known = {r[column] for r in records} if target == res["name"] else _ids(target, data_dir)
        for (line, _), rec in zip(rows, records):
            if rec[column] is not None and rec[column] not in known:
                raise DataError(path, f"foreign key: not an id in {target}.csv", line, column, rec[column])


@functools.lru_cache(maxsize=64)
def _ids_cached(name: str, data_dir: Path, mtime: float) -> frozenset:
    return frozenset(load(name, data_dir)["id"])


def _ids(name: str, data_dir: Path) -> frozenset:
    path = data_dir / resource(name, data_dir)["path"]
    return _ids_cached(name, data_dir, path.stat().st_mtime)


def check_table(name: str, data_dir: Path) -> tuple[list[dict], list[dict]]:
    res = resource(name, data_dir)
    path = data_dir / res["path"]
    fields = res["schema"]["fields"]
    header, rows = read_rows(path)
    check_header(path, header, fields)
    if not rows:
        raise DataError(path, "table has a header but no rows", 1)
    records = check_rows(path, fields, rows)
    check_primary_key(path, res["schema"]["primaryKey"], rows, records)
    check_ranges(path, fields, rows, records)
    check_dates(path, rows, records)
    check_foreign_keys(path, res, rows, records, data_dir)
    check_lists(path, fields, rows, records, data_dir)
    return fields, records


PANDAS_TYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}


def to_frame(fields: list[dict], records: list[dict]) -> pd.DataFrame:
    """Columns typed from the descriptor: integers as nullable Int64, numbers as Float64, dates as
    datetime64 (NaT where empty), a column with an enum as a Categorical in the enum's order (an
    empty cell is missing there, since "" is not an allowed value), other text as string with
    empty cells as "" (never NaN), like `pandas.read_csv(..., keep_default_na=False)`."""
    frame = pd.DataFrame.from_records(records, columns=[f["name"] for f in fields])
    for field in fields:
        name, kind = field["name"], field.get("type", "string")
        enum = field.get("constraints", {}).get("enum")
        if kind == "date":
            frame[name] = pd.to_datetime(frame[name])
        elif enum:
            frame[name] = pd.Categorical(frame[name], categories=enum)
        elif kind == "string":
            frame[name] = frame[name].fillna("").astype("string")
        else:
            frame[name] = frame[name].astype(PANDAS_TYPES[kind])
    return frame


def load(name: str, data_dir: Path | str = DATA_DIR) -> pd.DataFrame:
    """The table `name` as a typed DataFrame, validated against the data package."""
    data_dir = Path(data_dir)
    fields, records = check_table(name, data_dir)
    return to_frame(fields, records)


def active(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows still in force: a withdrawn row stays in its table as a record (its id is never reused),
    but it is not evidence, so counts, charts and pages leave it out."""
    return frame[frame["status"] == "active"] if "status" in frame else frame


def load_all(data_dir: Path | str = DATA_DIR) -> dict[str, pd.DataFrame]:
    return {name: load(name, data_dir) for name in table_names(data_dir)}


def source_fields(data_dir: Path | str = DATA_DIR) -> dict[str, list[str]]:
    """For each table, the columns that cite sources: ;-separated source lists and foreign keys."""
    found = {}
    for res in _package(Path(data_dir))["resources"]:
        if res["name"] == "citations":  # derived from the cells counted here
            continue
        listed = [f["name"] for f in res["schema"]["fields"] if f.get("sinosoviet:listOf") == "sources"]
        keyed = [fk["fields"] for fk in res["schema"].get("foreignKeys", []) if fk["reference"]["resource"] == "sources"]
        if listed or keyed:
            found[res["name"]] = listed + keyed
    return found


def source_citations(tables: dict[str, pd.DataFrame], data_dir: Path | str = DATA_DIR) -> pd.DataFrame:
    """How many rows of each table cite each source (a row citing a source twice counts once):
    columns source_id, table, rows."""
    counts = []
    for name, columns in source_fields(data_dir).items():
        cited = tables[name][columns].apply(
            lambda row: {source_id for value in row.dropna() for source_id, _ in source_refs(value)}, axis=1)
        counts.append(cited.explode().dropna().value_counts().rename_axis("source_id").reset_index(name="rows")
                      .assign(table=name))
    return pd.concat(counts, ignore_index=True)[["source_id", "table", "rows"]].sort_values(
        ["source_id", "table"], ignore_index=True)


# --- the strength of the evidence ---------------------------------------------------------------

# Tables whose numbers carry a `weak_evidence` flag, and the tiers that count as weak.
FLAGGED_TABLES = ("aid_deliveries", "personnel", "air_war", "credits")
WEAK_TIERS = frozenset({"reference", "popular", "unreliable"})


def source_tiers(data_dir: Path | str = DATA_DIR) -> dict[str, str]:
    """Source id -> tier, read straight from sources.csv."""
    path = Path(data_dir) / resource("sources", data_dir)["path"]
    with path.open(encoding="utf-8", newline="") as f:
        return {row["id"]: row["tier"] for row in csv.DictReader(f)}


def is_weak_evidence(cell: str | None, tiers: dict[str, str]) -> bool:
    """True where a row's `sources` cell names only works graded reference, popular or
    unreliable: no primary or scholarly source stands behind its figure."""
    ids = [source_id for source_id, _ in source_refs(cell)]
    return bool(ids) and all(tiers[i] in WEAK_TIERS for i in ids)


def weak_evidence_flags(name: str, data_dir: Path | str = DATA_DIR) -> dict[str, bool]:
    """Row id -> what the `weak_evidence` column of table `name` must hold, from the tiers."""
    tiers = source_tiers(data_dir)
    path = Path(data_dir) / resource(name, data_dir)["path"]
    with path.open(encoding="utf-8", newline="") as f:
        return {row["id"]: is_weak_evidence(row["sources"], tiers) for row in csv.DictReader(f)}


def weak_evidence_share(name: str, data_dir: Path | str = DATA_DIR) -> float:
    """Share of the rows of table `name` that rest only on reference, popular or unreliable sources."""
    flags = weak_evidence_flags(name, data_dir)
    return sum(flags.values()) / len(flags)


def write_weak_evidence(data_dir: Path | str = DATA_DIR) -> None:
    """Recompute the `weak_evidence` column of every flagged table from sources.csv (run
    `python -m sinosoviet.data` after changing a row's sources or a source's tier)."""
    for name in FLAGGED_TABLES:
        path = Path(data_dir) / resource(name, data_dir)["path"]
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        flags = weak_evidence_flags(name, data_dir)
        column = rows[0].index("weak_evidence")
        for row in rows[1:]:
            row[column] = "true" if flags[row[0]] else "false"
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    write_weak_evidence()
