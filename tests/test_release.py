"""Citable by version, and a release researchers can take anywhere: CITATION.cff and
datapackage.json complete and in agreement (and inventing nothing), the schema.org Dataset on the
data page, and the release archive: complete, checksummed, valid with frictionless alone and
byte-identical from one build to the next."""
from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

import sinosoviet
from sinosoviet import data, pages
from sinosoviet.book import release

ROOT = Path(__file__).resolve().parents[1]
SEED_URL = "https://www.globalsecurity.org/military/world/war/prc-civil-su.htm"
PROJECT = "The Sino-Soviet companion project"


@pytest.fixture(scope="module")
def cff():
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def package():
    return data.package()


def test_citation_file_is_complete_and_invents_nothing(cff):
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["title"] and cff["abstract"] and len(cff["keywords"]) >= 3
    assert cff["authors"] == [{"name": PROJECT}], "no named contributors are recorded: the project is the author"
    assert cff["license"] == "CC-BY-4.0"
    assert isinstance(cff["date-released"], datetime.date)
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(cff["version"]))
    # no public repository and no DOI exist yet: nothing may stand in for them
    assert not {"repository-code", "url", "doi", "identifiers", "repository"} & set(cff)
    assert all(not re.search(r"doi\.org|orcid", json.dumps(ref, default=str)) for ref in cff.get("references", []))


def test_every_place_states_the_same_version(cff, package):
    version = str(cff["version"])
    assert package["version"] == version
    assert sinosoviet.__version__ == version
    assert tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"] == version
    footer = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["html"]["extra_footer"]
    assert f"version {version}." in footer
    assert f"Version {version}." in (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    changelog = (ROOT / "data" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## {version} — {cff['date-released']}\n" in changelog, \
        "the changelog's heading for the released version carries the date of CITATION.cff"


def test_data_package_describes_itself(cff, package):
    assert package["id"] == package["name"], "a stable name, not an invented DOI"
    assert package["title"] and len(package["description"]) > 200
    assert package["contributors"] == [{"title": cff["authors"][0]["name"], "role": "author"}]
    seed = next(r for r in csv.DictReader(io.StringIO((data.DATA_DIR / "sources.csv").read_text(encoding="utf-8")))
                if r["id"] == "src-globalsecurity-2019")
    assert package["sources"] == [{"title": seed["title"], "path": seed["url"]}]
    assert seed["url"] == SEED_URL
    (licence,) = package["licenses"]
    assert licence["name"] == cff["license"] and licence["path"] == "https://creativecommons.org/licenses/by/4.0/"
    notes = " ".join(licence["notes"])
    for words in ("quoted text remains its authors'", "Natural Earth", "public domain", "GeoNames", "CC BY 4.0"):
        assert words in notes, words


def jsonld(tag: str) -> dict:
    match = re.fullmatch(r'<script type="application/ld\+json">\n(.*)\n</script>', tag, re.S)
    assert match, tag[:200]
    assert "</" not in match.group(1)
    return json.loads(match.group(1))


def test_dataset_jsonld_agrees_with_the_package(cff, package):
    tag = pages.dataset_jsonld(package, cff)
    assert tag == pages.dataset_jsonld(data.package(), cff), "deterministic"
    ld = jsonld(tag)
    assert ld["@context"] == "https://schema.org/" and ld["@type"] == "Dataset"
    for key in ("name", "description", "version", "license", "creator", "distribution", "variableMeasured",
                "temporalCoverage", "spatialCoverage"):
        assert ld[key], key
    assert (ld["name"], ld["description"], ld["version"]) == (package["title"], package["description"], package["version"])
    assert ld["license"] == package["licenses"][0]["path"]
    assert ld["creator"] == [{"@type": "Organization", "name": PROJECT}]
    assert ld["temporalCoverage"] == "1923/1941" and ld["spatialCoverage"]["name"] == "China"
    assert [(d["@type"], d["name"], d["contentUrl"], d["encodingFormat"]) for d in ld["distribution"]] == \
        [("DataDownload", r["path"], f"../data/{r['path']}", "text/csv") for r in package["resources"]]
    columns = {f["name"] for r in package["resources"] for f in r["schema"]["fields"]}
    assert sorted(ld["variableMeasured"]) == sorted(columns)
    assert ld["isBasedOn"] == [{"@type": "CreativeWork", "name": package["sources"][0]["title"], "url": SEED_URL}]


def test_dataset_jsonld_cannot_be_closed_by_the_data(cff, package):
    package = json.loads(json.dumps(package))
    package["description"] = 'A </script><script>alert("x")</script> & <!-- b'
    ld = jsonld(pages.dataset_jsonld(package, cff))
    assert ld["description"] == package["description"]


def test_data_page_carries_the_dataset_jsonld():
    nb = json.loads((ROOT / "notebooks" / "data.ipynb").read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "code" and "dataset_jsonld" in "".join(c["source"])]
    assert len(cells) == 1 and "remove-input" in cells[0]["metadata"].get("tags", [])
    assert "HTML(pages.dataset_jsonld(data.package(), cff))" in "".join(cells[0]["source"])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    first = release.build(tmp_path_factory.mktemp("one"))
    second = release.build(tmp_path_factory.mktemp("two"))
    return first, second


def test_release_is_deterministic(built, package, cff):
    first, second = built
    assert first.name == f"sinosoviet-data-{package['version']}.zip"
    assert first.read_bytes() == second.read_bytes(), "two builds of the same data differ"
    with zipfile.ZipFile(first) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    released = cff["date-released"]
    assert {i.date_time for i in infos} == {(released.year, released.month, released.day, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_release_holds_the_package_and_its_papers(built, package, tmp_path):
    with zipfile.ZipFile(built[0]) as archive:
        archive.extractall(tmp_path)
    (folder,) = tmp_path.iterdir()
    assert folder.name == f"sinosoviet-data-{package['version']}"
    expected = {r["path"] for r in package["resources"]} | {
        "datapackage.json", "README.md", "CHANGELOG.md", "CITATION.cff", "LICENSE", "SHA256SUMS"}
    assert {p.name for p in folder.iterdir()} == expected
    for name in expected - {"CITATION.cff", "LICENSE", "SHA256SUMS"}:
        assert (folder / name).read_bytes() == (data.DATA_DIR / name).read_bytes(), name
    assert (folder / "CITATION.cff").read_bytes() == (ROOT / "CITATION.cff").read_bytes()
    licence = (folder / "LICENSE").read_text(encoding="utf-8")
    assert "https://creativecommons.org/licenses/by/4.0/" in licence and "Natural Earth" in licence
    assert "quoted text remains its authors'" in licence and "GeoNames" in licence
    sums = dict(reversed(line.split("  ", 1)) for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    assert set(sums) == expected - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_unzipped_release_is_valid_with_frictionless_alone(built, package, tmp_path):
    from frictionless import validate

    with zipfile.ZipFile(built[0]) as archive:
        archive.extractall(tmp_path)
    report = validate(str(next(tmp_path.iterdir()) / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])[:10]
    assert sorted(t.name for t in report.tasks) == sorted(r["name"] for r in package["resources"])
    assert release.check(built[0]) == []


def test_make_and_readme_document_the_release():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^data-release: .*\n\t\$\(BIN\)/python -m sinosoviet\.book\.release$", makefile, re.M)
    assert "data-release" in re.search(r"^\.PHONY:.*$", makefile, re.M).group(0)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make data-release" in readme and "data-v" in readme
