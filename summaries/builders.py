"""What a summary says: period → aggregate data (JSON-ready), its main table and its HTML.

Reads only (every app's selectors and the KPI engine); no writes. Summaries hold aggregates
only — no crime references, no per-case answers — so any role may read them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from audits.selectors import action_counts, compliance_by_area, overdue_actions_by_owner, plan_for_month
from cases.choices import Strand
from cases.drilldown import FigureLinks
from cases.kpis import METRIC_LABELS, VICTIM_CARE, kpi_rows
from commitments.scrutiny_selectors import overdue_queries_by_owner, query_counts
from commitments.selectors import rag_changes, rag_report
from oversight.errors import ApplicationError
from oversight.periods import (
    Period,
    month_of,
    months_later,
    parse_day,
    parse_month,
    parse_quarter,
    previous_month,
    previous_quarter,
    quarter_of,
    same_period_last_year,
)
from performance.people import bail_summary, repeat_people_url

from .models import Summary, SummaryKind

PERIOD_PARSERS: dict[str, Callable[[str], Period]] = {
    SummaryKind.MONTHLY_PERFORMANCE: parse_month,
    SummaryKind.QUARTERLY_RAG: parse_quarter,
    SummaryKind.OVERDUE_DIGEST: parse_day,
}


def parse_period(kind: str, key: str) -> Period:
    """The period of a summary kind from its key; ApplicationError for an unknown kind or bad key."""
    if kind not in PERIOD_PARSERS:
        raise ApplicationError(f"'{kind}' is not a kind of summary.", {"kind": ["Unknown kind."]})
    period = PERIOD_PARSERS[kind](key)
    if period.start > timezone.localdate():
        raise ApplicationError(f"{period.key} has not started yet.", {"period": ["Future period."]})
    return period


def default_period(kind: str, *, today: date | None = None) -> Period:
    """What the schedule builds: the previous month, the quarter just ended, or today."""
    today = today or timezone.localdate()
    if kind == SummaryKind.MONTHLY_PERFORMANCE:
        return previous_month(month_of(today))
    if kind == SummaryKind.QUARTERLY_RAG:
        return previous_quarter(quarter_of(today))
    return parse_day(today.isoformat())


# --- builders: period → data (JSON-ready dict) --------------------------------------------------


def monthly_performance_data(period: Period) -> dict[str, Any]:
    """KPIs by strand (month, same month last year, rolling 12 months) with the repeat victims and
    suspects, pre-charge bail and RUI at the month's end, audits, actions, RAG changes."""

    last_year_from, last_year_to = same_period_last_year(period)
    rolling_from = months_later(period.start, -11).start  # 12 months ending with this one
    kpis: dict[str, Any] = {
        "month": kpi_rows(date_from=period.start, date_to=period.end, group_by="strand"),
        "same_month_last_year": kpi_rows(date_from=last_year_from, date_to=last_year_to, group_by="strand"),
        "rolling_12_months": kpi_rows(date_from=rolling_from, date_to=period.end, group_by="strand"),
        # with the numerator and denominator of every rate, shown beside it
        "month_total": kpi_rows(date_from=period.start, date_to=period.end, fractions=True)[0],
        "rolling_12_months_total": kpi_rows(date_from=rolling_from, date_to=period.end, fractions=True)[0],
    }
    rag_quarter = previous_quarter(quarter_of(period.start))
    return {
        "strands": _strand_table(kpis),
        "period": period.key,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "rolling_from": rolling_from.isoformat(),
        "kpis": kpis,
        "victim_care": _victim_care(kpis["month_total"], kpis["rolling_12_months_total"]),
        "bail": _bail(on=min(period.end, timezone.localdate())),
        "audits": compliance_by_area(month_start=period.start, month_end=period.end),
        "audit_plan": plan_for_month(month=period.start, today=timezone.localdate()),
        "actions": action_counts(start=period.start, end=period.end, today=min(period.end, timezone.localdate())),
        "scrutiny_queries": query_counts(
            start=period.start, end=period.end, today=min(period.end, timezone.localdate())
        ),
        "rag_quarter": rag_quarter.key,
        "rag_changes": _rag_changes_or_empty(rag_quarter.key),
    }


