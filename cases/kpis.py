"""The KPI engine: every metric of DESIGN.md §3, aggregated in the database.

Three plain functions are the public surface (the API, the dashboards and the
monthly summary all call them):

- :func:`kpi_rows` — one row of every metric per group (month, financial
  quarter, financial year, strand, LPA, or one row for the whole period);
- :func:`soteria` — the Operation Soteria subset for one period;
- :func:`measure_investigations` — the investigations behind one count (the drill-down), built
  from the same conditions as the aggregates (:data:`COUNTED_BY_DATE`, open on a day).

How the figures are computed
----------------------------
Without a flag filter every figure is read from the KPI rollup (:mod:`cases.rollups`: counts per
month and per day × strand × offence group × victim age group × LPA × team, kept in step by every
write): two queries for any range and grouping (:func:`_by_period_rollup`, :func:`_by_column_rollup`),
the same figures as the base tables (the tests compare both). A flag filter — not a rollup
dimension — is answered from the base tables as described below, as are the drill-down lists.

Each metric is keyed by its own date (recorded, outcome, arrest, court outcome,
CPS referral, CPS decision). Counts come from conditional aggregation
(``Count(..., filter=Q(...))``) so a whole table of figures needs a fixed,
small number of queries whatever the number of groups or rows:

- grouped by strand, LPA or not grouped: one query on investigations and one on
  CPS referrals (the group key is the same column for every metric);
- grouped by a period: one grouped query per (table, date) family — recorded,
  outcome, arrest and court-outcome dates on investigations, referral and
  decision dates on CPS referrals — plus one for the investigations open when
  the period starts: seven queries for any number of months.

Grouped by a period, each query groups by the date itself (no per-row date truncation: about a
fifth faster over 1,000,000 rows on PostgreSQL) and the daily totals —
at most one row per day of the range, already aggregated — are added into their month,
financial quarter or financial year, whose key (``2025-11``, ``2025-26-Q3``, ``2025-26``) is
formatted in Python. Within a period-grouped query the period condition is in the WHERE clause
only, not repeated in every aggregate's FILTER.

Victim care (``vcop_compliance_pct``, ``vps_offered_pct``, ``advocate_referral_pct``) is counted in
the outcome-date query (yes / no / not recorded per field: no extra query); "not recorded" is left
out of each rate and reported beside it (``vcop_not_recorded`` …). CPS decisions are counted by
their decision date in the referral query: the charge rate is charge / (charge + NFA), action plans
(``further_evidence``) and early advice (``advice``) are counted on their own, never in its
denominator. Every rate is computed from one ``(numerator, denominator)`` pair (:func:`_fractions`),
which callers may ask for to show "7.4% (12 of 162)".

The outcome breakdown and the attrition funnel, one query each, are in :mod:`cases.analytics`.

``open_investigations`` is a point-in-time count: investigations recorded on
or before the date and without an outcome on or before it. For a whole period
(or a strand/LPA group) the date is ``to``; for a period group it is the end of
that group (``to`` for the last, partial one). Grouped by period it is derived
without another scan: open at the group's end = open the day before ``from`` +
recorded − outcomes from ``from`` to the group's end (exact, because an
outcome can never precede the recorded date: a database constraint).

Rounding: percentages half-up to one decimal, day averages half-up to whole
days, a zero denominator gives ``None``: :mod:`oversight.numbers`, the one rule for every figure.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.expressions import RawSQL

from oversight.caching import remembered
from oversight.errors import ApplicationError, errors_message
from oversight.numbers import mean_days, percentage
from oversight.periods import Period, financial_year_of, month_of, quarter_of

from . import rollups
from .choices import (
    BailStatus,
    CourtOutcome,
    CpsDecision,
    FunnelStage,
    OffenceGroup,
    Strand,
    VictimAgeGroup,
    YesNoUnknown,
)
from .models import REFERENCE_FILTERS, CpsReferral, Investigation, LocalPolicingArea
from .outcomes import CHARGED, POSITIVE, VICTIM_WITHDRAWAL, OutcomeType

logger = logging.getLogger(__name__)

GROUP_BY_CHOICES: tuple[str, ...] = ("month", "quarter", "year", "strand", "lpa")
PERIOD_GROUPS = frozenset({"month", "quarter", "year"})
FILTER_PARAMS: tuple[str, ...] = ("strand", "offence_group", "victim_age_group", "lpa", "team", "flag")
# The bounds of a KPI period, shared by every caller that reads one from a request (the API's
# input serializer and the dashboard form, both in ``performance/``): a period starts on or after
# EARLIEST_DATE and ends on or before LATEST_DATE.
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2099, 12, 31)


def kpi_date_error(value: date) -> str | None:
    """Why a KPI period may not start or end on ``value`` (outside the engine's bounds), else ``None``."""
    if value < EARLIEST_DATE:
        return f"Enter a date from {EARLIEST_DATE.year} onwards."
    if value > LATEST_DATE:
        return f"Enter a date before {LATEST_DATE.year + 1}."
    return None


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_kpi_date(value: Any) -> date:
    """A KPI period's first or last day from a query parameter: written exactly ``YYYY-MM-DD`` and
    within the engine's bounds. Raises ``ApplicationError`` saying why not (the API's date field and
    the drill-down lists read dates with this)."""
    text = str(value or "").strip()
    if not text:
        raise ApplicationError("a date is required (YYYY-MM-DD).")
    try:
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        parsed = date.fromisoformat(text)
    except ValueError:
        raise ApplicationError(f"'{text}' is not a date: use YYYY-MM-DD, e.g. 2025-04-01.") from None
    if error := kpi_date_error(parsed):
        raise ApplicationError(error)
    return parsed


# Every metric of DESIGN.md §3, in the order the API and the exports show them.
METRICS: tuple[str, ...] = (
    "recorded_offences",
    "outcomes_assigned",
    "charged",
    "charged_pct",
    "positive_outcomes",
    "positive_outcome_rate",
    "victim_withdrawal",
    "victim_withdrawal_pct",
    "cps_referrals",
    "cps_charge_rate",
    "cps_action_plans",
    "cps_advice",
    "avg_days_to_charge",
    "avg_days_to_outcome",
    "open_investigations",
    "rui_pct",
    "conviction_rate",
    "vcop_compliance_pct",
    "vcop_not_recorded",
    "vps_offered_pct",
    "vps_not_recorded",
    "advocate_referral_pct",
    "advocate_not_recorded",
    "repeat_victims",
    "repeat_suspects",
)
SOTERIA_METRICS: tuple[str, ...] = (
    "recorded_offences",
    "outcomes_assigned",
    "charged",
    "charged_pct",
    "victim_withdrawal",
    "victim_withdrawal_pct",
    "cps_referrals",
    "avg_days_to_charge",
)
METRIC_LABELS: dict[str, str] = {
    "recorded_offences": "Recorded offences",
    "outcomes_assigned": "Outcomes assigned",
    "charged": "Charged/summonsed",
    "charged_pct": "Charged (% of outcomes)",
    "positive_outcomes": "Positive outcomes",
    "positive_outcome_rate": "Positive outcome rate (%)",
    "victim_withdrawal": "Victim withdrawal outcomes",
    "victim_withdrawal_pct": "Victim withdrawal (% of outcomes)",
    "cps_referrals": "CPS referrals",
    "cps_charge_rate": "CPS charge rate (% of charge and NFA decisions)",
    "cps_action_plans": "CPS action plans (further evidence requested)",
    "cps_advice": "CPS early advice",
    "avg_days_to_charge": "Average days to charge",
    "avg_days_to_outcome": "Average days to outcome",
    "open_investigations": "Open investigations",
    "rui_pct": "Released under investigation (% of RUI and bail)",
    "conviction_rate": "Conviction rate (%)",
    "vcop_compliance_pct": "Victims' Code compliance (%)",
    "vcop_not_recorded": "Victims' Code compliance not recorded",
    "vps_offered_pct": "Victim personal statement offered (%)",
    "vps_not_recorded": "Victim personal statement not recorded",
    "advocate_referral_pct": "ISVA/IDVA referral (%)",
    "advocate_not_recorded": "ISVA/IDVA referral not recorded",
    "repeat_victims": "Repeat victims (2 or more investigations recorded)",
    "repeat_suspects": "Repeat suspects (2 or more investigations recorded)",
}
PERCENT_METRICS = frozenset(
    {
        "charged_pct",
        "positive_outcome_rate",
        "victim_withdrawal_pct",
        "cps_charge_rate",
        "rui_pct",
        "conviction_rate",
        "vcop_compliance_pct",
        "vps_offered_pct",
        "advocate_referral_pct",
    }
)
# Victim care: (rate metric, "not recorded" count metric, Investigation field), DESIGN.md §3:
# 100 × yes / (yes + no) over investigations with an outcome date in the period.
VICTIM_CARE: tuple[tuple[str, str, str], ...] = (
    ("vcop_compliance_pct", "vcop_not_recorded", "vcop_compliant"),
    ("vps_offered_pct", "vps_not_recorded", "vps_offered"),
    ("advocate_referral_pct", "advocate_not_recorded", "advocate_referral"),
)
# Repeat victims and suspects (DESIGN.md §3): (metric, the person's pseudonymous reference), distinct people
# with two or more investigations recorded in the period (or in the group's part of it).
REPEAT_PEOPLE: tuple[tuple[str, str], ...] = (("repeat_victims", "victim_id"), ("repeat_suspects", "suspect_id"))


# --------------------------------------------------------------------------- SQL pieces


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (two date columns) as an integer, on SQLite and PostgreSQL."""

    arity = 2
    output_field = IntegerField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    # Parameters are returned as a list (Django accepts either); hence ``tuple[str, Any]``.
    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> tuple[str, Any]:
        # PostgreSQL (and the SQL standard for DATE): date - date is an integer number of days.
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        return f"({end_sql} - {start_sql})", [*end_params, *start_params]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        return f"CAST(julianday({end_sql}) - julianday({start_sql}) AS INTEGER)", [*end_params, *start_params]


def _bucket_of_period(group_by: str, period: Period) -> date | int:
    if group_by == "year":
        return period.start.year
    return period.start


def periods_between(group_by: str, date_from: date, date_to: date) -> Iterator[Period]:
    """Every month / financial quarter / financial year touching ``[date_from, date_to]``, in order."""
    of = {"month": month_of, "quarter": quarter_of, "year": financial_year_of}[group_by]
    current = of(date_from)
    while current.start <= date_to:
        yield current
        current = of(current.end + timedelta(days=1))


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class KpiFilters:
    """Validated filters: codes for the fixed lists, primary keys for reference data."""

    strand: str | None = None
    offence_group: str | None = None
    victim_age_group: str | None = None
    lpa_id: int | None = None
    team_id: int | None = None
    flag_id: int | None = None

    def q(self, prefix: str = "") -> Q:
        """The filter as a ``Q`` on investigations (``prefix="investigation__"`` from CPS referrals)."""
        conditions = Q()
        for name in ("strand", "offence_group", "victim_age_group", "lpa_id", "team_id"):
            value = getattr(self, name)
            if value is not None:
                conditions &= Q(**{f"{prefix}{name}": value})
        return conditions

    def apply(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        queryset = queryset.filter(self.q(prefix))
        if self.flag_id is not None:
            # EXISTS, not a join: a flag filter can never count an investigation twice.
            pk = OuterRef("investigation_id" if prefix else "pk")
            flagged = Investigation.flags.through.objects.filter(investigation_id=pk, flag_id=self.flag_id)
            queryset = queryset.filter(Exists(flagged))
        return queryset


_CHOICE_FILTERS: dict[str, Any] = {
    "strand": Strand,
    "offence_group": OffenceGroup,
    "victim_age_group": VictimAgeGroup,
}


def resolve_filters(raw: Mapping[str, Any] | KpiFilters | None) -> KpiFilters:
    """Validate filter codes (``lpa``/``team`` by code or name, case-insensitive; ``flag`` by code).

    Raises ``ApplicationError`` naming every unknown parameter value. Blank values are ignored.
    """
    if isinstance(raw, KpiFilters):
        return raw
    raw = raw or {}
    unknown_keys = sorted(set(raw) - set(FILTER_PARAMS))
    errors: dict[str, list[str]] = {
        key: [f"Unknown filter: use one of {', '.join(FILTER_PARAMS)}."] for key in unknown_keys
    }
    values: dict[str, Any] = {}
    for name in FILTER_PARAMS:
        value = str(raw.get(name) or "").strip()
        if not value:
            continue
        if name in _CHOICE_FILTERS:
            codes = _CHOICE_FILTERS[name].values
            if value.lower() not in codes:
                errors[name] = [f"'{value}' is not a known code: use one of {', '.join(codes)}."]
            else:
                values[name] = value.lower()
            continue
        model = REFERENCE_FILTERS[name]
        if name == "flag":
            pk = model.objects.filter(code__iexact=value).values_list("pk", flat=True).first()
        else:
            pk = getattr(model.objects.by_code_or_name(value), "pk", None)
        if pk is None:
            what = "code" if name == "flag" else "code or name"
            errors[name] = [f"'{value}' is not a known {model._meta.verbose_name} {what}."]
        else:
            values[f"{name}_id"] = pk
    if errors:
        raise ApplicationError(errors_message(errors), errors)
    return KpiFilters(**values)


# --------------------------------------------------------------------------- aggregation


def _between(field_name: str, date_from: date, date_to: date) -> Q:
    return Q(**{f"{field_name}__range": (date_from, date_to)})


# --------------------------------------------------------------------------- what each count counts

# The investigation counts keyed by one date: (that date, the condition beyond the date). The
# aggregate queries below and the drill-down lists (:func:`measure_investigations`) are both built
# from these and from :func:`_open_at`, so a figure and the list behind it cannot disagree.
COUNTED_BY_DATE: dict[str, tuple[str, Q]] = {
    "recorded_offences": ("recorded_date", Q()),
    "outcomes_assigned": ("outcome_date", Q()),
    "charged": ("outcome_date", Q(outcome_type__in=CHARGED)),
    "positive_outcomes": ("outcome_date", Q(outcome_type__in=POSITIVE)),
    "victim_withdrawal": ("outcome_date", Q(outcome_type__in=VICTIM_WITHDRAWAL)),
}
# The attrition funnel's later stages (cases.analytics): of the investigations recorded in a period, those
# that have reached the stage by now (:func:`funnel_reached`). Each is also the drill-down measure
# ``funnel_<stage>`` (recorded in the period and reached), named as its rollup count.
FUNNEL_MEASURES: dict[str, str] = {f"funnel_{stage}": stage for stage in FunnelStage if stage != FunnelStage.RECORDED}


def funnel_reached() -> dict[str, Q]:
    """Each later funnel stage's condition on an investigation, in :data:`FUNNEL_MEASURES` order (built on
    call: the referral subquery needs the models loaded)."""
    return {
        FunnelStage.ARRESTED: Q(arrest_date__isnull=False),
        # EXISTS on the referrals' investigation index: referred twice counts once
        FunnelStage.REFERRED_TO_CPS: Q(Exists(CpsReferral.objects.filter(investigation_id=OuterRef("pk")))),
        FunnelStage.CHARGED: Q(outcome_type__in=CHARGED),
        FunnelStage.COURT_OUTCOME: ~Q(court_outcome=""),
        FunnelStage.CONVICTED: Q(court_outcome=CourtOutcome.CONVICTED),
    }


# Every count that can be listed investigation by investigation (DESIGN.md §4, drill-down).
DRILLDOWN_MEASURES: tuple[str, ...] = (*COUNTED_BY_DATE, "open_investigations", *FUNNEL_MEASURES)


def _open_at(day: date) -> Q:
    """Open on ``day``: recorded on or before it, no outcome on or before it."""
    return Q(recorded_date__lte=day) & (Q(outcome_date__isnull=True) | Q(outcome_date__gt=day))


def measure_condition(measure: str, *, date_from: date, date_to: date) -> Q:
    """The condition on investigations counted by ``measure`` (one of :data:`DRILLDOWN_MEASURES`)
    for ``[date_from, date_to]``: its own date in the period and, for outcomes, the outcome set;
    ``open_investigations`` is open on ``date_to``; a funnel stage, recorded in the period and reached."""
    if measure == "open_investigations":
        return _open_at(date_to)
    if measure in FUNNEL_MEASURES:
        return _between("recorded_date", date_from, date_to) & funnel_reached()[FUNNEL_MEASURES[measure]]
    date_field, condition = COUNTED_BY_DATE[measure]
    return _between(date_field, date_from, date_to) & condition


def _investigation_aggregates(family: str, within: Q) -> dict[str, Any]:
    """Conditional aggregates of one date family of investigations.

    ``within`` is the period condition on that family's date; it is empty when the query's WHERE
    clause already restricts rows to the period (grouped by period), which saves work per row.
    """
    counts: dict[str, Any] = {
        measure: Count("pk", filter=within & condition)
        for measure, (date_field, condition) in COUNTED_BY_DATE.items()
        if date_field == family
    }
    if family == "recorded_date":
        return counts
    if family == "outcome_date":
        days = DaysBetween(F("outcome_date"), F("recorded_date"))
        return counts | {
            "days_to_charge": Sum(days, filter=within & COUNTED_BY_DATE["charged"][1]),
            "days_to_outcome": Sum(days, filter=within),
            **_victim_care_aggregates(within),
        }
    if family == "arrest_date":
        return {
            "rui": Count("pk", filter=within & Q(bail_status=BailStatus.RUI)),
            "bail": Count("pk", filter=within & Q(bail_status=BailStatus.BAIL)),
        }
    if family == "court_outcome_date":
        return {
            "convicted": Count("pk", filter=within & Q(court_outcome=CourtOutcome.CONVICTED)),
            "acquitted": Count("pk", filter=within & Q(court_outcome=CourtOutcome.ACQUITTED)),
            "discontinued": Count("pk", filter=within & Q(court_outcome=CourtOutcome.DISCONTINUED)),
        }
    raise ValueError(family)


def _victim_care_aggregates(within: Q) -> dict[str, Any]:
    """Yes and no counts of each victim-care field (``vcop_compliant_yes`` …); "not recorded" is the rest
    of the outcomes assigned, so it needs no aggregate of its own."""
    aggregates: dict[str, Any] = {}
    for _rate, _not_recorded, field in VICTIM_CARE:
        for answer, value in (("yes", YesNoUnknown.YES), ("no", YesNoUnknown.NO)):
            aggregates[f"{field}_{answer}"] = Count("pk", filter=Q(**{field: value}) & within)
    return aggregates


# The CPS decisions counted by their decision date, keyed by count name (DESIGN.md §3: the charge
# rate is charge / (charge + NFA); action plans and early advice are counted, never in the denominator).
CPS_DECISION_COUNTS: dict[str, str] = {
    "cps_charge_decisions": CpsDecision.CHARGE,
    "cps_nfa_decisions": CpsDecision.NFA,
    "cps_action_plans": CpsDecision.FURTHER_EVIDENCE,
    "cps_advice": CpsDecision.ADVICE,
}


def _referral_aggregates(family: str, within: Q) -> dict[str, Any]:
    if family == "referral_date":
        return {"cps_referrals": Count("pk", filter=within)}
    if family == "decision_date":
        return {name: Count("pk", filter=within & Q(decision=code)) for name, code in CPS_DECISION_COUNTS.items()}
    raise ValueError(family)


INVESTIGATION_FAMILIES = ("recorded_date", "outcome_date", "arrest_date", "court_outcome_date")
REFERRAL_FAMILIES = ("referral_date", "decision_date")
_COUNTS = (
    "recorded_offences",
    "outcomes_assigned",
    "charged",
    "positive_outcomes",
    "victim_withdrawal",
    "days_to_charge",
    "days_to_outcome",
    "rui",
    "bail",
    "convicted",
    "acquitted",
    "discontinued",
    "cps_referrals",
    *CPS_DECISION_COUNTS,
    "open_investigations",
    *(f"{field}_{answer}" for _r, _n, field in VICTIM_CARE for answer in ("yes", "no")),
    *(metric for metric, _field in REPEAT_PEOPLE),
)


def _fractions(c: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of every rate metric: the one definition each percentage is computed from."""
    fractions = {
        "charged_pct": (c["charged"], c["outcomes_assigned"]),
        "positive_outcome_rate": (c["positive_outcomes"], c["recorded_offences"]),
        "victim_withdrawal_pct": (c["victim_withdrawal"], c["outcomes_assigned"]),
        "cps_charge_rate": (c["cps_charge_decisions"], c["cps_charge_decisions"] + c["cps_nfa_decisions"]),
        "rui_pct": (c["rui"], c["rui"] + c["bail"]),
        "conviction_rate": (c["convicted"], c["convicted"] + c["acquitted"] + c["discontinued"]),
    }
    for rate, _not_recorded, field in VICTIM_CARE:
        fractions[rate] = (c[f"{field}_yes"], c[f"{field}_yes"] + c[f"{field}_no"])
    return fractions


