"""Outcome analytics beside the KPI engine: the outcome breakdown and the attrition funnel.

Both take the KPI period and filters (:mod:`cases.kpis`), aggregate in the database and need
exactly one query each, whatever the data:

- :func:`outcome_breakdown` — how many investigations got each Home Office outcome type, by
  ``outcome_date`` in the period: one ``GROUP BY outcome_type``, ordered in Python by code
  (``1, 1A, 2, … 22``, the order of :class:`cases.outcomes.OutcomeType`);
- :func:`attrition_funnel` — the cohort recorded in the period and how far each got, as of
  today: one query of conditional counts (the CPS referral stage is membership of the set of
  referred investigations, so an investigation referred twice counts once).

Percentages half-up to one decimal, ``None`` for a zero denominator (:mod:`oversight.numbers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import Count, Q

from oversight.numbers import percentage

from . import rollups
from .choices import CourtOutcome
from .kpis import KpiFilters, cached_figures, check_period, resolve_filters, rollup_filters
from .models import CpsReferral, Investigation
from .outcomes import CHARGED, OutcomeType, outcome_group

FUNNEL_STAGES: tuple[tuple[str, str], ...] = (
    ("recorded", "Recorded"),
    ("arrested", "Suspect arrested"),
    ("referred_to_cps", "Referred to the CPS"),
    ("charged", "Charged/summonsed (outcome 1 or 1A)"),
    ("court_outcome", "Court outcome"),
    ("convicted", "Convicted"),
)
_CODE_ORDER = {code: position for position, code in enumerate(OutcomeType.values)}


def outcome_label(code: str) -> str:
    """The outcome type's name without its code: ``"16"`` → ``"Evidential difficulties – victim does not …"``."""
    return OutcomeType(code).label.removeprefix(f"{code} ")


def outcome_breakdown(
    *, date_from: date, date_to: date, filters: Mapping[str, Any] | KpiFilters | None = None
) -> dict[str, Any]:
    """Every outcome type assigned in ``[date_from, date_to]`` (by ``outcome_date``), in Home Office code order.

    ``{"from", "to", "total", "rows": [{"outcome_type", "label", "outcome_group", "count", "pct"}]}``:
    only types assigned at least once; ``pct`` is of ``total`` (all outcomes assigned in the period,
    the KPIs' ``outcomes_assigned``). ``ApplicationError`` for bad input.
    """
    check_period(date_from, date_to)
    resolved = resolve_filters(filters)
    counts = cached_figures(
        ("outcome_breakdown", date_from, date_to, resolved), _outcome_counts, resolved, date_from, date_to
    )
    total = sum(counts.values())
    rows = [
        {
            "outcome_type": code,
            "label": outcome_label(code),
            "outcome_group": outcome_group(code),
            "count": counts[code],
            "pct": percentage(counts[code], total),
        }
        for code in sorted(counts, key=_CODE_ORDER.__getitem__)
    ]
    return {"from": date_from, "to": date_to, "total": total, "rows": rows}


def _outcome_counts(filters: KpiFilters, date_from: date, date_to: date) -> dict[str, int]:
    if filters.flag_id is None:  # from the rollup (cases/rollups.py): every dimension but flags
        types = [f"outcome_{code.lower()}" for code in OutcomeType.values]
        rows = rollups.sums(span=rollups.window(date_from, date_to), filters=rollup_filters(filters), measures=types)
        totals = rows[0] if rows else {}
        return {code: n for code in OutcomeType.values if (n := totals.get(f"outcome_{code.lower()}"))}
    assigned = filters.apply(Investigation.objects.filter(outcome_date__range=(date_from, date_to)))
    return {
        row["outcome_type"]: row["count"]
        for row in assigned.order_by().values("outcome_type").annotate(count=Count("pk"))
    }


def attrition_funnel(
    *, date_from: date, date_to: date, filters: Mapping[str, Any] | KpiFilters | None = None
) -> dict[str, Any]:
    """The investigations recorded in ``[date_from, date_to]`` and how many reached each stage, as of today.

    ``{"from", "to", "stages": [{"stage", "count", "pct_of_recorded"}]}`` with stages in the order of
    :data:`FUNNEL_STAGES`: ``recorded``; ``arrested`` (an arrest date); ``referred_to_cps`` (at least one
    CPS referral); ``charged`` (outcome 1 or 1A); ``court_outcome`` (any court outcome); ``convicted``.
    Each stage is counted on its own (a suspect may be charged by summons without an arrest), so a
    later stage is not always a subset of an earlier one. ``ApplicationError`` for bad input.
    """
    check_period(date_from, date_to)
    resolved = resolve_filters(filters)
    counts = cached_figures(
        ("attrition_funnel", date_from, date_to, resolved), _funnel_counts, resolved, date_from, date_to
    )
    recorded = counts["recorded"]
    stages = [
        {"stage": stage, "count": counts[stage], "pct_of_recorded": percentage(counts[stage], recorded)}
        for stage, _label in FUNNEL_STAGES
    ]
    return {"from": date_from, "to": date_to, "stages": stages}


def _funnel_counts(filters: KpiFilters, date_from: date, date_to: date) -> dict[str, int]:
    cohort = filters.apply(Investigation.objects.filter(recorded_date__range=(date_from, date_to)))
    # IN (all referred investigations), not a correlated EXISTS: PostgreSQL hashes the subquery once,
    # about three times faster over a large cohort; a referral counted twice still counts once.
    referred = Q(pk__in=CpsReferral.objects.values("investigation_id"))
    # Aliases must not be field names (``court_outcome`` is one): an alias would shadow the field.
    counts = cohort.aggregate(
        n_recorded=Count("pk"),
        n_arrested=Count("pk", filter=Q(arrest_date__isnull=False)),
        n_referred_to_cps=Count("pk", filter=referred),
        n_charged=Count("pk", filter=Q(outcome_type__in=CHARGED)),
        n_court_outcome=Count("pk", filter=~Q(court_outcome="")),
        n_convicted=Count("pk", filter=Q(court_outcome=CourtOutcome.CONVICTED)),
    )
    return {stage: counts[f"n_{stage}"] or 0 for stage, _label in FUNNEL_STAGES}
