"""Numbers a period chapter glues into its prose, computed from the datasets."""
from __future__ import annotations

import pandas as pd

from .charts import period_events
from .data import split_list


def period_facts(tables: dict[str, pd.DataFrame], period_id: str) -> dict[str, int]:
    events = period_events(tables["events"], period_id)
    people = {p for cell in events.people.dropna() for p in split_list(cell)}
    claims = tables["claims"]
    return {
        "n_events": len(events),
        "n_people": len(people),
        "n_places": int(events.place_id[events.place_id != ""].nunique()),
        "n_claims": int((claims.period_id == period_id).sum()),
    }
