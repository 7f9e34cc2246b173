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
from cases.kpis import kpi_rows
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
    """KPIs by strand (month, same month last year, rolling 12 months), audits, actions, RAG changes."""

    last_year_from, last_year_to = same_period_last_year(period)
    rolling_from = months_later(period.start, -11).start  # 12 months ending with this one
    kpis = {
        "month": kpi_rows(date_from=period.start, date_to=period.end, group_by="strand"),
        "same_month_last_year": kpi_rows(date_from=last_year_from, date_to=last_year_to, group_by="strand"),
        "rolling_12_months": kpi_rows(date_from=rolling_from, date_to=period.end, group_by="strand"),
        "month_total": kpi_rows(date_from=period.start, date_to=period.end)[0],
        "rolling_12_months_total": kpi_rows(date_from=rolling_from, date_to=period.end)[0],
    }
    rag_quarter = previous_quarter(quarter_of(period.start))
    return {
        "strands": _strand_table(kpis),
        "period": period.key,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "rolling_from": rolling_from.isoformat(),
        "kpis": kpis,
        "audits": compliance_by_area(month_start=period.start, month_end=period.end),
        "audit_plan": plan_for_month(month=period.start, today=timezone.localdate()),
        "actions": action_counts(start=period.start, end=period.end, today=min(period.end, timezone.localdate())),
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
    """How many overdue actions each owner had on the day (staff names only, no case data)."""

    owners = [
        {"owner": entry["owner_name"], "overdue": entry["count"]}
        for entry in overdue_actions_by_owner(today=period.start)
    ]
    owners.sort(key=lambda o: (-o["overdue"], o["owner"]))
    return {"period": period.key, "owners": owners, "total": sum(o["overdue"] for o in owners)}


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
    return ["Owner", "Overdue actions"], [[o.get("owner"), o.get("overdue")] for o in data.get("owners", [])]


def render_summary(summary: Summary) -> str:
    return render_to_string(f"summaries/{summary.kind}.html", {"summary": summary, "data": summary.data})
