"""Data-quality rules over the register (issue 13), defined once, as ``Q`` objects, for the report's counts,
its breakdowns by LPA, team and month, and its drill-down lists.

Each rule has the records it **fails** and the records it **applies to** (the denominator of its
rate: an outcome-18 rule only concerns outcome 18). Rules that depend on the day (bail expired,
RUI over six months) take ``today``.

Query plan: one aggregate (two conditional counts per rule) for the headline table; one grouped
query each for LPA, team and month (``TruncMonth`` of the recorded date); a drill-down is one
filtered, paginated list. Nothing is counted in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import BooleanField, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.db.models.lookups import GreaterThan

from oversight.numbers import Rate
from oversight.periods import months_between, months_later
from oversight.roles import Cap, require_capability

from .choices import Ethnicity, SuspectStatus
from .models import CpsReferral, Investigation
from .outcomes import CHARGED, VICTIM_WITHDRAWAL

RUI_MONTHS = 6
NOT_STATED = ("", Ethnicity.NOT_STATED.value)
SUSPECT_KNOWN = tuple(s for s in SuspectStatus.values if s != SuspectStatus.NOT_IDENTIFIED)
OPEN = Q(outcome_type="")


def _gap_over_a_day() -> Q:
    """Recorded more than 24 hours after it was reported: with dates, a recorded date after the next day."""
    gap = ExpressionWrapper(F("recorded_date") - F("reported_date"), output_field=DurationField())
    return Q(GreaterThan(gap, timedelta(days=1)))


def _no_referral() -> Q:
    return Q(~Exists(CpsReferral.objects.filter(investigation=OuterRef("pk"))))


def _six_months_before(today: date) -> date:
    """The same day six months earlier (the month's last day when that day does not exist)."""
    month = months_later(today, -RUI_MONTHS)
    return min(month.start.replace(day=min(today.day, month.end.day)), month.end)


@dataclass(frozen=True)
class QualityRule:
    """One check: ``failing(today)`` the records that break it, ``applies(today)`` those it concerns."""

    key: str
    short: str
    title: str
    explanation: str
    failing: Callable[[date], Q]
    applies: Callable[[date], Q]


RULES: tuple[QualityRule, ...] = (
    QualityRule(
        "late_recording",
        "Late recording",
        "Recorded more than 24 hours after it was reported",
        "The Home Office Counting Rules ask for a crime to be recorded within 24 hours of the report.",
        lambda today: Q(reported_date__isnull=False) & _gap_over_a_day(),
        lambda today: Q(reported_date__isnull=False),
    ),
    QualityRule(
        "outcome_18_suspect_identified",
        "Outcome 18, suspect known",
        "Outcome 18 (no suspect identified) while a suspect is identified",
        "A suspect reference, a suspect status beyond 'not identified' or an arrest contradicts outcome 18.",
        lambda today: (
            Q(outcome_type="18")
            & (~Q(suspect_id="") | Q(suspect_status__in=SUSPECT_KNOWN) | Q(arrest_date__isnull=False))
        ),
        lambda today: Q(outcome_type="18"),
    ),
    QualityRule(
        "withdrawal_without_reason",
        "14/16 without reason",
        "Outcome 14 or 16 without a withdrawal reason",
        "Why a victim withdrew support is what the victim-withdrawal work needs to learn from.",
        lambda today: Q(outcome_type__in=VICTIM_WITHDRAWAL, withdrawal_reason=""),
        lambda today: Q(outcome_type__in=VICTIM_WITHDRAWAL),
    ),
    QualityRule(
        "charged_without_cps_referral",
        "Charged, no CPS referral",
        "Charged without a CPS referral",
        "Outcome 1 or 1A with no CPS referral recorded.",
        lambda today: Q(outcome_type__in=CHARGED) & _no_referral(),
        lambda today: Q(outcome_type__in=CHARGED),
    ),
    QualityRule(
        "court_outcome_without_charge",
        "Court result, no charge",
        "Court outcome without a charge",
        "A court result on an investigation whose outcome is not a charge (1 or 1A).",
        lambda today: ~Q(court_outcome="") & ~Q(outcome_type__in=CHARGED),
        lambda today: ~Q(court_outcome=""),
    ),
    QualityRule(
        "bail_expired_no_outcome",
        "Bail expired, open",
        "Bail expired with no outcome",
        "The bail expiry date has passed and the investigation has no outcome.",
        lambda today: Q(bail_expiry_date__lt=today) & OPEN,
        lambda today: Q(bail_expiry_date__isnull=False),
    ),
    QualityRule(
        "rui_over_six_months",
        "RUI over 6 months",
        "Released under investigation for more than 6 months",
        "RUI started more than six months ago and the investigation has no outcome.",
        lambda today: Q(rui_start_date__lt=_six_months_before(today)) & OPEN,
        lambda today: Q(rui_start_date__isnull=False),
    ),
    QualityRule(
        "missing_ho_offence_code",
        "No HO code",
        "No Home Office offence code",
        "Every recorded crime has a Home Office classification.",
        lambda today: Q(ho_offence__isnull=True),
        lambda today: Q(),
    ),
    QualityRule(
        "victim_ethnicity_not_stated",
        "Victim ethnicity not stated",
        "Victim ethnicity not stated",
        "Empty or 'not stated': disproportionality cannot be seen without it.",
        lambda today: Q(victim_ethnicity__in=NOT_STATED),
        lambda today: Q(),
    ),
    QualityRule(
        "suspect_ethnicity_not_stated",
        "Suspect ethnicity not stated",
        "Suspect ethnicity not stated (identified suspects)",
        "Empty or 'not stated' where the suspect has a reference.",
        lambda today: ~Q(suspect_id="") & Q(suspect_ethnicity__in=NOT_STATED),
        lambda today: ~Q(suspect_id=""),
    ),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}


def rule_named(key: str) -> QualityRule | None:
    return RULES_BY_KEY.get(key)


def _counts(today: date) -> dict[str, Any]:
    counts: dict[str, Any] = {}
    for rule in RULES:
        counts[rule.key] = Count("pk", filter=rule.failing(today))
        counts[f"{rule.key}__of"] = Count("pk", filter=rule.applies(today))
    return counts


def scope(*, user: Any, date_from: date, date_to: date) -> QuerySet[Investigation]:
    """The investigations recorded in the period (the report's population), for a user who may see it."""
    require_capability(user, Cap.DATA_QUALITY_VIEW)
    return Investigation.objects.filter(recorded_date__gte=date_from, recorded_date__lte=date_to)


@dataclass
class QualityReport:
    """Each rule's failing count and rate; the same by LPA, by team and by month recorded."""

    date_from: date
    date_to: date
    total: int
    rules: list[tuple[QualityRule, Rate]]
    by_lpa: list[tuple[str, dict[str, int]]]
    by_team: list[tuple[str, dict[str, int]]]
    by_month: list[tuple[str, dict[str, int]]]


def quality_report(*, user: Any, date_from: date, date_to: date, today: date) -> QualityReport:
    """The report for investigations recorded from ``date_from`` to ``date_to``. Four queries."""
    base = scope(user=user, date_from=date_from, date_to=date_to)
    counts = _counts(today)
    failing_only = {rule.key: counts[rule.key] for rule in RULES}
    totals = base.aggregate(total=Count("pk"), **counts)
    rules = [(rule, Rate(totals[rule.key], totals[f"{rule.key}__of"])) for rule in RULES]

    def grouped(queryset: QuerySet[Any], key: str, label: Callable[[Any], str]) -> list[tuple[str, dict[str, int]]]:
        rows = queryset.values(key).annotate(**failing_only).order_by(key)
        return [(label(row[key]), {rule.key: row[rule.key] for rule in RULES}) for row in rows]

    counted = dict(grouped(base.annotate(month=TruncMonth("recorded_date")), "month", lambda month: f"{month:%Y-%m}"))
    none = dict.fromkeys((rule.key for rule in RULES), 0)
    return QualityReport(
        date_from=date_from,
        date_to=date_to,
        total=totals["total"],
        rules=rules,
        by_lpa=grouped(base, "lpa__name", lambda name: name or "No LPA recorded"),
        by_team=grouped(base, "team__name", lambda name: name or "No team recorded"),
        # every month of the period, a month without records at 0
        by_month=[(m.key, counted.get(m.key, none)) for m in months_between(date_from, date_to)],
    )


def failing(*, user: Any, rule: QualityRule, date_from: date, date_to: date, today: date) -> QuerySet[Investigation]:
    """The investigations recorded in the period that break ``rule`` (the drill-down list)."""
    return (
        scope(user=user, date_from=date_from, date_to=date_to)
        .filter(rule.failing(today))
        .select_related("lpa", "team")
        .order_by("-recorded_date", "crime_reference")
    )


def failing_references(*, user: Any, date_from: date, date_to: date, today: date) -> QuerySet[Investigation]:
    """Every investigation recorded in the period that breaks at least one rule, with a flag per rule."""
    any_rule = Q()
    for rule in RULES:
        any_rule |= rule.failing(today)
    annotations = {f"fails_{rule.key}": Q(rule.failing(today)) for rule in RULES}
    return (
        scope(user=user, date_from=date_from, date_to=date_to)
        .filter(any_rule)
        .annotate(**{key: ExpressionWrapper(q, output_field=BooleanField()) for key, q in annotations.items()})
        .select_related("lpa", "team")
        .order_by("-recorded_date", "crime_reference")
    )
