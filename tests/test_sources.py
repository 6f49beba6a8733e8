"""Sources are works, graded and located canonically: tests that fail when a copy, a mirror or a
malformed address slips back into the bibliography, when a source lacks a valid kind or tier,
when a data row rests on an unreliable source, or when an event's confidence outruns its sources."""
from __future__ import annotations

import csv
import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import HTML, book_pages
from sinosoviet import data
from sinosoviet.book import sources

HERE = Path(__file__).resolve().parent
HOSTS = HERE / "noncanonical_hosts.csv"
SEED_ID = "src-globalsecurity-2019"
# Active data rows that cite an unreliable source (UNRELIABLE_CITING), and those with no other source
# (UNRELIABLE_ONLY): none. A row whose fact rested only on an unreliable source is withdrawn (it keeps
# its id and its citation, so that the record of what was dropped stays), and data/CHANGELOG.md lists it.
UNRELIABLE_CITING = 0
UNRELIABLE_ONLY = 0


@pytest.fixture(scope="module")
def tables():
    return data.load_all()


@pytest.fixture(scope="module")
def source_rows():
    return sources.source_rows()


def noncanonical_hosts() -> dict[str, str]:
    with HOSTS.open(encoding="utf-8") as f:
        return {row["host"]: f"{row['kind']}: {row['reason']}" for row in csv.DictReader(f)}


def test_the_host_list_is_well_formed():
    hosts = noncanonical_hosts()
    assert len(hosts) > 100
    with HOSTS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert all(row["host"] and row["kind"] and row["reason"] for row in rows)
    assert len(rows) == len(hosts), "a host is listed twice"


def url_faults(url: str) -> list[str]:
    faults = []
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https"):
        faults.append("not http(s)")
    if "." not in host:
        faults.append("host without a dot")
    if host.endswith(".") or parts.netloc.endswith("."):
        faults.append("trailing dot in the host")
    try:
        port = parts.port
    except ValueError:
        port = "invalid"
    if port is not None:
        faults.append("port in the address")
    try:
        ipaddress.ip_address(host.strip("[]"))
        faults.append("IP address")
    except ValueError:
        pass
    if any(word in host for word in ("ipfs", "cloudfront", "azureedge")):
        faults.append("gateway or CDN bucket")
    if any(c.isspace() for c in url):
        faults.append("white space")
    return faults


@pytest.mark.parametrize("url, ok", [
    ("https://en.wikipedia.org/wiki/Xi%27an_Incident", True),
    ("https://en.wikipedia.org./wiki/Kuolichi-Taierhchuang_Operation", False),
    ("http://20.210.105.67/time/1924.html", False),
    ("http://the-uncensored-wiki.com:20171/A/Lashio.html", False),
    ("https://db0nus869y26v.cloudfront.net/en/New_Fourth_Army_incident", False),
    ("https://bafy.ipfs.dweb.link/wiki/X.html", False),
    ("ftp://example.org/x", False),
    ("https://localhost/x", False),
])
def test_url_check_catches_malformed_addresses(url, ok):
    assert (url_faults(url) == []) is ok


def test_every_url_is_well_formed(source_rows):
    bad = {row["id"]: url_faults(row["url"]) for row in source_rows if row["url"] and url_faults(row["url"])}
    assert not bad, bad


def test_no_url_points_at_a_mirror_a_copy_or_a_content_farm(source_rows):
    hosts = noncanonical_hosts()
    bad = {row["id"]: f"{urlsplit(row['url']).hostname} ({hosts[urlsplit(row['url']).hostname]})"
           for row in source_rows if row["url"] and (urlsplit(row["url"]).hostname or "") in hosts}
    assert not bad, bad


def test_no_description_names_a_copy_site(source_rows):
    """A work read in an online copy says so in `note`, without naming the copy's host."""
    hosts = [h.removeprefix("www.").removeprefix("m.") for h, why in noncanonical_hosts().items()
             if why.startswith(("piracy", "mirror", "proxy", "cdn", "ip"))]
    bad = {row["id"]: h for row in source_rows for h in hosts
           if h in " ".join((row["title"], row["publisher"], row["note"])).lower()}
    assert not bad, bad


def test_no_data_cell_names_a_copy_site():
    """Notes and locators in the tables say "read in an online copy", not where."""
    hosts = [h.removeprefix("www.").removeprefix("m.") for h, why in noncanonical_hosts().items()
             if why.startswith(("piracy", "mirror", "proxy", "cdn", "ip"))]
    bad = []
    for res in data.package()["resources"]:
        if res["name"] == "sources":
            continue
        text = re.sub(r"src-[a-z0-9-]+", " ", (data.DATA_DIR / res["path"]).read_text(encoding="utf-8").lower())
        bad += [(res["name"], h) for h in hosts if h in text]
    assert not bad, bad


def test_kind_and_tier_are_present_and_valid(source_rows):
    assert {row["kind"] for row in source_rows} <= set(sources.KINDS)
    assert {row["tier"] for row in source_rows} <= set(sources.TIERS)
    assert all(row["kind"] and row["tier"] for row in source_rows)


