"""Celery tasks of the ``oversight`` app. Tasks are thin: they call plain functions."""

from celery import shared_task


@shared_task(name="oversight.tasks.ping", time_limit=30, soft_time_limit=20)
def ping() -> str:
    """A trivial task that proves a worker is consuming from the broker."""
    return "pong"
