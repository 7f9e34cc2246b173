"""Summary builds survive faults: a task queue that is down or hanging when "rebuild now" is asked,
a worker killed in the middle of a build, a message that never reaches a worker.

The broker tests need nothing running: they point Celery at a closed port or at a local socket that
accepts connections and never answers. The worker tests use a real worker on Redis (and, for the
killed worker, PostgreSQL, which a second process can share); in CI they fail when those are missing.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import pools

from oversight.celery import app
from oversight.roles import Role
from oversight.tasks import ping
from summaries import services
from summaries.models import Summary, SummaryBuild, SummaryKind
from summaries.tasks import TASK_BY_KIND, queue_rebuild, requeue_stale_builds
from tests.cases.factories import InvestigationFactory

BASE_DIR = Path(__file__).resolve().parents[2]
OCTOBER = "2025-10"


@pytest.fixture
def broker_at() -> Iterator[Callable[[str], None]]:
    """``broker_at(url)``: send tasks to ``url`` for the rest of the test (no eager runs)."""
    previous = (app.conf.broker_url, app.conf.task_always_eager)

    def use(url: str) -> None:
        _drop_connections()
        app.conf.broker_url = url
        app.conf.task_always_eager = False

    yield use
    _drop_connections()
    app.conf.broker_url, app.conf.task_always_eager = previous


def _drop_connections() -> None:
    """Celery keeps pools of broker connections and producers (kombu's, one per URL) once used."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A local address that accepts connections and never answers: Redis hanging, not down."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        deadline = time.monotonic() + 60  # bounded, whatever happens to the test
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join(timeout=2)
    for conn in accepted:
        conn.close()
    server.close()


def _closed_port() -> str:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now: connections are refused
    return f"redis://127.0.0.1:{port}/0"


# --- the broker is down or hanging when "rebuild now" is asked ------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("broker", ["refusing", "hanging"])
def test_rebuild_now_with_the_task_queue_down_answers_quickly_and_keeps_the_build_waiting_to_be_sent(
    broker: str, broker_at: Callable[[str], None], silent_server: str, client_for: Any
) -> None:
    admin = client_for(Role.ADMINISTRATOR)
    broker_at(_closed_port() if broker == "refusing" else silent_server)

    started = time.monotonic()
    response = admin.post("/summaries/rebuild/", {"kind": "monthly_performance", "period": OCTOBER})
    took = time.monotonic() - started

    build = SummaryBuild.objects.get()
    assert response.status_code == 302  # not a 500
    assert response["Location"] == f"/summaries/builds/{build.pk}/"
    # Refused: at once. Hanging: one 3-second socket timeout (was 19 s of retries, then a 500).
    assert took < 6, f"the page took {took:.1f} s"
    assert build.status == SummaryBuild.Status.UNSENT
    assert "the task queue did not answer" in build.error
    page = admin.get(response["Location"]).content.decode()
    assert "The task queue is not answering, so the rebuild of monthly performance summary 2025-10" in page
    assert "will be sent automatically" in page
    assert "Waiting to be sent" in page


@pytest.mark.django_db
def test_the_sweep_leaves_a_build_waiting_when_the_queue_is_still_down(
    broker_at: Callable[[str], None], make_user: Any
) -> None:
    build = SummaryBuild.objects.create(
        kind=SummaryKind.MONTHLY_PERFORMANCE,
        period=OCTOBER,
        trigger=SummaryBuild.Trigger.MANUAL,
        triggered_by=make_user(Role.ADMINISTRATOR),
        status=SummaryBuild.Status.UNSENT,
    )
    broker_at(_closed_port())

    assert requeue_stale_builds() == {"sent": 0, "unsent": 1}

    build.refresh_from_db()
    assert build.status == SummaryBuild.Status.UNSENT


# --- settings that make a lost worker's task come back ------------------------------------------------


def test_tasks_are_acknowledged_late_and_given_back_when_their_worker_is_lost() -> None:
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "summaries.tasks.requeue_stale_builds" in ours
    for name, task in ours.items():
        assert task.acks_late, name
        assert task.reject_on_worker_lost, name


def test_redis_hides_a_taken_task_for_longer_than_the_longest_task_may_run() -> None:
    app.loader.import_default_modules()
    limits = [task.time_limit or app.conf.task_time_limit for name, task in app.tasks.items()]
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    # The longest limit is the default, 30 minutes (prune_access_log); Redis waits 40 before
    # handing an unacknowledged task to another worker, so no healthy task runs twice.
    assert max(limits) == 30 * 60
    assert visibility == 40 * 60 > max(limits)


# --- the sweep and a real worker ----------------------------------------------------------------------


@pytest.fixture
def worker(requires_redis: str) -> Iterator[Any]:
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as running:
        yield running


def _wait_for(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"waited {seconds} s for {what}")


def _status(build: SummaryBuild) -> str:
    build.refresh_from_db()
    return build.status


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_sweep_sends_again_builds_no_worker_will_finish_and_a_real_worker_builds_them(
    worker: Any, make_user: Any
) -> None:
    InvestigationFactory(unplaced=True, recorded_date="2025-10-02")
    admin = make_user(Role.ADMINISTRATOR)
    now = timezone.now()
    limit = timedelta(seconds=TASK_BY_KIND[SummaryKind.MONTHLY_PERFORMANCE].time_limit)  # 20 minutes

    def build(status: str, period: str, started_ago: timedelta | None = None) -> SummaryBuild:
        started = now - started_ago if started_ago is not None else None
        return SummaryBuild.objects.create(
            kind=SummaryKind.MONTHLY_PERFORMANCE,
            period=period,
            trigger=SummaryBuild.Trigger.MANUAL,
            triggered_by=admin,
            status=status,
            queued_at=started or now,
            started_at=started if status == SummaryBuild.Status.RUNNING else None,
        )

    unsent = build(SummaryBuild.Status.UNSENT, "2025-10")
    worker_died = build(SummaryBuild.Status.RUNNING, "2025-09", started_ago=limit + timedelta(minutes=1))
    lost_message = build(SummaryBuild.Status.QUEUED, "2025-08", started_ago=limit + timedelta(minutes=1))
    still_running = build(SummaryBuild.Status.RUNNING, "2025-07", started_ago=timedelta(minutes=1))

    assert requeue_stale_builds.delay().get(timeout=30) == {"sent": 3, "unsent": 0}

    def built(build: SummaryBuild) -> Callable[[], bool]:
        return lambda: _status(build) == SummaryBuild.Status.SUCCEEDED

    for stale in (unsent, worker_died, lost_message):
        _wait_for(built(stale), seconds=60, what=f"build {stale.period}")
    assert _status(still_running) == SummaryBuild.Status.RUNNING  # within its time limit: left alone
    assert set(Summary.objects.values_list("period", flat=True)) == {"2025-10", "2025-09", "2025-08"}


# --- a worker killed mid-build ------------------------------------------------------------------------


def _test_database_url() -> str:
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT'] or 5432}/{params['NAME']}"


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_build_gives_the_build_back_and_it_finishes(
    requires_postgres: None, requires_redis: str, make_user: Any
) -> None:
    """A real prefork worker in its own process: its pool process is killed (SIGKILL) while the
    build waits on a row lock this test holds; the task goes back to Redis and is built again.
    Before: Celery acknowledged the lost task and the build stayed "Running" for an hour."""
    InvestigationFactory(unplaced=True, recorded_date="2025-10-02")
    services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=OCTOBER)
    admin = make_user(Role.ADMINISTRATOR)
    app.conf.task_always_eager = False
    _drop_connections()
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "REDIS_URL": settings.REDIS_URL}
    command = [sys.executable, "-m", "celery", "-A", "oversight", "worker", "-P", "prefork", "-c", "1"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning", "-n", "killed@%h"]
    worker_process = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    lock = psycopg.connect(_test_database_url().replace("postgres://", "postgresql://"))
    try:
        assert ping.delay().get(timeout=60) == "pong"  # the worker is consuming
        # Hold the summary's row: the build will start, mark itself running, then wait on it.
        lock.execute("SELECT id FROM summaries_summary WHERE period = %s FOR UPDATE", [OCTOBER])
        build = queue_rebuild(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=OCTOBER, actor=admin)
        _wait_for(lambda: _status(build) == SummaryBuild.Status.RUNNING, seconds=30, what="the build to start")

        for child in _children(worker_process.pid):
            os.kill(child, signal.SIGKILL)
        time.sleep(1)
        lock.rollback()  # the next attempt is not held up

        _wait_for(lambda: _status(build) == SummaryBuild.Status.SUCCEEDED, seconds=60, what="the build to finish")
    finally:
        lock.close()
        worker_process.terminate()
        try:
            worker_process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker_process.kill()
            worker_process.wait(timeout=10)
        _drop_connections()
    assert build.finished_at is not None and build.summary is not None
