"""Celery tasks of the ``summaries`` app. Tasks are thin: they take a period key and call the plain
functions in ``services`` and ``emails``; they are idempotent, time-limited, and retried with
exponential backoff on database or broker errors (``oversight.tasks.RETRY``).

The arrow points one way: tasks import services, never the reverse. ``queue_rebuild`` is the one
place that both records a build (a service) and sends its task, so it lives here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from celery import shared_task
from django.db import transaction

from oversight.models import User
from oversight.tasks import RETRY

from . import emails, services
from .builders import default_period
from .models import SummaryBuild, SummaryKind


def _build(task: Any, kind: str, period_key: str | None, build_id: int | None) -> dict[str, Any]:
    key = period_key or default_period(kind).key
    trigger = SummaryBuild.Trigger.MANUAL if build_id else SummaryBuild.Trigger.SCHEDULE
    result = services.build_summary(
        kind=kind, period_key=key, trigger=trigger, build_id=build_id, task_id=task.request.id or ""
    )
    emailed = 0
    if kind != SummaryKind.OVERDUE_DIGEST and not build_id:
        emailed = emails.email_summary(result.summary)  # scheduled builds go to chairs and OPCC
    return {"summary": result.summary.pk, "period": key, "created": result.created, "emailed": emailed}


@shared_task(
    bind=True, name="summaries.tasks.build_monthly_summary", time_limit=20 * 60, soft_time_limit=18 * 60, **RETRY
)
def build_monthly_summary(self: Any, period_key: str | None = None, build_id: int | None = None) -> dict[str, Any]:
    """Monthly performance summary for ``period_key`` (YYYY-MM; default: the previous month)."""
    return _build(self, SummaryKind.MONTHLY_PERFORMANCE, period_key, build_id)


@shared_task(
    bind=True, name="summaries.tasks.build_quarterly_rag_summary", time_limit=10 * 60, soft_time_limit=9 * 60, **RETRY
)
def build_quarterly_rag_summary(
    self: Any, period_key: str | None = None, build_id: int | None = None
) -> dict[str, Any]:
    """Quarterly RAG summary for ``period_key`` (YYYY-YY-QN; default: the quarter just ended)."""
    return _build(self, SummaryKind.QUARTERLY_RAG, period_key, build_id)


@shared_task(
    bind=True, name="summaries.tasks.send_overdue_digests", time_limit=10 * 60, soft_time_limit=9 * 60, **RETRY
)
def send_overdue_digests(self: Any, period_key: str | None = None, build_id: int | None = None) -> dict[str, Any]:
    """Daily digest: store the day's overdue-actions summary and email each owner once a day."""
    result = _build(self, SummaryKind.OVERDUE_DIGEST, period_key, build_id)
    delivered = emails.send_overdue_digests(today=date.fromisoformat(result["period"]))
    return {**result, **delivered}


TASK_BY_KIND = {
    SummaryKind.MONTHLY_PERFORMANCE: build_monthly_summary,
    SummaryKind.QUARTERLY_RAG: build_quarterly_rag_summary,
    SummaryKind.OVERDUE_DIGEST: send_overdue_digests,
}


def queue_rebuild(*, kind: str, period_key: str, actor: User) -> SummaryBuild:
    """Record a queued build (permission checked by the service) and send its task after commit."""
    build = services.summary_build_queue(kind=kind, period_key=period_key, actor=actor)
    task = TASK_BY_KIND[SummaryKind(kind)]

    def send() -> None:
        result = task.apply_async(kwargs={"period_key": build.period, "build_id": build.pk})
        SummaryBuild.objects.filter(pk=build.pk, task_id="").update(task_id=result.id or "")

    transaction.on_commit(send)
    return build
