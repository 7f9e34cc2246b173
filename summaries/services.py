"""Building and storing summaries: the plain functions the Celery tasks, the seed and the tests call.

One summary per (kind, period): building again replaces it in place (its history keeps the
previous versions) and every build is logged in ``SummaryBuild`` (trigger, who, when, how
long, outcome). Nothing here imports the tasks: ``tasks.py`` calls these functions.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from oversight.errors import ApplicationError, clean_or_raise
from oversight.history import save_with_actor
from oversight.models import User
from oversight.periods import Period
from oversight.roles import Cap, require_capability

from .builders import BUILDERS, parse_period, render_summary
from .models import Summary, SummaryBuild

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    summary: Summary
    build: SummaryBuild
    created: bool


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
    ``triggered_by`` is the acting user (none for a scheduled build); a queued build
    (``build_id``) keeps the one who queued it, also in the summary's history.
    """
    period = parse_period(kind, period_key)
    build = _start_build(
        kind=kind, period=period, trigger=trigger, triggered_by=triggered_by, build_id=build_id, task_id=task_id
    )
    started = time.monotonic()
    try:
        data = BUILDERS[kind](period)
        summary, created = _store(kind=kind, period=period, data=data, actor=build.triggered_by)
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


def _store(*, kind: str, period: Period, data: dict[str, Any], actor: User | None) -> tuple[Summary, bool]:
    """Insert or replace the (kind, period) summary; safe against two builds racing. The summary's
    history names ``actor``: who triggered the build (the administrator of a queued "rebuild now"),
    none for a scheduled one."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                summary = Summary.objects.select_for_update().filter(kind=kind, period=period.key).first()
                created = summary is None
                if summary is None:
                    summary = Summary(kind=kind, period=period.key)
                summary.period_start, summary.period_end = period.start, period.end
                summary.data = data
                summary.built_at = timezone.now()
                summary.html = render_summary(summary)
                clean_or_raise(summary, validate_unique=False)
                save_with_actor(summary, actor=actor)
                return summary, created
        except IntegrityError:  # the other build inserted first: replace its row
            continue
    raise ApplicationError("The summary could not be stored; try again.")


def summary_build_queue(*, kind: str, period_key: str, actor: User) -> SummaryBuild:
    """An administrator's "rebuild now": log a queued build (the caller sends its task after commit)."""
    require_capability(actor, Cap.SUMMARIES_REBUILD)
    period = parse_period(kind, period_key)
    return SummaryBuild.objects.create(
        kind=kind, period=period.key, trigger=SummaryBuild.Trigger.MANUAL, triggered_by=actor
    )
