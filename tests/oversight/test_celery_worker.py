"""A real Celery worker, consuming from the local Redis, runs ``oversight.tasks.ping``."""

from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker

from oversight.celery import app
from oversight.tasks import ping


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_answers_ping(requires_redis: str) -> None:
    app.conf.task_always_eager = False
    assert app.conf.broker_url.startswith("redis://")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = ping.delay()
        assert result.get(timeout=20) == "pong"
    assert result.status == "SUCCESS"


def test_without_redis_tasks_run_eagerly(settings: Any) -> None:
    # The embedded default: no broker, the task runs in-process.
    assert ping.delay().get(timeout=1) == "pong"
