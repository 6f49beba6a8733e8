"""Counts from the claims ledger that the "Reading the source" page glues into its prose."""
from __future__ import annotations

import pandas as pd

from .data import active

SEED_ID = "src-globalsecurity-2019"


def ledger_facts(claims: pd.DataFrame, variants: pd.DataFrame) -> dict[str, int]:
    verdicts = claims.verdict.astype(str).value_counts()
    claims, variants = active(claims), active(variants)
    others = variants[variants.source_id != SEED_ID]
    return {
        "claims_total": len(claims),
        "claims_supported": int(verdicts.get("supported", 0)),
        "claims_partly_supported": int(verdicts.get("partly_supported", 0)),
        "claims_contested": int(verdicts.get("contested", 0)),
        "claims_partly_wrong": int(verdicts.get("partly_wrong", 0)),
        "claims_wrong": int(verdicts.get("wrong", 0)),
        "claims_unresolved": int(verdicts.get("unresolved", 0)),
        "variants_other": len(others),
        "variant_sources": int(others.source_id.nunique()),
    }
