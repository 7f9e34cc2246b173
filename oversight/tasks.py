"""Celery tasks of the ground floor: a ping that proves a worker consumes from the broker.

The retry policy every app's tasks share lives here too (transient database and broker errors,
exponential backoff), so a task module states its own limits and nothing else.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from . import accesslog

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


@shared_task(name="oversight.tasks.prune_access_log", time_limit=30 * 60, soft_time_limit=25 * 60, **RETRY)
def prune_access_log() -> int:
    """Daily: delete access-log entries older than ``ACCESS_LOG_RETENTION_DAYS``; the number deleted."""
    return accesslog.prune()
