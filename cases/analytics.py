"""Outcome analytics beside the KPI engine: the outcome breakdown and the attrition funnel.

Both take the KPI period and filters (:mod:`cases.kpis`), aggregate in the database and need
exactly one query each, whatever the data:

- :func:`outcome_breakdown` — how many investigations got each Home Office outcome type, by
  ``outcome_date`` in the period: one ``GROUP BY outcome_type``, ordered in Python by code
  (``1, 1A, 2, … 22``, the order of :class:`cases.outcomes.OutcomeType`);
- :func:`attrition_funnel` — the cohort recorded in the period and how far each got, as of
  today: one query of the rollup's funnel counts (``funnel_*``, by recorded date), or with a flag
  filter one query of conditional counts over the cohort (the CPS referral stage an ``EXISTS``, so
  an investigation referred twice counts once).

Percentages half-up to one decimal, ``None`` for a zero denominator (:mod:`oversight.numbers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, cast

from django.db.models import Case, CharField, Count, F, IntegerField, Q, Value, When

from oversight.numbers import percentage

from . import rollups
from .choices import Ethnicity, FunnelStage, Sex
from .kpis import (
    FUNNEL_MEASURES,
    DaysBetween,
    KpiFilters,
    cached_figures,
    check_period,
    funnel_reached,
    measure_condition,
    resolve_filters,
    rollup_filters,
)
from .models import Investigation
from .outcomes import OutcomeType, outcome_group

FUNNEL_STAGES: tuple[tuple[str, str], ...] = tuple(FunnelStage.choices)
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
    if filters.flag_id is None:  # from the rollup (cases/rollups.py): every dimension but flags
        measures = ["recorded", *FUNNEL_MEASURES]
        rows = rollups.sums(span=rollups.window(date_from, date_to), filters=rollup_filters(filters), measures=measures)
        totals = rows[0] if rows else {}
        return {stage: totals.get(measure, 0) for (stage, _label), measure in zip(FUNNEL_STAGES, measures, strict=True)}
    cohort = filters.apply(Investigation.objects.filter(recorded_date__range=(date_from, date_to)))
    # The stages' conditions are the drill-down's (kpis.funnel_reached): a count and its list agree.
    # Aliases must not be field names (``court_outcome`` is one): an alias would shadow the field.
    counts = cohort.aggregate(
        n_recorded=Count("pk"),
        **{f"n_{stage}": Count("pk", filter=condition) for stage, condition in funnel_reached().items()},
    )
    return {stage: counts[f"n_{stage}"] or 0 for stage, _label in FUNNEL_STAGES}


# --------------------------------------------------------------------------- disproportionality

PEOPLE: tuple[tuple[str, str], ...] = (("victim", "Victims"), ("suspect", "Suspects"))
DIMENSIONS: tuple[tuple[str, str], ...] = (("sex", "Sex"), ("age_band", "Age band"), ("ethnicity", "Ethnicity"))
NOT_RECORDED = "not_recorded"
# Age bands in whole years at the offence: (key, label, first age, last age or None).
AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("0-15", "0 to 15", 0, 15),
    ("16-17", "16 to 17", 16, 17),
    ("18-24", "18 to 24", 18, 24),
    ("25-34", "25 to 34", 25, 34),
    ("35-44", "35 to 44", 35, 44),
    ("45-54", "45 to 54", 45, 54),
    ("55-64", "55 to 64", 55, 64),
    ("65+", "65 and over", 65, None),
)
# The counts behind each group's figures, as the KPI engine counts them (:data:`cases.kpis.COUNTED_BY_DATE`).
GROUP_COUNTS: tuple[str, ...] = (
    "recorded_offences",
    "outcomes_assigned",
    "charged",
    "positive_outcomes",
    "victim_withdrawal",
)


def group_labels(person: str, dimension: str) -> dict[str, str]:
    """Every group key of a dimension with its label, in display order (``not_recorded`` last)."""
    if dimension == "age_band":
        labels = {key: label for key, label, _first, _last in AGE_BANDS}
    else:
        labels = dict(Sex.choices if dimension == "sex" else Ethnicity.choices)
    return labels | {NOT_RECORDED: "Not recorded"}


def _group_expression(person: str, dimension: str) -> Any:
    if dimension == "age_band":
        field = f"{person}_age"
        whens = [
            When(
                **{f"{field}__range" if last is not None else f"{field}__gte": (first, last) if last else first},
                then=Value(key),
            )
            for key, _label, first, last in AGE_BANDS
        ]
        return Case(*whens, default=Value(NOT_RECORDED), output_field=CharField())
    field = f"{person}_{dimension}"
    return Case(When(**{field: ""}, then=Value(NOT_RECORDED)), default=F(field), output_field=CharField())


def people_breakdown_counts(
    *, date_from: date, date_to: date, filters: Mapping[str, Any] | KpiFilters | None = None
) -> dict[tuple[str, str], dict[str, dict[str, int]]]:
    """For victims and suspects by sex, age band and ethnicity: per group, the investigations touching the
    period (recorded or given an outcome in it) and the KPI counts of :data:`GROUP_COUNTS`.

    ``{(person, dimension): {group key: {"investigations": n, "recorded_offences": n, …}}}``; a blank
    characteristic is the group ``not_recorded``. One query per (person, dimension): six, whatever the data.
    """
    check_period(date_from, date_to)
    resolved = resolve_filters(filters)
    return cast(
        dict[tuple[str, str], dict[str, dict[str, int]]],
        cached_figures(
            ("people_breakdown", date_from, date_to, resolved), _people_counts, resolved, date_from, date_to
        ),
    )


def _people_counts(
    filters: KpiFilters, date_from: date, date_to: date
) -> dict[tuple[str, str], dict[str, dict[str, int]]]:
    conditions = {name: measure_condition(name, date_from=date_from, date_to=date_to) for name in GROUP_COUNTS}
    touching = conditions["recorded_offences"] | conditions["outcomes_assigned"]
    investigations = filters.apply(Investigation.objects.filter(touching))
    aggregates = {f"n_{name}": Count("pk", filter=condition) for name, condition in conditions.items()}
    result: dict[tuple[str, str], dict[str, dict[str, int]]] = {}
    for person, _label in PEOPLE:
        for dimension, _dimension_label in DIMENSIONS:
            rows = (
                investigations.order_by()
                .values(key=_group_expression(person, dimension))
                .annotate(n_investigations=Count("pk"), **aggregates)
            )
            result[(person, dimension)] = {
                row["key"]: {name.removeprefix("n_"): value for name, value in row.items() if name != "key"}
                for row in rows
            }
    return result


# --------------------------------------------------------------------------- bail and RUI


def on_bail_at(day: date) -> Q:
    """On pre-charge bail on ``day``: bail started on or before it, not expired before it, no outcome on or
    before it, and not released under investigation since (a later RUI start replaces the bail)."""
    return (
        Q(bail_start_date__lte=day)
        & (Q(bail_expiry_date__isnull=True) | Q(bail_expiry_date__gte=day))
        & (Q(outcome_date__isnull=True) | Q(outcome_date__gt=day))
        & ~Q(rui_start_date__lte=day, rui_start_date__gte=F("bail_start_date"))
    )


def on_rui_at(day: date) -> Q:
    """Released under investigation on ``day``: RUI started on or before it, no outcome on or before it, and
    not bailed since (a later bail start replaces the RUI)."""
    return (
        Q(rui_start_date__lte=day)
        & (Q(outcome_date__isnull=True) | Q(outcome_date__gt=day))
        & ~Q(bail_start_date__lte=day, bail_start_date__gt=F("rui_start_date"))
    )


BAIL_EXPIRY_DAYS = 14


def bail_expiring(day: date) -> Q:
    """On bail on ``day`` with the bail expiring within the next :data:`BAIL_EXPIRY_DAYS` days (``day`` included)."""
    return on_bail_at(day) & Q(bail_expiry_date__range=(day, day + timedelta(days=BAIL_EXPIRY_DAYS)))


def bail_durations(*, on: date, filters: Mapping[str, Any] | KpiFilters | None = None) -> dict[str, Any]:
    """Who is on bail and RUI on ``on``, and for how long: ``{"bail": {days: how many}, "rui": {…},
    "bail_expiring": n}`` (days since the bail or RUI started). One query: grouped by status and days,
    so at most a few thousand rows whatever the number of investigations."""
    resolved = resolve_filters(filters)
    return cast(dict[str, Any], cached_figures(("bail_durations", on, resolved), _bail_counts, resolved, on))


def _bail_counts(filters: KpiFilters, on: date) -> dict[str, Any]:
    bail, rui = on_bail_at(on), on_rui_at(on)
    status = Case(When(bail, then=Value("bail")), default=Value("rui"), output_field=CharField())
    days = Case(
        When(bail, then=DaysBetween(Value(on), F("bail_start_date"))),
        default=DaysBetween(Value(on), F("rui_start_date")),
        output_field=IntegerField(),
    )
    expiring = bail_expiring(on)
    rows = (
        filters.apply(Investigation.objects.filter(bail | rui))
        .order_by()
        .values(status=status, days=days)
        .annotate(n=Count("pk"), n_expiring=Count("pk", filter=expiring))
    )
    result: dict[str, Any] = {"bail": {}, "rui": {}, "bail_expiring": 0}
    for row in rows:
        result[row["status"]][row["days"]] = row["n"]
        result["bail_expiring"] += row["n_expiring"]
    return result
