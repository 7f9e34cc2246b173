"""Celery tasks of the ``summaries`` app. Tasks are thin: they take a period key and call the plain
functions in ``services`` and ``emails``; they are idempotent, time-limited, and retried with
exponential backoff on database or broker errors (``oversight.tasks.RETRY``).

The arrow points one way: tasks import services, never the reverse. ``queue_rebuild`` is the one
place that both records a build (a service) and sends its task, so it lives here.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oversight.models import User
from oversight.tasks import RETRY

from . import emails, services
from .builders import default_period
from .models import SummaryBuild, SummaryKind

logger = logging.getLogger(__name__)


def _build(task: Any, kind: str, period_key: str | None, build_id: int | None) -> dict[str, Any]:
    key = period_key or default_period(kind).key
    trigger = SummaryBuild.Trigger.MANUAL if build_id else SummaryBuild.Trigger.SCHEDULE
    result = services.build_summary(
        kind=kind, period_key=key, trigger=trigger, build_id=build_id, task_id=task.request.id or ""
    )
    emailed = 0
    if kind != SummaryKind.OVERDUE_DIGEST and result.build.trigger == SummaryBuild.Trigger.SCHEDULE:
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
    """Record a queued build (permission checked by the service) and send its task after commit.

    When the task queue does not answer the build is kept as "waiting to be sent" (``build.status``
    says so once this returns outside a transaction) and :func:`requeue_stale_builds` sends it later.
    """
    build = services.summary_build_queue(kind=kind, period_key=period_key, actor=actor)
    transaction.on_commit(lambda: send_build(build))
    return build


def send_build(build: SummaryBuild) -> bool:
    """Send ``build``'s task; True when the broker took it. A broker that is down or not answering
    fails within seconds (``CELERY_BROKER_TRANSPORT_OPTIONS``) and marks the build *waiting to be
    sent* instead of raising: the page that asked says so, and the beat sweep tries again."""
    task = TASK_BY_KIND[SummaryKind(build.kind)]
    try:
        # The build's row records the outcome: no result to subscribe to (which also needs Redis).
        result = task.apply_async(kwargs={"period_key": build.period, "build_id": build.pk}, ignore_result=True)
    except Exception as exc:
        if task.app.conf.task_always_eager:
            raise  # the build itself failed in-process: not a queue problem
        logger.warning("Summary build %s not sent: %s: %s", build.pk, type(exc).__name__, exc)
        build.status = SummaryBuild.Status.UNSENT
        build.error = (
            f"Not sent yet: the task queue did not answer ({type(exc).__name__}). It is sent again automatically."
        )
        SummaryBuild.objects.filter(pk=build.pk).update(status=build.status, error=build.error)
        return False
    if not task.app.conf.task_always_eager:  # an eager run has already finished the build
        build.status, build.task_id = SummaryBuild.Status.QUEUED, result.id or ""
        SummaryBuild.objects.filter(
            pk=build.pk, status__in=(SummaryBuild.Status.UNSENT, SummaryBuild.Status.QUEUED)
        ).update(status=build.status, task_id=build.task_id)
    return True


def stale_builds(*, now: Any) -> Any:
    """Builds that no worker will finish: never sent, queued for longer than their task's time
    limit (the message was lost), or running for longer than it (the worker died mid-build: a live
    worker would have been stopped by the hard limit and marked the build failed)."""
    stale = Q(status=SummaryBuild.Status.UNSENT)
    for kind, task in TASK_BY_KIND.items():
        cutoff = now - timedelta(seconds=task.time_limit)
        stale |= Q(kind=kind, status=SummaryBuild.Status.QUEUED, queued_at__lt=cutoff)
        stale |= Q(kind=kind, status=SummaryBuild.Status.RUNNING, started_at__lt=cutoff)
    return SummaryBuild.objects.filter(stale).order_by("queued_at")


@shared_task(name="summaries.tasks.requeue_stale_builds", time_limit=2 * 60, soft_time_limit=90)
def requeue_stale_builds() -> dict[str, int]:
    """Every few minutes (beat): send again the builds :func:`stale_builds` finds. Each is put back
    to *queued* first, so a build is sent at most once per time limit; building is idempotent."""
    now = timezone.now()
    sent = unsent = 0
    for build in stale_builds(now=now)[:100]:
        was = build.get_status_display().lower()
        updated = SummaryBuild.objects.filter(pk=build.pk, status=build.status).update(
            status=SummaryBuild.Status.QUEUED, queued_at=now, started_at=None, error=f"Sent again (was {was})."
        )
        if not updated:  # a worker took it meanwhile
            continue
        build.status = SummaryBuild.Status.QUEUED
        if send_build(build):
            sent += 1
        else:
            unsent += 1
    return {"sent": sent, "unsent": unsent}
