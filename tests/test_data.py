"""The real datasets: schema-valid (Frictionless), the rules the schema cannot express, the
codebook and the bibliography in step, and the coverage the book promises."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from sinosoviet import codebook, data
from sinosoviet.book import sources
from sinosoviet.book.prose import CITE

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "soviet-intervention-in-china-1937-1941.txt"
SEED_ID = "src-globalsecurity-2019"


@pytest.fixture(scope="module")
def tables():
    return data.load_all()


def test_frictionless_validates_the_package():
    from frictionless import validate

    report = validate(str(data.DATA_DIR / "datapackage.json"))
    errors = [f"{task.name}: {err.message}" for task in report.tasks for err in task.errors][:10]
    assert report.valid, errors


def test_every_table_in_the_package_loads(tables):
    assert set(tables) >= {"periods", "events", "people", "places", "sources", "credits", "aid_deliveries",
                           "personnel", "air_war", "claims", "claim_variants", "routes"}
    assert all(len(frame) for frame in tables.values())


def test_plain_pandas_reads_every_table_identically():
    for res in data.package()["resources"]:
        frame = pd.read_csv(data.DATA_DIR / res["path"], dtype=str, keep_default_na=False)
        assert list(frame.columns) == [f["name"] for f in res["schema"]["fields"]], res["name"]


def test_events_lie_inside_their_period(tables):
    events = tables["events"].merge(tables["periods"], left_on="period_id", right_on="id", suffixes=("", "_period"))
    outside = events[(events.date_start < events.date_start_period) | (events.date_start > events.date_end_period)]
    assert outside.empty, outside[["id", "date_start", "period_id"]].to_string()


def test_periods_tile_1923_to_1941(tables):
    periods = tables["periods"].sort_values("seq")
    assert periods.date_start.iloc[0] == pd.Timestamp("1923-01-01")
    assert periods.date_end.iloc[-1] == pd.Timestamp("1941-12-31")
    gaps = periods.date_start.iloc[1:].values - periods.date_end.iloc[:-1].values
    assert all(g == pd.Timedelta(days=1) for g in gaps)


def test_no_duplicate_events(tables):
    events = tables["events"]
    key = events.date_start.dt.strftime("%Y-%m-%d") + "|" + events.title.str.lower().str.replace(r"\W+", " ", regex=True).str.strip()
    assert not key.duplicated().any(), events[key.duplicated(keep=False)][["id", "title"]].to_string()


def test_sources_csv_is_generated_from_the_bibliography():
    assert (data.DATA_DIR / "sources.csv").read_text(encoding="utf-8") == sources.sources_csv(), \
        "data/sources.csv is stale: run python -m sinosoviet.book.sources"


def test_bibliography_keys_are_the_source_ids(tables):
    bib_keys = set(re.findall(r"^@\w+\{([^,]+),", sources.BIB.read_text(encoding="utf-8"), re.M))
    assert bib_keys == set(tables["sources"]["id"])


def test_codebook_is_generated_from_the_descriptor():
    assert (data.DATA_DIR / "README.md").read_text(encoding="utf-8") == codebook.codebook(), \
        "data/README.md is stale: run python -m sinosoviet.codebook > data/README.md"


def test_every_field_is_described():
    for res in data.package()["resources"]:
        assert res.get("description"), res["name"]
        for field in res["schema"]["fields"]:
            assert field.get("description"), f"{res['name']}.{field['name']}"


# --- coverage -------------------------------------------------------------------------------

def test_events_cover_every_year(tables):
    events = tables["events"]
    assert len(events) >= 150
    years = events.date_start.dt.year.value_counts()
    assert all(years.get(y, 0) >= 3 for y in range(1923, 1942)), years.sort_index().to_dict()
    assert set(events.period_id) == set(tables["periods"].id)


def test_people_and_places(tables):
    people, places = tables["people"], tables["places"]
    assert len(people) >= 60 and len(places) >= 50
    assert places.lat.notna().sum() >= 50
    chinese = people[people.nationality == "Chinese"]
    assert chinese.name_pinyin.ne("").mean() > 0.8
    assert people.name_native.ne("").mean() > 0.6
    soviet = people[people.nationality == "Soviet"].name_native.replace("", None).dropna()
    assert soviet.str.contains(r"[А-Яа-я]").all(), "Soviet native names are in Cyrillic"


def test_sources_count(tables):
    assert len(tables["sources"]) >= 40
    assert SEED_ID in set(tables["sources"].id)


def test_the_three_credits(tables):
    credits = tables["credits"]
    signed = set(credits.date_signed.dropna().dt.strftime("%Y-%m"))
    assert {"1938-03", "1938-07", "1939-06"} <= signed
    assert credits.amount_usd_best.notna().sum() >= 3 and credits.interest_rate_pct.notna().any()
    assert credits.drawn_usd_best.notna().any() or credits.drawn_usd_low.notna().any()


def test_aid_and_personnel(tables):
    aid, personnel = tables["aid_deliveries"], tables["personnel"]
    assert {"aircraft", "tanks", "artillery", "machine_guns", "vehicles"} <= set(aid.category)
    assert set(aid.year.dropna().astype(int)) >= {1937, 1938, 1939, 1940, 1941}
    assert {"advisers", "volunteer_aircrew", "killed"} <= set(personnel.category)


def test_air_war(tables):
    air = tables["air_war"]
    assert len(air) >= 30
    assert air.basis.str.len().min() > 10


# --- the claims ledger ----------------------------------------------------------------------

def squash(text: str) -> str:
    return " ".join(text.split())


def test_claims_ledger(tables):
    claims, variants = tables["claims"], tables["claim_variants"]
    assert len(claims) >= 60
    seed = variants[variants.source_id == SEED_ID]
    assert set(seed.claim_id) == set(claims.id), "every claim quotes the seed article"
    assert (variants.source_id != SEED_ID).sum() >= 40
    assert set(claims.verdict.astype(str)) >= {"supported", "contested", "wrong"}


def test_seed_quotes_are_verbatim(tables):
    text = squash(SEED.read_text(encoding="utf-8"))
    variants = tables["claim_variants"]
    seed = variants[variants.source_id == SEED_ID]
    missing = [row.id for row in seed.itertuples() if not row.quote or squash(row.quote) not in text]
    assert not missing, f"seed quotes not found word for word in the article: {missing}"


def test_routes_run_in_order(tables):
    routes = tables["routes"]
    for route, stops in routes.groupby("route"):
        assert list(stops.sort_values("seq").seq) == list(range(1, len(stops) + 1)), route
        assert stops.sort_values("seq")["mode"].iloc[1:].notna().all(), f"{route}: a stop after the first lacks its mode"
        assert stops.name.nunique() == 1, route


def cited_in_text() -> set[str]:
    """Ids of every citation in the book's Markdown pages and notebooks' Markdown cells."""
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.md")]
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts += ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    return {m["id"] for m in CITE.finditer("\n".join(texts))}


def test_every_source_is_cited_by_the_data_or_the_text(tables):
    in_text, in_data = cited_in_text(), set(data.source_citations(tables).source_id)
    known = set(tables["sources"].id)
    assert in_text <= known, f"cited but not in sources.csv: {sorted(in_text - known)}"
    assert len(in_text) >= 50 and len(in_data) >= 400
    assert not known - in_text - in_data, f"sources nothing cites: {sorted(known - in_text - in_data)}"


def test_every_personal_name_in_the_bibliography_says_which_part_is_the_surname():
    """BibTeX reads "Hu Bo" as given name Hu, surname Bo: wrong for Chinese names, which put the
    surname first. So a name of more than one word is written "Surname, Given" or braced whole."""
    bib = sources.BIB.read_text(encoding="utf-8")
    names = [n for m in re.finditer(r"^\s*(?:author|editor)\s*=\s*\{(.*)\},?\s*$", bib, re.M)
             for n in re.split(r"\s+and\s+", m.group(1))]
    ambiguous = [n for n in names if " " in n and "," not in n and not (n.startswith("{") and n.endswith("}"))]
    assert len(names) > 200 and not ambiguous, f"write as 'Surname, Given' or {{Whole Name}}: {ambiguous}"


def test_citation_file_data_package_and_footer_share_a_version():
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["version"]) == data.package()["version"]
    footer = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["html"]["extra_footer"]
    assert f"version {cff['version']}." in footer, "the suggested citation in _config.yml's footer names another version"


def test_service_dates_only_for_foreigners_and_stated_in_the_row(tables):
    """served_from/served_to are filled only for people who are not Chinese or Japanese, and
    both years are stated in the row itself: in role or in a source's locator ("1922–1924",
    "Sept 1939–Feb 1941", "…–27" for 1927). No service date is inferred from elsewhere."""
    people = tables["people"]
    dated = people[people.served_from.notna()]
    assert not dated.empty
    assert not dated.nationality.isin(["Chinese", "Japanese"]).any(), \
        dated[dated.nationality.isin(["Chinese", "Japanese"])].id.tolist()
    for row in dated.itertuples():
        text = f"{row.role} {row.sources}"
        years = {int(y) for y in re.findall(r"(?<!\d)(1[89]\d\d)(?!\d)", text)}
        years |= {int(a[:2] + b) for a, b in re.findall(r"(1[89]\d\d)[–-](\d\d)(?!\d)", text)}
        for year in (row.served_from.year, row.served_to.year):
            assert year in years, f"{row.id}: service year {year} is not stated in role or sources"