def test_the_schema_enumerates_the_same_kinds_and_tiers():
    fields = {f["name"]: f for res in data.package()["resources"] if res["name"] == "sources"
              for f in res["schema"]["fields"]}
    assert tuple(fields["kind"]["constraints"]["enum"]) == sources.KINDS
    assert tuple(fields["tier"]["constraints"]["enum"]) == sources.TIERS


def test_a_copy_without_a_link_says_so(source_rows):
    notes = {row["note"] for row in source_rows}
    assert notes <= {"", "read in an online copy", "address not given: forum, content farm or partisan wiki"}, notes


def active(frame):
    """The rows a reader sees: a withdrawn row stays only as a record of what was dropped."""
    return frame[frame.status == "active"] if "status" in frame else frame


def cited_ids(row, columns) -> dict[str, str]:
    """Source id -> locator ('' where none) for one data row."""
    return {sid: loc for col in columns if isinstance(row[col], str) for sid, loc in data.source_refs(row[col])}


def row_text(row) -> str:
    return " ".join(str(v) for k, v in row.items() if k not in ("id", "sources") and isinstance(v, str)).lower()


# where a note names a web source otherwise than by the first word of its id
NOTE_NAMES = {"src-web-lucienart-1938credit": "lucien-art", "src-web-chinaqikan-lijiagu": "li jiagu"}


def short_name(source_id: str) -> str:
    """The name a note uses for a web source: src-web-daowen-sovietloans -> daowen."""
    return NOTE_NAMES.get(source_id) or re.sub(r"^src-(web-)?", "", source_id).split("-")[0]


def test_an_unreliable_source_beside_a_better_one_carries_a_value_of_its_own(tables):
    """Where a row has a better source, an unreliable citation stays only if a value rests on it:
    it has a locator pinning what it gives, or the row's note names it."""
    tiers = tables["sources"].set_index("id")["tier"]
    idle = []
    for name, columns in data.source_fields().items():
        for _, row in active(tables[name]).iterrows():
            ids = cited_ids(row, columns)
            if not any(tiers[i] != "unreliable" for i in ids):
                continue
            text = row_text(row)
            idle += [(name, row["id"], i) for i, loc in ids.items()
                     if tiers[i] == "unreliable" and not loc and short_name(i) not in text]
    assert not idle, idle


def test_rows_citing_unreliable_sources_do_not_grow(tables):
    tiers = tables["sources"].set_index("id")["tier"]
    citing, only = [], []
    for name, columns in data.source_fields().items():
        for _, row in active(tables[name]).iterrows():
            ids = cited_ids(row, columns)
            bad = sorted(i for i in ids if tiers[i] == "unreliable")
            if bad:
                citing.append(f"{name}:{row['id']} ({', '.join(bad)})")
                if len(bad) == len(ids):
                    only.append(f"{name}:{row['id']}")
    print(f"{len(citing)} rows cite an unreliable source, {len(only)} of them no other:", *citing, sep="\n  ")
    assert len(citing) <= UNRELIABLE_CITING, citing
    assert len(only) <= UNRELIABLE_ONLY, only


def test_high_confidence_needs_two_independent_sources_or_one_primary(tables):
    """The codebook's rule for events.confidence = high."""
    tiers = tables["sources"].set_index("id")["tier"]
    broken = []
    for row in active(tables["events"]).itertuples():
        if row.confidence != "high":
            continue
        ids = {sid for sid, _ in data.source_refs(row.sources)}
        counted = {i for i in ids if tiers[i] != "unreliable"}
        if not any(tiers[i] == "primary" for i in counted) and len(counted) < 2:
            broken.append((row.id, sorted(ids)))
    assert not broken, broken


def test_the_codebook_states_the_confidence_rule():
    fields = {f["name"]: f for res in data.package()["resources"] if res["name"] == "events"
              for f in res["schema"]["fields"]}
    assert "high needs two independent sources or one primary source" in fields["confidence"]["description"]


def test_the_unreliable_check_counts_an_active_row_and_skips_a_withdrawn_one():
    frame = data.load("air_war").head(2).assign(status=["active", "withdrawn"])
    assert list(active(frame).status) == ["active"]


def test_no_page_links_to_a_mirror_or_a_site_named_in_passing():
    """Every link of the built book goes to a work, not to a host that copies others' texts (the
    list above) and not to a site's bare front page (unless the site is the work a source names):
    a footnote that names a site in passing ("liquisearch.com, \"28 Bolsheviks\"") names it
    without linking it, as it would in print. (MyST's `linkify` once made every such name a link;
    it is off.)"""
    hosts = noncanonical_hosts()
    # a work that is a whole site (an online edition) is cited by its front page
    works = {str(url) for url in data.load("sources").url.dropna()}
    pages = book_pages()
    assert pages, "the book is not built"
    found = []
    for page in pages:
        for url in re.findall(r'<a\b[^>]*\bhref="(https?://[^"]+)"', (HTML / page).read_text(encoding="utf-8")):
            parts = urlsplit(url)
            host = (parts.hostname or "").removeprefix("www.")
            if host in hosts or f"www.{host}" in hosts:
                found.append(f"{page}: {url} ({hosts.get(host) or hosts[f'www.{host}']})")
            elif parts.path in ("", "/") and not parts.query and url not in works:
                found.append(f"{page}: {url} (a site's front page)")
    assert not found, f"{len(found)} links to mirrors or front pages: {found[:8]}"
