"""Reads of the evidence behind a rating: a commitment's indicators for a quarter, computed by the
KPI engine (never typed in), linked audit compliance, board actions and scrutiny queries.

Query plan, per commitment page: one query for the indicators (with their linked board actions
prefetched, two more), then one KPI engine call per indicator grouped by quarter over the eight
quarters ending with the one shown (seven grouped queries, see ``cases.kpis``): the quarter's value,
the same quarter last year and the 8-quarter trend all come from that one call. Audit compliance
is one call to the audits aggregates (two queries) when any area is linked. Without the trend
(the scrutiny queue, the RAG API) each indicator costs two ungrouped engine calls (four queries).

Once a rating is published the figures shown with it are those stored at publication
(:class:`commitments.models.PublishedEvidence`); :func:`assessment_evidence` reads them back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

from audits.selectors import area_label, compliance_by_area
from cases.kpis import METRIC_LABELS, PERCENT_METRICS, KpiFilters, kpi_rows
from oversight.periods import Period, parse_quarter, previous_quarter

from . import rules
from .choices import QUERY_AWAITING_OWNER, BoardActionStatus, IndicatorDirection, Rating
from .models import (
    BoardAction,
    Commitment,
    CommitmentIndicator,
    PublishedEvidence,
    RagAssessment,
    ScrutinyQuery,
    period_label,
)

TREND_QUARTERS = 8
# The keys of an indicator row in the RAG API and in the stored evidence (DESIGN.md §4).
INDICATOR_KEYS = ("name", "metric", "value", "target", "direction", "same_quarter_last_year", "on_track")


def _quarter(period: str | Period) -> Period:
    return period if isinstance(period, Period) else parse_quarter(period)


def trend_quarters(quarter: Period, count: int = TREND_QUARTERS) -> list[Period]:
    """The ``count`` quarters ending with ``quarter``, oldest first."""
    quarters = [quarter]
    while len(quarters) < count:
        quarters.insert(0, previous_quarter(quarters[0]))
    return quarters


def indicator_queryset() -> Any:
    return CommitmentIndicator.objects.select_related("commitment", "lpa", "team", "flag").prefetch_related(
        Prefetch("board_actions", queryset=BoardAction.objects.select_related("owner", "meeting__board"))
    )


def _filters(indicator: CommitmentIndicator) -> KpiFilters:
    return KpiFilters(**indicator.kpi_filters())


FILTER_LABELS = {
    "strand": "Strand",
    "offence_group": "Offence group",
    "victim_age_group": "Victim age group",
    "lpa": "LPA",
    "team": "Team",
    "flag": "Flag",
}


def filter_labels(indicator: CommitmentIndicator) -> list[str]:
    """The slice in words, e.g. ``["Strand: Child sexual exploitation"]``."""
    labels = []
    for field in ("strand", "offence_group", "victim_age_group"):
        if getattr(indicator, field):
            labels.append(f"{FILTER_LABELS[field]}: {getattr(indicator, f'get_{field}_display')()}")
    for field in ("lpa", "team", "flag"):
        value = getattr(indicator, field)
        if value is not None:
            labels.append(f"{FILTER_LABELS[field]}: {value}")
    return labels


def _row(indicator: CommitmentIndicator, value: Any, last_year: Any) -> dict[str, Any]:
    target = float(indicator.target)
    return {
        "name": indicator.name,
        "metric": indicator.metric,
        "value": value,
        "target": target,
        "direction": indicator.direction,
        "same_quarter_last_year": last_year,
        "on_track": rules.indicator_on_track(value=value, target=indicator.target, direction=indicator.direction),
    }


def indicator_figures(indicator: CommitmentIndicator, quarter: Period, *, trend: bool = True) -> dict[str, Any]:
    """The indicator for ``quarter``: the seven API keys, plus (``trend=True``) the 8-quarter trend.

    One engine call grouped by quarter with the trend; two ungrouped calls without it.
    """
    filters = _filters(indicator)
    if trend:
        quarters = trend_quarters(quarter)
        rows = kpi_rows(date_from=quarters[0].start, date_to=quarter.end, group_by="quarter", filters=filters)
        values = [row[indicator.metric] for row in rows]
        figures = _row(indicator, values[-1], values[-5])
        figures["trend"] = [
            {
                "period": q.key,
                "label": period_label(q.key),
                "value": value,
                "on_track": rules.indicator_on_track(
                    value=value, target=indicator.target, direction=indicator.direction
                ),
            }
            for q, value in zip(quarters, values, strict=True)
        ]
    else:
        last_year = trend_quarters(quarter, 5)[0]
        now = kpi_rows(date_from=quarter.start, date_to=quarter.end, filters=filters)[0][indicator.metric]
        before = kpi_rows(date_from=last_year.start, date_to=last_year.end, filters=filters)[0][indicator.metric]
        figures = _row(indicator, now, before)
    return figures


def describe(row: dict[str, Any], indicator: CommitmentIndicator | None = None) -> dict[str, Any]:
    """An indicator row with what pages show around it (labels, unit, baseline, chart)."""
    metric = row["metric"]
    described = {
        **row,
        "metric_label": METRIC_LABELS.get(metric, metric),
        "unit": "%" if metric in PERCENT_METRICS else (" days" if metric.startswith("avg_days") else ""),
        "direction_label": IndicatorDirection(row["direction"]).label,
    }
    if indicator is not None:
        described |= {
            "id": indicator.pk,
            "filters": filter_labels(indicator),
            "baseline_period": indicator.baseline_period,
            "baseline_value": indicator.baseline_value,
        }
    trend = row.get("trend")
    if trend:
        described["chart_id"] = f"evidence-chart-{slugify(row['name'])}"
        described["chart"] = {
            "type": "line",
            "labels": [point["label"] for point in trend],
            "datasets": [
                {"label": row["name"], "data": [point["value"] for point in trend]},
                {"label": "Target", "data": [row["target"]] * len(trend), "borderDash": [6, 4], "pointRadius": 0},
            ],
            "yLabel": described["metric_label"],
            "percent": metric in PERCENT_METRICS,
            "legend": True,
        }
    return described


def _action_row(action: BoardAction, today: date) -> dict[str, Any]:
    overdue = action.due_date is not None and action.due_date < today
    return {
        "id": action.pk,
        "description": action.description,
        "owner": str(action.owner or ""),
        "board": action.meeting.board.name,
        "meeting_date": action.meeting.date.isoformat(),
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "due_label": f"{action.due_date:%-d %B %Y}" if action.due_date else "no due date",
        "status": action.status,
        "status_label": BoardActionStatus(action.status).label,
        "overdue": overdue,
    }


def open_scrutiny_queries(*, commitment: Commitment) -> list[dict[str, Any]]:
    """Scrutiny queries on ``commitment`` still waiting for its owner (open or reopened), oldest
    due first, with whether each is overdue. One query."""
    today = timezone.localdate()
    return [
        {"id": query.pk, "question": query.question, "due_date": query.due_date, "overdue": query.due_date < today}
        for query in ScrutinyQuery.objects.filter(commitment=commitment, status__in=QUERY_AWAITING_OWNER).order_by(
            "due_date", "pk"
        )
    ]


def commitment_evidence(
    *,
    commitment: Commitment,
    period: str | Period,
    trend: bool = True,
    today: date | None = None,
    indicators: Iterable[CommitmentIndicator] | None = None,
) -> dict[str, Any]:
    """The evidence for ``commitment`` in quarter ``period`` (live figures).

    → ``{"period", "label", "indicators": [row + "trend" + labels], "audit_compliance": [{"area",
    "area_label", "compliance_rate", "audits"}], "open_actions", "overdue_actions",
    "scrutiny_queries", "frozen": False}``. ``on_track`` is direction-aware, ``None`` without a value.
    """
    quarter = _quarter(period)
    today = today or timezone.localdate()
    chosen = list(
        indicators if indicators is not None else indicator_queryset().filter(commitment=commitment, is_active=True)
    )
    rows = [describe(indicator_figures(i, quarter, trend=trend), i) for i in chosen]

    areas: list[str] = []
    actions: dict[int, BoardAction] = {}
    for indicator in chosen:
        areas += [area for area in indicator.audit_areas if area not in areas]
        actions |= {action.pk: action for action in indicator.board_actions.all()}
    audit_rows = []
    if areas:
        by_area = {row["area"]: row for row in compliance_by_area(month_start=quarter.start, month_end=quarter.end)}
        for area in areas:
            found = by_area.get(area, {})
            audit_rows.append(
                {
                    "area": area,
                    "area_label": area_label(area),
                    "compliance_rate": found.get("compliance_rate"),
                    "audits": found.get("audits", 0),
                }
            )
    open_actions = [
        _action_row(action, today)
        for action in sorted(actions.values(), key=lambda a: (a.due_date or date.max, a.pk))
        if action.status != BoardActionStatus.COMPLETED
    ]
    return {
        "period": quarter.key,
        "label": period_label(quarter.key),
        "indicators": rows,
        "audit_compliance": audit_rows,
        "open_actions": open_actions,
        "overdue_actions": [row for row in open_actions if row["overdue"]],
        "scrutiny_queries": open_scrutiny_queries(commitment=commitment),
        "frozen": False,
        "recorded_at": None,
    }


def with_conflicts(evidence: dict[str, Any], rating: str | None) -> dict[str, Any]:
    """``evidence`` with ``rating`` and what it conflicts with (``conflicts``: sentences, maybe none)."""
    return {
        **evidence,
        "rating": rating,
        "conflicts": rules.evidence_conflicts(
            rating=rating, indicators=evidence["indicators"], overdue_actions=evidence["overdue_actions"]
        ),
    }


def stored_indicators(evidence: dict[str, Any]) -> list[dict[str, Any]]:
    """The indicator rows to store at publication: the seven API keys only."""
    return [{key: row[key] for key in INDICATOR_KEYS} for row in evidence["indicators"]]


def assessment_evidence(*, assessment: RagAssessment, trend: bool = True) -> dict[str, Any]:
    """The evidence to show with ``assessment``: live, or for a published version the figures stored
    at publication (``frozen``), with today's trend beside them for context. The conflicts are
    judged against the published rating, else the proposed one.
    """
    live = commitment_evidence(commitment=assessment.commitment, period=assessment.period.key, trend=trend)
    stored = PublishedEvidence.objects.filter(assessment=assessment).first() if assessment.is_published else None
    actual = assessment.rating or assessment.proposed_rating
    if stored is None:
        return {**with_conflicts(live, actual), "actual_rating": actual}
    live_by_name = {row["name"]: row for row in live["indicators"]}
    indicators = []
    for row in stored.indicators:
        current = live_by_name.get(row["name"], {})
        indicators.append(
            {**current, **describe({**row, "trend": current.get("trend")}), "live_value": current.get("value")}
        )
    return {
        **live,
        "indicators": indicators,
        "audit_compliance": stored.audit_compliance,
        "open_actions": stored.board_actions.get("open", []),
        "overdue_actions": stored.board_actions.get("overdue", []),
        "frozen": True,
        "recorded_at": stored.recorded_at,
        "rating": assessment.rating,
        "actual_rating": actual,
        "conflicts": stored.conflicts,
        "conflict_acknowledged": stored.conflict_acknowledged,
    }


def report_indicators(*, period: Period, rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Indicator rows for the RAG report, by commitment id: the stored figures of the published
    version where one is stored, else live figures from the engine (no trend).

    ``rows``: ``[{"commitment_id", "published_id"}]``. Two queries plus the engine calls for
    commitments without stored figures.
    """
    published_ids = [row["published_id"] for row in rows if row["published_id"]]
    stored = (
        {
            evidence.assessment_id: evidence.indicators
            for evidence in PublishedEvidence.objects.filter(assessment_id__in=published_ids)
        }
        if published_ids
        else {}
    )
    result: dict[int, list[dict[str, Any]]] = {}
    live_ids = []
    for row in rows:
        if row["published_id"] in stored:
            result[row["commitment_id"]] = [dict(item) for item in stored[row["published_id"]]]
        else:
            live_ids.append(row["commitment_id"])
    live = indicator_queryset().filter(commitment_id__in=live_ids, is_active=True) if live_ids else []
    for indicator in live:
        figures = indicator_figures(indicator, period, trend=False)
        result.setdefault(indicator.commitment_id, []).append({key: figures[key] for key in INDICATOR_KEYS})
    return result


def queue_conflicts(assessments: Iterable[RagAssessment]) -> dict[int, list[str]]:
    """For each (unpublished) assessment, what the evidence says against its proposed rating.

    One query for every indicator of the queue, then two engine calls per indicator of a commitment
    proposed GREEN (only GREEN can conflict).
    """
    chosen = [a for a in assessments if a.proposed_rating == Rating.GREEN]
    indicators: dict[int, list[CommitmentIndicator]] = {}
    for indicator in indicator_queryset().filter(commitment_id__in={a.commitment_id for a in chosen}, is_active=True):
        indicators.setdefault(indicator.commitment_id, []).append(indicator)
    conflicts = {}
    for assessment in chosen:
        evidence = commitment_evidence(
            commitment=assessment.commitment,
            period=assessment.period.key,
            trend=False,
            indicators=indicators.get(assessment.commitment_id, []),
        )
        conflicts[assessment.pk] = with_conflicts(evidence, assessment.proposed_rating)["conflicts"]
    return conflicts
