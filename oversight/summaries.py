"""Periodic summaries: plain functions the Celery tasks, the seed and the tests call.

One summary per (kind, period): building again replaces it in place (its
history keeps the previous versions) and every build is logged in
``SummaryBuild`` (trigger, who, when, how long, outcome).

Summaries hold aggregates only — no crime references, no per-case answers — so
they may be shown and emailed to every role, ``opcc_scrutiny`` included.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .errors import ApplicationError
from .models import DigestDelivery, Summary, SummaryBuild, SummaryKind, User
from .periods import (
    Period,
    month_of,
    parse_month,
    parse_quarter,
    previous_month,
    previous_quarter,
    quarter_of,
)
from .roles import Cap, Role, require_capability

logger = logging.getLogger(__name__)


# --- periods -----------------------------------------------------------------------------------


def _parse_day(key: str) -> Period:
    try:
        day = date.fromisoformat(key)
    except (TypeError, ValueError):
        raise ApplicationError(f"'{key}' is not a day: use YYYY-MM-DD.", {"period": ["Malformed day."]}) from None
    return Period(day, day, day.isoformat())


PERIOD_PARSERS: dict[str, Callable[[str], Period]] = {
    SummaryKind.MONTHLY_PERFORMANCE: parse_month,
    SummaryKind.QUARTERLY_RAG: parse_quarter,
    SummaryKind.OVERDUE_DIGEST: _parse_day,
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
    return _parse_day(today.isoformat())


# --- builders: period → data (JSON-ready dict) --------------------------------------------------


def _same_period_last_year(period: Period) -> tuple[date, date]:
    def back(day: date) -> date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year - 1, day=28)

    return back(period.start), back(period.end)


def monthly_performance_data(period: Period) -> dict[str, Any]:
    """KPIs by strand (month, same month last year, rolling 12 months), audits, actions, RAG changes."""
    from audits.selectors import action_counts, compliance_by_area
    from cases.kpis import kpi_rows

    last_year_from, last_year_to = _same_period_last_year(period)
    months_back = period.start.year * 12 + period.start.month - 1 - 11  # 12 months ending with this one
    rolling_from = date(months_back // 12, months_back % 12 + 1, 1)
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
        "actions": action_counts(start=period.start, end=period.end, today=min(period.end, timezone.localdate())),
        "rag_quarter": rag_quarter.key,
        "rag_changes": _rag_changes_or_empty(rag_quarter.key),
    }


def _strand_table(kpis: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per strand with this month, the same month last year and the rolling 12 months."""
    from cases.choices import Strand

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
    from commitments.selectors import rag_changes

    try:
        return rag_changes(period_key=period_key)
    except ApplicationError:  # no plan covers that quarter
        return []


def quarterly_rag_data(period: Period) -> dict[str, Any]:
    """The annex table for the quarter with each commitment's change since the previous quarter."""
    from commitments.selectors import rag_report

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
    from audits.selectors import overdue_actions_by_owner

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


# --- building and storing ------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    summary: Summary
    build: SummaryBuild
    created: bool


def render_summary(summary: Summary) -> str:
    return render_to_string(f"oversight/summaries/{summary.kind}.html", {"summary": summary, "data": summary.data})


