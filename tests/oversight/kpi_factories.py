"""Small builders for hand-worked KPI data sets (only the fields a test cares about)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from cases.models import CpsReferral, Flag, Investigation, LocalPolicingArea, Team

_numbers = itertools.count(1)


def d(text: str) -> date:
    return date.fromisoformat(text)


def investigation(recorded: str, *, outcome: str = "", outcome_date: str | None = None, **fields: Any) -> Investigation:
    """An adult rape investigation in the RASSO strand unless ``fields`` say otherwise."""
    flags = fields.pop("flags", ())
    for name, model in (("lpa", LocalPolicingArea), ("team", Team)):
        if isinstance(fields.get(name), str):
            fields[name] = model.objects.get(code=fields[name])
    for name in ("arrest_date", "court_outcome_date", "offence_date"):
        if isinstance(fields.get(name), str):
            fields[name] = d(fields[name])
    values: dict[str, Any] = {
        "crime_reference": f"20/{next(_numbers):06d}/25",
        "strand": "rasso",
        "offence_group": "rape",
        "victim_age_group": "adult",
        "recorded_date": d(recorded),
        "outcome_type": outcome,
        "outcome_date": d(outcome_date) if outcome_date else None,
    }
    values.update(fields)
    created = Investigation.objects.create(**values)
    if flags:
        created.flags.set(Flag.objects.filter(code__in=flags))
    return created


def referral(of: Investigation, referred: str, *, decision: str = "", decided: str | None = None) -> CpsReferral:
    return CpsReferral.objects.create(
        investigation=of, referral_date=d(referred), decision=decision, decision_date=d(decided) if decided else None
    )