def _metrics(counts: Mapping[str, int | None]) -> dict[str, Any]:
    """The §3 metrics from raw counts (missing counts are 0), in :data:`METRICS` order, and under
    ``fractions`` the numerator and denominator of every rate (:func:`kpi_rows` drops them unless asked)."""
    c = {name: int(counts.get(name) or 0) for name in _COUNTS}
    fractions = _fractions(c)
    figures: dict[str, Any] = {
        "recorded_offences": c["recorded_offences"],
        "outcomes_assigned": c["outcomes_assigned"],
        "charged": c["charged"],
        "positive_outcomes": c["positive_outcomes"],
        "victim_withdrawal": c["victim_withdrawal"],
        "cps_referrals": c["cps_referrals"],
        "cps_action_plans": c["cps_action_plans"],
        "cps_advice": c["cps_advice"],
        "avg_days_to_charge": mean_days(c["days_to_charge"], c["charged"]),
        "avg_days_to_outcome": mean_days(c["days_to_outcome"], c["outcomes_assigned"]),
        "open_investigations": c["open_investigations"],
        **{metric: c[metric] for metric, _field in REPEAT_PEOPLE},
        **{rate: percentage(*fraction) for rate, fraction in fractions.items()},
        **{
            not_recorded: c["outcomes_assigned"] - c[f"{field}_yes"] - c[f"{field}_no"]
            for _rate, not_recorded, field in VICTIM_CARE
        },
    }
    return {**{name: figures[name] for name in METRICS}, "fractions": fractions}