def build_summary(
    *,
    kind: str,
    period_key: str,
    trigger: str = SummaryBuild.Trigger.COMMAND,
    triggered_by: User | None = None,
    build_id: int | None = None,
    task_id: str = "",
) -> BuildResult:
    """Build (or rebuild) the summary of ``kind`` for ``period_key`` and store it.

    Idempotent: the (kind, period) row is replaced, never duplicated. The build is
    logged; on failure the log says why and the exception propagates (so Celery retries).
    """
    period = parse_period(kind, period_key)
    build = _start_build(
        kind=kind, period=period, trigger=trigger, triggered_by=triggered_by, build_id=build_id, task_id=task_id
    )
    started = time.monotonic()
    try:
        data = BUILDERS[kind](period)
        summary, created = _store(kind=kind, period=period, data=data)
    except Exception as exc:
        SummaryBuild.objects.filter(pk=build.pk).update(
            status=SummaryBuild.Status.FAILED,
            finished_at=timezone.now(),
            duration_ms=int((time.monotonic() - started) * 1000),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    build.summary = summary
    build.status = SummaryBuild.Status.SUCCEEDED
    build.finished_at = timezone.now()
    build.duration_ms = int((time.monotonic() - started) * 1000)
    build.save(update_fields=["summary", "status", "finished_at", "duration_ms"])
    logger.debug("Built %s %s in %s ms", kind, period.key, build.duration_ms)
    return BuildResult(summary=summary, build=build, created=created)


def _start_build(
    *, kind: str, period: Period, trigger: str, triggered_by: User | None, build_id: int | None, task_id: str
) -> SummaryBuild:
    build = SummaryBuild.objects.filter(pk=build_id).first() if build_id else None
    if build is None:
        build = SummaryBuild(kind=kind, period=period.key, trigger=trigger, triggered_by=triggered_by)
    build.status = SummaryBuild.Status.RUNNING
    build.started_at = timezone.now()
    build.task_id = task_id or build.task_id
    build.error = ""
    build.save()
    return build


def _store(*, kind: str, period: Period, data: dict[str, Any]) -> tuple[Summary, bool]:
    """Insert or replace the (kind, period) summary; safe against two builds racing."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                summary = Summary.objects.select_for_update().filter(kind=kind, period=period.key).first()
                created = summary is None
                if created:
                    summary = Summary(kind=kind, period=period.key)
                summary.period_start, summary.period_end = period.start, period.end
                summary.data = data
                summary.built_at = timezone.now()
                summary.html = render_summary(summary)
                summary.full_clean(validate_unique=False)
                summary.save()
                return summary, created
        except IntegrityError:  # the other build inserted first: replace its row
            continue
    raise ApplicationError("The summary could not be stored; try again.")


def queue_rebuild(*, kind: str, period_key: str, actor: User) -> SummaryBuild:
    """An administrator's "rebuild now": log a queued build and send the task after commit."""
    require_capability(actor, Cap.SUMMARIES_REBUILD)
    period = parse_period(kind, period_key)
    from . import tasks

    build = SummaryBuild.objects.create(
        kind=kind, period=period.key, trigger=SummaryBuild.Trigger.MANUAL, triggered_by=actor
    )
    task = tasks.TASK_BY_KIND[kind]

    def send() -> None:
        result = task.apply_async(kwargs={"period_key": period.key, "build_id": build.pk})
        SummaryBuild.objects.filter(pk=build.pk, task_id="").update(task_id=result.id or "")

    transaction.on_commit(send)
    return build


# --- email ---------------------------------------------------------------------------------------


def _absolute(url_name: str, *args: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(url_name, args=args)


def summary_recipients() -> list[User]:
    """Board chairs and OPCC scrutiny officers (active, with an email address)."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=[Role.BOARD_CHAIR, Role.OPCC_SCRUTINY])
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


def email_summary(summary: Summary) -> int:
    """Send ``summary`` to its recipients, one message each; returns how many were sent.

    The content is the aggregate summary itself: there is nothing case-level to strip.
    """
    recipients = summary_recipients()
    if not recipients:
        return 0
    context = {
        "summary": summary,
        "data": summary.data,
        "summary_url": _absolute("oversight:summary_detail", summary.pk),
    }
    subject = f"Oversight: {summary.get_kind_display()} {summary.period}"
    text = render_to_string("oversight/email/summary.txt", context)
    messages = []
    for user in recipients:
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
        message.attach_alternative(render_to_string("oversight/email/summary.html", context), "text/html")
        messages.append(message)
    return get_connection().send_messages(messages) or 0


def send_overdue_digests(*, today: date | None = None) -> dict[str, int]:
    """Email each owner their overdue actions, at most once per owner per day.

    The once-a-day rule is held by a unique (owner, day) row written in the same
    transaction as the send: a second run the same day finds it and skips the owner.
    The digest lists action titles, due dates and audits: never crime references.
    """
    from audits.selectors import overdue_actions_by_owner

    today = today or timezone.localdate()
    entries = overdue_actions_by_owner(today=today)
    owners = User.objects.in_bulk([entry["owner_id"] for entry in entries])
    sent = skipped = 0
    for entry in entries:
        owner = owners.get(entry["owner_id"])
        if owner is None or not owner.is_active or not owner.email:
            continue
        with transaction.atomic():
            _delivery, created = DigestDelivery.objects.get_or_create(
                owner=owner, day=today, defaults={"action_count": entry["count"]}
            )
            if not created:
                skipped += 1
                continue
            context = {
                "owner": owner,
                "entry": entry,
                "today": today,
                "actions": [{**a, "url": _absolute("audits:action_detail", a["id"])} for a in entry["actions"]],
                "my_actions_url": _absolute("audits:my_actions"),
            }
            count = entry["count"]
            EmailMultiAlternatives(
                f"Oversight: you have {count} overdue action{'s' if count != 1 else ''}",
                render_to_string("oversight/email/digest.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                [owner.email],
            ).send()
            sent += 1
    return {"sent": sent, "skipped": skipped}


def summaries_visible_to(user: User) -> Any:
    """Every summary, newest first (aggregate content: any role with SUMMARIES_VIEW may read)."""
    require_capability(user, Cap.SUMMARIES_VIEW)
    return Summary.objects.order_by("-period_start", "kind")


def latest_builds(*, limit: int = 20) -> Any:
    """The most recent builds of any summary, newest first."""
    return SummaryBuild.objects.select_related("triggered_by", "summary")[:limit]
