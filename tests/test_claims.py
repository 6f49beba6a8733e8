"""The claims ledger against its own rule: verdicts from the codebook's list only, every verdict
but `unresolved` resting on another source, the seed quoted word for word, reasoning and verdict
in step, and no words about how the book was made in what readers see."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from sinosoviet import charts, codebook, data, ledger, pages
from test_data import SEED, SEED_ID, squash

ROOT = Path(__file__).resolve().parent.parent

# Words about the making of the book, not about the evidence.
PROCESS = re.compile(
    r"vetted bibliograph|stored (?:copy|copies|text|at)|in this pass|project(?:'s)? bibliography|"
    r"copy at|online copy|not re-read|\b(?:kiwix|docslib|loveread|bibliboba) copy", re.I)

# Reasoning that says the statement is mistaken, in any of the ways the ledger has said it.
CORRECTS = re.compile(
    r"\bwrong\b|\bmistaken\b|garbled|needs? correct|in need of correct|\(not [\"“]|\bstrictly\b|"
    r"more than a [\"“]|is an error|misdated|misnamed", re.I)


@pytest.fixture(scope="module")
def claims():
    return data.load("claims")


@pytest.fixture(scope="module")
def all_variants():
    return data.load("claim_variants")


@pytest.fixture(scope="module")
def variants(all_variants):
    """The versions the ledger rests on: a withdrawn variant (its source unreliable) counts for nothing."""
    return all_variants[all_variants.status == "active"]


def test_a_withdrawn_variant_is_never_accepted(all_variants):
    bad = all_variants[(all_variants.status == "withdrawn") & all_variants.accepted.astype(bool)].id.tolist()
    assert not bad, bad


def test_no_active_variant_rests_on_an_unreliable_source(variants):
    tiers = data.source_tiers()
    bad = [r.id for r in variants.itertuples() if tiers[r.source_id] == "unreliable"]
    assert not bad, bad


def verdict_enum() -> list[str]:
    resource = next(r for r in data.package()["resources"] if r["name"] == "claims")
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "verdict")
    return field["constraints"]["enum"]


def test_verdicts_are_exactly_the_codebooks(claims):
    enum = verdict_enum()
    assert set(claims.verdict.astype(str)) <= set(enum)
    assert list(charts.VERDICT_ORDER) == enum, "the chart's order is the descriptor's list"
    assert len(charts.VERDICT_COLOURS) == len(enum) == len(set(charts.VERDICT_COLOURS))
    assert set(pages.VERDICT_LABELS) == set(enum)
    rule = codebook.VERDICTS
    for value in enum:
        assert f"**`{value}`**" in rule, f"the codebook's rule does not define {value}"
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert rule.strip() in readme


def test_reading_the_source_counts_every_verdict(claims, variants):
    facts = ledger.ledger_facts(claims, variants)
    nb = json.loads((ROOT / "notebooks" / "reading-the-source.ipynb").read_text(encoding="utf-8"))
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    for value in verdict_enum():
        assert f"claims_{value}" in facts
        assert f"<!--fact:claims_{value}-->" in prose, value
    assert sum(facts[f"claims_{v}"] for v in verdict_enum()) == facts["claims_total"]


def test_every_verdict_but_unresolved_rests_on_another_source(claims, variants):
    others = set(variants[variants.source_id != SEED_ID].claim_id)
    bare = [c.id for c in claims.itertuples() if str(c.verdict) != "unresolved" and c.id not in others]
    assert not bare, f"verdicts resting on the article alone: {bare}"


def test_every_claim_quotes_the_seed_verbatim(claims, variants):
    text = squash(SEED.read_text(encoding="utf-8"))
    seed = variants[variants.source_id == SEED_ID]
    assert set(claims.id) <= set(seed.claim_id), "a claim without the article's words"
    assert set(seed.claim_id) <= set(claims.id), "a seed quote for no claim"
    missing = [v.id for v in seed.itertuples() if not v.quote or squash(v.quote) not in text]
    assert not missing, f"not word for word in the article: {missing}"


def test_claim_ids_skip_the_unused_range(claims):
    numbers = [int(i.split("-")[1]) for i in claims.id]
    assert not [n for n in numbers if 60 <= n <= 100], "cl-060 to cl-100 were never used"


def test_a_statement_said_to_need_correcting_is_not_supported(claims):
    flagged = [(c.id, CORRECTS.search(c.reasoning).group(0)) for c in claims.itertuples()
               if str(c.verdict) == "supported" and CORRECTS.search(c.reasoning)]
    assert not flagged, f"supported, yet the reasoning corrects the statement: {flagged}"


def test_the_correction_check_would_have_caught_the_old_ledger():
    """cl-049, cl-050 and cl-154 were once `supported` with this reasoning."""
    old = {
        "cl-049": "Strictly the CER was a joint Sino-Soviet enterprise under the 1924 agreement, not Soviet-owned.",
        "cl-050": 'More than a "display": it was an armed conflict in which the USSR deployed up to 113,000 troops',
        "cl-154": 'reads 1,045 pilots, 81 navigators (not "pilots"), 198 radio operators (not "transmitters")',
    }
    assert all(CORRECTS.search(text) for text in old.values())


def reader_texts(claims, variants):
    for c in claims.itertuples():
        for col in ("topic", "statement", "reasoning"):
            yield f"claims.csv {c.id} {col}", str(getattr(c, col))
    for v in variants.itertuples():
        for col in ("locator", "value_text"):
            value = getattr(v, col)
            if isinstance(value, str):
                yield f"claim_variants.csv {v.id} {col}", value
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for n, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "markdown":
                yield f"{path.name} cell {n}", "".join(cell["source"])
    for path in sorted((ROOT / "book").glob("*.md")):
        yield path.name, path.read_text(encoding="utf-8")


def test_reader_text_speaks_of_the_evidence_not_of_the_making(claims, variants):
    hits = [(where, m.group(0)) for where, text in reader_texts(claims, variants)
            for m in [PROCESS.search(text)] if m]
    assert not hits, f"words about how the book was made: {hits}"


# The `accepted` column of claim_variants.csv: the variants whose version the claim's reasoning
# accepts as the best-supported reading, following the codebook's rule for each verdict.
def accepted_by_claim(claims, variants):
    verdict = dict(zip(claims.id, claims.verdict.astype(str)))
    for claim_id, group in variants.groupby("claim_id"):
        yield claim_id, verdict[claim_id], group


def test_accepted_is_a_boolean_on_every_variant(variants):
    assert variants.accepted.notna().all()
    assert set(variants.accepted.astype(bool)) <= {True, False}
    resource = next(r for r in data.package()["resources"] if r["name"] == "claim_variants")
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "accepted")
    assert field["type"] == "boolean" and field["constraints"]["required"]


def test_an_unresolved_claim_accepts_no_variant(claims, variants):
    bad = [c for c, verdict, group in accepted_by_claim(claims, variants)
           if verdict == "unresolved" and group.accepted.astype(bool).any()]
    assert not bad, f"unresolved claims with an accepted variant: {bad}"


def test_a_wrong_or_partly_wrong_claim_never_accepts_the_seed(claims, variants):
    bad = [c for c, verdict, group in accepted_by_claim(claims, variants)
           if verdict in ("wrong", "partly_wrong")
           and group[group.source_id == SEED_ID].accepted.astype(bool).any()]
    assert not bad, f"the seed variant accepted although the verdict says it is wrong: {bad}"


def test_a_supported_claim_accepts_at_least_one_variant(claims, variants):
    bad = [c for c, verdict, group in accepted_by_claim(claims, variants)
           if verdict == "supported" and not group.accepted.astype(bool).any()]
    assert not bad, f"supported claims with no accepted variant: {bad}"


def test_a_supported_claim_accepts_the_seed(claims, variants):
    bad = [c for c, verdict, group in accepted_by_claim(claims, variants)
           if verdict == "supported"
           and not group[group.source_id == SEED_ID].accepted.astype(bool).all()]
    assert not bad, f"supported claims whose seed variant is not accepted: {bad}"


def test_a_source_named_in_reasoning_reads_as_a_linked_citation():
    shown = str(pages.with_source_links("signed on 21 August 1937 (src-chinaussr1937), as in cl-119 <b>"))
    assert 'href="bibliography.html#src-chinaussr1937"' in shown and "(src-chinaussr1937)" not in shown
    assert '<a href="#cl-119">“' in shown and "in cl-119" not in shown, "another claim: its topic, linked"
    assert "&lt;b&gt;" in shown, "the reasoning's own text stays escaped"


def test_a_partly_supported_claim_accepts_what_confirms_it_but_not_the_seed(claims, variants):
    found = [(c, group) for c, verdict, group in accepted_by_claim(claims, variants) if verdict == "partly_supported"]
    assert found, "no partly supported claim: the check below would pass on nothing"
    bad = [c for c, group in found
           if group[group.source_id == SEED_ID].accepted.astype(bool).any()
           or not group[group.source_id != SEED_ID].accepted.astype(bool).any()]
    assert not bad, f"partly supported claims that accept the seed or nothing that confirms them: {bad}"
    vague = [c for c, _ in found if "article alone" not in claims.set_index("id").reasoning[c]]
    assert not vague, f"partly supported claims whose reasoning does not say which part rests on the article alone: {vague}"
