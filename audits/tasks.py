"""Celery tasks of the ``audits`` app, thin: each calls one function of the app."""

from __future__ import annotations

from celery import shared_task

from oversight.tasks import RETRY

from . import evidence


@shared_task(name="audits.tasks.sweep_orphan_evidence", time_limit=10 * 60, soft_time_limit=8 * 60, **RETRY)
def sweep_orphan_evidence() -> int:
    """Hourly (beat): delete stored evidence files that no attachment names (see ``evidence.sweep_orphans``)."""
    return evidence.sweep_orphans()