def _by_column(group_by: str | None, filters: KpiFilters, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """One query per table: every metric per strand / LPA code / the whole period (``None``)."""
    column = {None: None, "strand": "strand", "lpa": "lpa__code"}[group_by]
    open_at_end = measure_condition("open_investigations", date_from=date_from, date_to=date_to)
    touches = Q(open_at_end)
    aggregates: dict[str, Any] = {"open_investigations": Count("pk", filter=open_at_end)}
    for family in INVESTIGATION_FAMILIES:
        touches |= _between(family, date_from, date_to)
        aggregates |= _investigation_aggregates(family, _between(family, date_from, date_to))
    investigations = filters.apply(Investigation.objects.filter(touches))

    referral_touches = Q()
    referral_aggregates: dict[str, Any] = {}
    for family in REFERRAL_FAMILIES:
        referral_touches |= _between(family, date_from, date_to)
        referral_aggregates |= _referral_aggregates(family, _between(family, date_from, date_to))
    referrals = filters.apply(CpsReferral.objects.filter(referral_touches), prefix="investigation__")

    if column is None:
        counts = investigations.aggregate(**aggregates) | referrals.aggregate(**referral_aggregates)
        return [{"group": None, **_metrics(counts)}]

    groups: dict[str | None, dict[str, Any]] = {}
    for row in investigations.order_by().values(group=F(column)).annotate(**aggregates):
        groups.setdefault(row["group"], {}).update(row)
    referral_column = f"investigation__{column}"
    for row in referrals.order_by().values(group=F(referral_column)).annotate(**referral_aggregates):
        groups.setdefault(row["group"], {}).update(row)
    # Ascending codes; investigations without an LPA make the last row, ``"group": null``.
    ordered = sorted(groups, key=lambda key: (key is None, key or ""))
    return [{"group": key, **_metrics(groups[key])} for key in ordered]


def _period_buckets(group_by: str) -> Any:
    """``bucket_of(day)``: the key of the month / quarter / year holding ``day`` (memoised per day)."""
    of = {"month": month_of, "quarter": quarter_of, "year": financial_year_of}[group_by]
    buckets: dict[date, date | int] = {}

    def bucket_of(day: date) -> date | int:
        if day not in buckets:
            buckets[day] = _bucket_of_period(group_by, of(day))
        return buckets[day]

    return bucket_of


def _period_rows(
    group_by: str, counts: dict[date | int, dict[str, int]], open_count: int, date_from: date, date_to: date
) -> list[dict[str, Any]]:
    """One row per period touching the range from counts per period and the open count the day before it."""
    rows = []
    for period in periods_between(group_by, date_from, date_to):
        group_counts = counts.get(_bucket_of_period(group_by, period), {})
        # Open at this group's end (``to`` for a partial last group): see the module docstring.
        open_count += (group_counts.get("recorded_offences") or 0) - (group_counts.get("outcomes_assigned") or 0)
        rows.append({"group": period.key, **_metrics({**group_counts, "open_investigations": open_count})})
    return rows


def _by_period(group_by: str, filters: KpiFilters, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """One grouped query per (table, date) family, keyed by the period of that date (base tables)."""
    counts: dict[date | int, dict[str, int]] = {}
    bucket_of = _period_buckets(group_by)

    def collect(queryset: QuerySet, family: str, aggregates: dict[str, Any]) -> None:
        # Grouped by the date itself, which PostgreSQL does from its index far faster than by a
        # truncated date; the (at most a few hundred) daily totals are then added into their period.
        grouped = (
            queryset.filter(_between(family, date_from, date_to))
            .order_by()
            .values(day=F(family))
            .annotate(**aggregates)
        )
        for row in grouped:
            totals = counts.setdefault(bucket_of(row.pop("day")), {})
            for name, value in row.items():
                totals[name] = totals.get(name, 0) + (value or 0)

    investigations = filters.apply(Investigation.objects.all())
    for family in INVESTIGATION_FAMILIES:
        collect(investigations, family, _investigation_aggregates(family, Q()))
    referrals = filters.apply(CpsReferral.objects.all(), prefix="investigation__")
    for family in REFERRAL_FAMILIES:
        collect(referrals, family, _referral_aggregates(family, Q()))

    day_before = date_from - timedelta(days=1)
    open_count = investigations.filter(_open_at(day_before)).count()
    return _period_rows(group_by, counts, open_count, date_from, date_to)


# --------------------------------------------------------------------------- from the rollup


def _q_holds(condition: Q, values: Mapping[str, Any]) -> bool:
    """Whether a plain condition (``field=…`` / ``field__in=…`` joined by AND) holds for ``values``."""
    if condition.negated or (condition.connector != Q.AND and len(condition.children) > 1):
        raise ValueError(f"not a plain condition: {condition}")
    for child in condition.children:
        if isinstance(child, Q):
            if not _q_holds(child, values):
                return False
            continue
        lookup, wanted = cast(tuple[str, Any], child)
        field, _, operator = lookup.partition("__")
        value = values[field]
        if operator == "in":
            if value not in wanted:
                return False
        elif operator in ("", "exact"):
            if value != wanted:
                return False
        else:
            raise ValueError(f"not a plain condition: {condition}")
    return True


def _rollup_columns() -> dict[str, tuple[str, ...]]:
    """Each raw count of the engine (:data:`_COUNTS`) as the rollup measures it adds up: the counts by
    outcome date are the outcome types their condition in :data:`COUNTED_BY_DATE` holds for."""
    columns: dict[str, tuple[str, ...]] = {}
    for measure, (field, condition) in COUNTED_BY_DATE.items():
        if field == "recorded_date" and not condition:
            columns[measure] = ("recorded",)
        elif field == "outcome_date":
            types = [code for code in OutcomeType.values if _q_holds(condition, {"outcome_type": code})]
            columns[measure] = tuple(f"outcome_{code.lower()}" for code in types)
        else:  # a condition the rollup cannot answer
            raise ValueError(f"{measure}: not in the rollup")
    columns |= {
        "days_to_outcome": ("days_to_outcome",),
        "days_to_charge": ("days_to_charge",),
        "rui": (f"arrest_{BailStatus.RUI}",),
        "bail": (f"arrest_{BailStatus.BAIL}",),
        **{code: (f"court_{code}",) for code in ("convicted", "acquitted", "discontinued")},
        "cps_referrals": ("referrals",),
        **{name: (f"decision_{code}",) for name, code in CPS_DECISION_COUNTS.items()},
    }
    for prefix, field in rollups.VICTIM_CARE_FIELDS:
        for answer in ("yes", "no"):
            columns[f"{field}_{answer}"] = (f"{prefix}_{answer}",)
    return columns


_ROLLUP_COLUMNS = _rollup_columns()
# Any of these non-zero: something of the group touches the period (an arrest or a court outcome
# counts even when no metric does), the rule the base-table query applies to list a strand or LPA.
_TOUCHING = ("recorded", "outcomes", "arrests", "referrals", *(f"court_{c}" for c in CourtOutcome.values))
_TOUCHING += tuple(f"decision_{c}" for c in CpsDecision.values)


def _add_rollup_row(totals: dict[str, int], row: Mapping[str, Any]) -> None:
    """Add one summed rollup row into the engine's raw counts (:data:`_COUNTS`)."""
    for name, columns in _ROLLUP_COLUMNS.items():
        totals[name] = totals.get(name, 0) + sum(row[column] for column in columns)


def rollup_filters(filters: KpiFilters) -> dict[str, Any]:
    """The filters as rollup columns (all but the flag, which the rollup cannot answer)."""
    return {
        name: getattr(filters, name)
        for name in ("strand", "offence_group", "victim_age_group", "lpa_id", "team_id")
        if getattr(filters, name) is not None
    }


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _open_from_rollup(filters: KpiFilters, day: date, group: tuple[str, ...] = ()) -> dict[Any, int]:
    """Open on ``day`` (recorded on or before it minus outcomes on or before it), per ``group`` value."""
    opened: dict[Any, int] = {}
    for row in rollups.sums(
        span=rollups.up_to(day), filters=rollup_filters(filters), group=group, measures=("recorded", "outcomes")
    ):
        opened[row[group[0]] if group else None] = row["recorded"] - row["outcomes"]
    return opened


def _by_period_rollup(group_by: str, filters: KpiFilters, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """As :func:`_by_period`, from the rollup: two queries whatever the range."""
    counts: dict[date | int, dict[str, int]] = {}
    bucket_of = _period_buckets(group_by)
    span = rollups.window(date_from, date_to)
    for row in rollups.sums(span=span, filters=rollup_filters(filters), group=("period",)):
        # A month row's period is its first day: every day of a month is in the same quarter and year.
        _add_rollup_row(counts.setdefault(bucket_of(_as_date(row["period"])), {}), row)
    open_count = _open_from_rollup(filters, date_from - timedelta(days=1)).get(None, 0)
    return _period_rows(group_by, counts, open_count, date_from, date_to)


def _by_column_rollup(
    group_by: str | None, filters: KpiFilters, date_from: date, date_to: date
) -> list[dict[str, Any]]:
    """As :func:`_by_column`, from the rollup: two queries (three grouped by LPA, for the codes)."""
    group: tuple[str, ...] = {None: (), "strand": ("strand",), "lpa": ("lpa_id",)}[group_by]
    groups: dict[Any, dict[str, int]] = {}
    for row in rollups.sums(span=rollups.window(date_from, date_to), filters=rollup_filters(filters), group=group):
        if any(
            row[column] for column in _TOUCHING
        ):  # a group is listed when something of it touches the period, as from the base tables
            _add_rollup_row(groups.setdefault(row[group[0]] if group else None, {}), row)
    for key, count in _open_from_rollup(filters, date_to, group).items():
        if count or key in groups:
            groups.setdefault(key, {})["open_investigations"] = count
    if not group:
        return [{"group": None, **_metrics(groups.get(None, {}))}]
    if group_by == "lpa":
        codes = dict(LocalPolicingArea.objects.values_list("pk", "code"))
        groups = {codes.get(key) if key else None: counts for key, counts in groups.items()}
    ordered = sorted(groups, key=lambda key: (key is None, key or ""))
    return [{"group": key, **_metrics(groups[key])} for key in ordered]


# --------------------------------------------------------------------------- repeat victims and suspects


def _repeat_group(group_by: str | None, date_from: date, date_to: date) -> Any:
    """The group key of an investigation as SQL: its period's key (``2025-26-Q3``) from the recorded
    date, its strand or LPA id (the person indexes hold the id, not the code), or ``None`` without a
    grouping."""
    if group_by in PERIOD_GROUPS:
        # The WHERE clause keeps the recorded date in the range: the first period ending on or after it.
        # Written as SQL: the ORM's Case of 24 Whens cost 9 ms of compiling per request, the query 3 ms.
        quote = connections[Investigation.objects.db].ops.quote_name
        column = f"{quote(Investigation._meta.db_table)}.{quote('recorded_date')}"
        periods = list(periods_between(group_by, date_from, date_to))
        whens = " ".join(f"WHEN {column} <= %s THEN %s" for _period in periods)
        params = [value for period in periods for value in (period.end, period.key)]
        return RawSQL(f"CASE {whens} END", params, output_field=CharField())  # noqa: S611 (names, parameters)
    return {None: None, "strand": F("strand"), "lpa": F("lpa_id")}[group_by]


def repeat_people(
    group_by: str | None, filters: KpiFilters, date_from: date, date_to: date
) -> dict[Any, dict[str, int]]:
    """``repeat_victims`` and ``repeat_suspects`` per group key: distinct people (a blank reference is
    nobody) with two or more investigations recorded in the group's part of the period.

    The rollup cannot answer this (it keeps no people), so it is read from the base tables in one
    query whatever the number of groups: per kind of person, the people with two or more
    investigations (``GROUP BY group, person HAVING COUNT(*) >= 2``), counted per group.
    """
    recorded = filters.apply(Investigation.objects.filter(_between("recorded_date", date_from, date_to)))
    group = _repeat_group(group_by, date_from, date_to)
    selects: list[str] = []
    params: list[Any] = []
    key, joined = "NULL", ""
    if group_by == "lpa":  # the people are grouped by LPA id (in the index); its code joined to the counts
        quote = connections[recorded.db].ops.quote_name
        key, joined = "lpa.code", f' LEFT JOIN {quote(LocalPolicingArea._meta.db_table)} lpa ON lpa.id = people."g"'
    elif group is not None:
        key = 'people."g"'
    grouping = "" if group is None else f" GROUP BY {key}"
    for metric, field in REPEAT_PEOPLE:
        columns: dict[str, Any] = {"person": F(field)} if group is None else {"g": group, "person": F(field)}
        people = recorded.exclude(**{field: ""}).order_by().values(**columns).annotate(n=Count("*")).filter(n__gte=2)
        sql, people_params = people.query.sql_with_params()
        # ``metric`` is one of this module's constants, never input.
        selects.append(f"SELECT '{metric}', {key}, COUNT(*) FROM ({sql}) people{joined}{grouping}")  # noqa: S608 (constants and compiled SQL)
        params += people_params
    counts: dict[Any, dict[str, int]] = {}
    with connections[recorded.db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        for metric, group_key, count in cursor.fetchall():
            counts.setdefault(group_key, {})[metric] = count
    return counts


def _with_repeat_people(compute: Any) -> Any:
    """``compute`` (one of the four row builders) with the repeat victims and suspects filled in."""

    def rows_with_people(
        group_by: str | None, filters: KpiFilters, date_from: date, date_to: date
    ) -> list[dict[str, Any]]:
        rows = compute(group_by, filters, date_from, date_to)
        people = repeat_people(group_by, filters, date_from, date_to)
        for row in rows:
            for metric, _field in REPEAT_PEOPLE:
                row[metric] = people.get(row["group"], {}).get(metric, 0)
        return rows

    return rows_with_people


def check_period(date_from: date, date_to: date) -> None:
    """Refuse a period that ends before it starts (``ApplicationError``)."""
    if date_from > date_to:
        raise ApplicationError(f"from: '{date_from}' is after to '{date_to}'.", {"from": ["'from' is after 'to'."]})


def kpi_rows(
    *,
    date_from: date,
    date_to: date,
    group_by: str | None = None,
    filters: Mapping[str, Any] | KpiFilters | None = None,
    fractions: bool = False,
    people: bool = True,
) -> list[dict[str, Any]]:
    """Every §3 metric for ``[date_from, date_to]`` (inclusive), one dict per group.

    ``group_by``: ``None`` (one row, ``"group": None``), ``month`` (``2025-11``), ``quarter``
    (``2025-26-Q3``), ``year`` (financial year ``2025-26``), ``strand`` or ``lpa`` (codes).
    Period groups cover every period touching the range, empty ones included, in order; strand and
    LPA groups are those with any figure, in code order, investigations without an LPA last (``None``).
    ``filters``: codes as the CSV uses them (``strand``, ``offence_group``, ``victim_age_group``,
    ``lpa``, ``team``, ``flag``), or a resolved :class:`KpiFilters`. Raises ``ApplicationError``
    for bad input. With ``fractions=True`` each row also has ``"fractions"``: the
    ``(numerator, denominator)`` of every rate, so a page can show "7.4% (12 of 162)".
    With ``people=False`` the rows leave out ``repeat_victims`` and ``repeat_suspects``: the rollup keeps
    no people, so they cost a base-table query, which a caller that does not show them need not pay.
    """
    check_period(date_from, date_to)
    if group_by is not None and group_by not in GROUP_BY_CHOICES:
        raise ApplicationError(
            f"group_by: '{group_by}' is not a grouping: use one of {', '.join(GROUP_BY_CHOICES)}.",
            {"group_by": ["Unknown grouping."]},
        )
    resolved = resolve_filters(filters)
    if resolved.flag_id is None:  # the rollup has every dimension but flags (cases/rollups.py)
        compute = _by_period_rollup if group_by in PERIOD_GROUPS else _by_column_rollup
    else:
        compute = _by_period if group_by in PERIOD_GROUPS else _by_column
    rows = cached_figures(
        ("kpi_rows", date_from, date_to, group_by, resolved, people),
        _with_repeat_people(compute) if people else compute,
        group_by,
        resolved,
        date_from,
        date_to,
    )
    for row in rows:
        if not fractions:
            row.pop("fractions", None)
        if not people:
            for metric, _field in REPEAT_PEOPLE:
                row.pop(metric, None)
    return rows


def measure_investigations(
    measure: str,
    *,
    date_from: date,
    date_to: date,
    filters: Mapping[str, Any] | KpiFilters | None = None,
    queryset: QuerySet[Investigation] | None = None,
) -> QuerySet[Investigation]:
    """Exactly the investigations counted by ``measure`` for ``[date_from, date_to]`` and ``filters``:
    the drill-down behind a figure. Its ``count()`` equals the figure :func:`kpi_rows` gives for the
    same period and filters (for a period group, the group's days within the period).

    ``measure`` is one of :data:`DRILLDOWN_MEASURES`; ``queryset`` (all investigations by default)
    is narrowed, so a caller's select_related, annotations and role check are kept. The filters are
    applied as the engine applies them (a flag as EXISTS: never a row twice). Raises
    ``ApplicationError`` for an unknown measure, a reversed period or an unknown filter code.
    """
    if measure not in DRILLDOWN_MEASURES:
        raise ApplicationError(
            f"measure: '{measure}' is not a measure to list: use one of {', '.join(DRILLDOWN_MEASURES)}.",
            {"measure": [f"Unknown measure: use one of {', '.join(DRILLDOWN_MEASURES)}."]},
        )
    if date_from > date_to:
        raise ApplicationError(f"from: '{date_from}' is after to '{date_to}'.", {"from": ["'from' is after 'to'."]})
    resolved = resolve_filters(filters)
    base = Investigation.objects.all() if queryset is None else queryset
    return resolved.apply(base.filter(measure_condition(measure, date_from=date_from, date_to=date_to)))


# --------------------------------------------------------------------------- cache

DATA_VERSION_KEY = "kpis:data-version"


def data_changed() -> None:
    """Invalidate every cached KPI figure: call after writes to investigations or CPS referrals.

    Cached figures are keyed by a data version; bumping it retires them all at once (the
    old entries expire on their own). Model saves and deletes call this through signals
    (``cases/signals.py``); bulk writes (import, generator, seed) call it themselves.
    """
    try:
        cache.incr(DATA_VERSION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.set(DATA_VERSION_KEY, 1, timeout=None)
    except Exception:  # a cache outage must never break a write
        logger.warning("Could not invalidate the KPI cache", exc_info=True)


def cached_figures(key_parts: tuple[Any, ...], compute: Any, *args: Any) -> Any:
    """``compute(*args)``, remembered for ``KPI_CACHE_SECONDS`` (0 turns caching off) per data version.

    The database stays the source of truth: a cache that is down or empty only costs time.
    """
    seconds = getattr(settings, "KPI_CACHE_SECONDS", 0)
    if not seconds:
        return compute(*args)
    try:
        version = cache.get_or_set(DATA_VERSION_KEY, 0, timeout=None)
    except Exception:  # a cache outage only costs time
        logger.warning("KPI cache unavailable", exc_info=True)
        return compute(*args)
    key = "kpis:" + hashlib.sha256(repr((version, *key_parts)).encode()).hexdigest()
    return copy.deepcopy(remembered(key, seconds, lambda: compute(*args)))


def soteria(
    *,
    date_from: date,
    date_to: date,
    filters: Mapping[str, Any] | KpiFilters | None = None,
    fractions: bool = False,
) -> dict[str, Any]:
    """The Operation Soteria figures for one period, with the filters given (none are implied:
    the national table's "recorded adult rape offences" is ``offence_group=rape, victim_age_group=adult``).
    With ``fractions=True`` also ``"fractions"``: the numerator and denominator of its rates.
    """
    row = kpi_rows(date_from=date_from, date_to=date_to, filters=filters, fractions=fractions, people=False)[0]
    figures = {"from": date_from, "to": date_to, **{name: row[name] for name in SOTERIA_METRICS}}
    if fractions:
        figures["fractions"] = {name: pair for name, pair in row["fractions"].items() if name in SOTERIA_METRICS}
    return figures


ADULT_RAPE = {"offence_group": OffenceGroup.RAPE.value, "victim_age_group": VictimAgeGroup.ADULT.value}
