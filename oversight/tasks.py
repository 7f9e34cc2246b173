"""Celery tasks of the ``oversight`` app. Tasks are thin: they take a period key and call
a plain function in ``oversight.summaries``; they are idempotent, time-limited, and retried
with exponential backoff on database or broker errors.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from .models import SummaryBuild, SummaryKind

TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError, ConnectionError)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 15 * 60,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="oversight.tasks.ping", time_limit=30, soft_time_limit=20)
def ping() -> str:
    """A trivial task that proves a worker is consuming from the broker."""
    return "pong"


def _build(task: Any, kind: str, period_key: str | None, build_id: int | None) -> dict[str, Any]:
    from . import summaries

    key = period_key or summaries.default_period(kind).key
    trigger = SummaryBuild.Trigger.MANUAL if build_id else SummaryBuild.Trigger.SCHEDULE
    result = summaries.build_summary(
        kind=kind, period_key=key, trigger=trigger, build_id=build_id, task_id=task.request.id or ""
    )
    emailed = 0
    if kind != SummaryKind.OVERDUE_DIGEST and not build_id:
        emailed = summaries.email_summary(result.summary)  # scheduled builds go to chairs and OPCC
    return {"summary": result.summary.pk, "period": key, "created": result.created, "emailed": emailed}


@shared_task(
    bind=True, name="oversight.tasks.build_monthly_summary", time_limit=20 * 60, soft_time_limit=18 * 60, **RETRY
)
def build_monthly_summary(self: Any, period_key: str | None = None, build_id: int | None = None) -> dict[str, Any]:
    """Monthly performance summary for ``period_key`` (YYYY-MM; default: the previous month)."""
    return _build(self, SummaryKind.MONTHLY_PERFORMANCE, period_key, build_id)


@shared_task(
    bind=True, name="oversight.tasks.build_quarterly_rag_summary", time_limit=10 * 60, soft_time_limit=9 * 60, **RETRY
)
def build_quarterly_rag_summary(
    self: Any, period_key: str | None = None, build_id: int | None = None
) -> dict[str, Any]:
    """Quarterly RAG summary for ``period_key`` (YYYY-YY-QN; default: the quarter just ended)."""
    return _build(self, SummaryKind.QUARTERLY_RAG, period_key, build_id)


@shared_task(
    bind=True, name="oversight.tasks.send_overdue_digests", time_limit=10 * 60, soft_time_limit=9 * 60, **RETRY
)
def send_overdue_digests(self: Any, period_key: str | None = None, build_id: int | None = None) -> dict[str, Any]:
    """Daily digest: store the day's overdue-actions summary and email each owner once a day."""
    from datetime import date

    from . import summaries

    result = _build(self, SummaryKind.OVERDUE_DIGEST, period_key, build_id)
    delivered = summaries.send_overdue_digests(today=date.fromisoformat(result["period"]))
    return {**result, **delivered}


TASK_BY_KIND = {
    SummaryKind.MONTHLY_PERFORMANCE: build_monthly_summary,
    SummaryKind.QUARTERLY_RAG: build_quarterly_rag_summary,
    SummaryKind.OVERDUE_DIGEST: send_overdue_digests,
}