def _strand_table(kpis: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per strand with this month, the same month last year and the rolling 12 months."""

    def by_group(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {row["group"]: row for row in rows}

    month, last_year, rolling = (
        by_group(kpis["month"]),
        by_group(kpis["same_month_last_year"]),
        by_group(kpis["rolling_12_months"]),
    )
    return [
        {
            "code": strand.value,
            "label": strand.label,
            "month": month.get(strand.value),
            "last_year": last_year.get(strand.value),
            "rolling": rolling.get(strand.value),
        }
        for strand in Strand
        if strand.value in month or strand.value in last_year or strand.value in rolling
    ]


def _victim_care(month: dict[str, Any], rolling: dict[str, Any]) -> list[dict[str, Any]]:
    """Victims' Code, VPS and ISVA/IDVA referral for the month and the rolling 12 months: the rate,
    its counts ("yes" of "yes" and "no") and how many outcomes had the answer not recorded."""

    def figures(row: dict[str, Any], rate: str, not_recorded: str) -> dict[str, Any]:
        yes, answered = row["fractions"][rate]
        return {"rate": row[rate], "yes": yes, "answered": answered, "not_recorded": row[not_recorded]}

    return [
        {
            "label": METRIC_LABELS[rate].removesuffix(" (%)"),
            "month": figures(month, rate, not_recorded),
            "rolling": figures(rolling, rate, not_recorded),
        }
        for rate, not_recorded, _field in VICTIM_CARE
    ]


def _bail(*, on: date) -> dict[str, Any]:
    """Pre-charge bail and RUI on ``on`` (:func:`performance.people.bail_summary`), JSON-ready."""
    return {**bail_summary(on=on), "on": on.isoformat()}


def _rag_changes_or_empty(period_key: str) -> list[dict[str, Any]]:

    try:
        return rag_changes(period_key=period_key)
    except ApplicationError:  # no plan covers that quarter
        return []


def quarterly_rag_data(period: Period) -> dict[str, Any]:
    """The annex table for the quarter with each commitment's change since the previous quarter."""

    report = rag_report(period_key=period.key)
    changes = {row["action_ref"]: row["direction"] for row in _rag_changes_or_empty(period.key)}
    rows = [{**row, "change": changes.get(row["action_ref"], "unchanged")} for row in report["rows"]]
    counts = {rating: sum(1 for r in rows if r["rating"] == rating) for rating in report["definitions"]}
    counts["unpublished"] = sum(1 for r in rows if r["rating"] is None)
    return {
        "period": period.key,
        "previous_period": previous_quarter(period).key,
        "definitions": report["definitions"],
        "rows": rows,
        "counts": counts,
        "changed": sum(1 for r in rows if r["change"] != "unchanged"),
    }


def overdue_digest_data(period: Period) -> dict[str, Any]:
    """How many overdue actions and overdue scrutiny queries each owner had on the day
    (staff names only, no case data)."""

    owners: dict[int, dict[str, Any]] = {}
    for entry in overdue_actions_by_owner(today=period.start):
        owners[entry["owner_id"]] = {"owner": entry["owner_name"], "overdue": entry["count"], "queries": 0}
    for entry in overdue_queries_by_owner(today=period.start):
        owner = owners.setdefault(entry["owner_id"], {"owner": entry["owner_name"], "overdue": 0, "queries": 0})
        owner["queries"] = entry["count"]
    rows = sorted(owners.values(), key=lambda o: (-o["overdue"] - o["queries"], o["owner"]))
    return {
        "period": period.key,
        "owners": rows,
        "total": sum(o["overdue"] for o in rows),
        "total_queries": sum(o["queries"] for o in rows),
    }


BUILDERS: dict[str, Callable[[Period], dict[str, Any]]] = {
    SummaryKind.MONTHLY_PERFORMANCE: monthly_performance_data,
    SummaryKind.QUARTERLY_RAG: quarterly_rag_data,
    SummaryKind.OVERDUE_DIGEST: overdue_digest_data,
}


def summary_table(summary: Summary) -> tuple[list[str], list[list[Any]]]:
    """The main table of a stored summary, for CSV/XLSX download (aggregates only).

    Tolerates data missing keys (an empty or older summary gives an empty table, not an error).
    """
    data = summary.data or {}
    if summary.kind == SummaryKind.MONTHLY_PERFORMANCE:
        metrics = (
            "recorded_offences",
            "positive_outcomes",
            "positive_outcome_rate",
            "charged_pct",
            "victim_withdrawal_pct",
        )
        columns = (
            ("month", data.get("period", "month")),
            ("last_year", "same month last year"),
            ("rolling", "12 months"),
        )
        headers = ["Strand"] + [f"{metric} ({label})" for _key, label in columns for metric in metrics]
        rows = [
            [row.get("label")] + [(row.get(key) or {}).get(metric) for key, _label in columns for metric in metrics]
            for row in data.get("strands", [])
        ]
        return headers, rows
    if summary.kind == SummaryKind.QUARTERLY_RAG:
        headers = [
            "Action",
            "Commitment",
            "Chapter",
            "Lead",
            "Board",
            data.get("previous_period", "Previous"),
            data.get("period", summary.period),
            "Change",
        ]
        fields = ("action_ref", "commitment", "chapter", "lead", "board", "previous_rating", "rating", "change")
        return headers, [[r.get(f) for f in fields] for r in data.get("rows", [])]
    return ["Owner", "Overdue actions", "Overdue scrutiny queries"], [
        [o.get("owner"), o.get("overdue"), o.get("queries", 0)] for o in data.get("owners", [])
    ]


def render_summary(summary: Summary, *, links: FigureLinks | None = None, request: Any = None) -> str:
    """The summary's HTML; with ``links`` (and the ``request``, whose user the template checks) its
    counts link to the investigations behind them. The stored HTML has no links."""
    data = summary.data
    if links is not None and summary.kind == SummaryKind.MONTHLY_PERFORMANCE:
        data = _monthly_performance_links(data or {}, links)
    return render_to_string(f"summaries/{summary.kind}.html", {"summary": summary, "data": data}, request=request)


def _monthly_performance_links(data: dict[str, Any], links: FigureLinks) -> dict[str, Any]:
    """A copy of a monthly summary's data with ``links`` for its headline counts (the month, the 12
    months) and ``links`` on each strand row (this month, the same month last year)."""
    try:
        month = parse_month(data["period"])
        rolling_from = date.fromisoformat(data["rolling_from"])
    except (KeyError, TypeError, ValueError, ApplicationError):  # an older or empty summary: no links
        return data
    last_year = same_period_last_year(month)
    counts = ("recorded_offences", "outcomes_assigned", "charged", "victim_withdrawal", "open_investigations")
    people = ("victim", "suspect")
    return {
        **data,
        "links": {
            "month": {m: links.url(m, month.start, month.end) for m in counts},
            "rolling": {m: links.url(m, rolling_from, month.end) for m in counts},
            # the repeat victims and suspects: the people behind each count (no link without the capability)
            "people": {
                "month": {p: repeat_people_url(p, month.start, month.end, links.filters) for p in people},
                "rolling": {p: repeat_people_url(p, rolling_from, month.end, links.filters) for p in people},
            }
            if links.enabled
            else {},
        },
        "strands": [
            {
                **row,
                "links": {
                    "month": links.url("recorded_offences", month.start, month.end, strand=row["code"]),
                    "last_year": links.url("recorded_offences", *last_year, strand=row["code"]),
                },
            }
            for row in data.get("strands", [])
        ],
    }
