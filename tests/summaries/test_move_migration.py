"""Summaries and benchmarks left ``oversight`` for their own apps: a database that held them keeps every row.

The test winds the schema back to the last migration before the move (``oversight`` 0005, the
new apps unapplied), writes rows through the old models, migrates forward and reads them back
through the new ones. It runs on whichever database the suite uses (PostgreSQL in CI).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from performance.models import BenchmarkFigure, BenchmarkMeasure
from summaries.models import DigestDelivery, Summary, SummaryBuild

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_MOVE = [("oversight", "0005_add_benchmarks"), ("summaries", None), ("performance", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([(app, name) for app, name in targets if name is not None]).apps


def _latest() -> list[tuple[str, str | None]]:
    executor = MigrationExecutor(connection)
    return [node for node in executor.loader.graph.leaf_nodes() if node[0] in ("oversight", "summaries", "performance")]


def test_summaries_and_benchmarks_keep_every_row_across_the_move() -> None:
    old = _migrate(BEFORE_MOVE)
    user_model = old.get_model("oversight", "User")
    owner = user_model.objects.create(email="owner@example.org", full_name="Owner", password="!")
    summary = old.get_model("oversight", "Summary").objects.create(
        kind="quarterly_rag",
        period="2025-26-Q2",
        period_start=dt.date(2025, 7, 1),
        period_end=dt.date(2025, 9, 30),
        built_at=timezone.now(),
        data={"rows": [{"action_ref": "256", "rating": "AMBER"}]},
        html="<p>Built before the move.</p>",
    )
    old.get_model("oversight", "HistoricalSummary").objects.create(
        id=summary.pk,
        kind=summary.kind,
        period=summary.period,
        period_start=summary.period_start,
        period_end=summary.period_end,
        built_at=summary.built_at,
        data=summary.data,
        html=summary.html,
        history_date=timezone.now(),
        history_type="+",
    )
    old.get_model("oversight", "SummaryBuild").objects.create(
        kind="quarterly_rag", period="2025-26-Q2", summary=summary, trigger="manual", triggered_by=owner
    )
    old.get_model("oversight", "DigestDelivery").objects.create(owner=owner, day=dt.date(2025, 10, 6), action_count=3)
    measure = old.get_model("oversight", "BenchmarkMeasure").objects.create(code="live-sros", name="Live SROs")
    old.get_model("oversight", "BenchmarkFigure").objects.create(
        measure=measure, period="2025-26-Q2", force="West Midlands Police", value=Decimal("29")
    )
    schedules = old.get_model("django_celery_beat", "PeriodicTask")
    assert schedules.objects.filter(task__startswith="oversight.tasks.build_").count() == 2

    _migrate(_latest())

    moved = Summary.objects.get(pk=summary.pk)
    assert moved.data == {"rows": [{"action_ref": "256", "rating": "AMBER"}]}
    assert moved.html == "<p>Built before the move.</p>"
    assert list(moved.history.values_list("history_type", flat=True)) == ["+"]
    build = SummaryBuild.objects.get(summary=moved)
    assert build.triggered_by_id == owner.pk
    assert DigestDelivery.objects.get(owner_id=owner.pk).action_count == 3
    figure = BenchmarkFigure.objects.select_related("measure").get()
    assert (figure.measure.code, figure.force, figure.value) == ("live-sros", "West Midlands Police", Decimal("29"))
    assert BenchmarkMeasure.objects.count() == 1

    tasks = set(schedules.objects.values_list("task", flat=True))
    assert {
        "summaries.tasks.build_monthly_summary",
        "summaries.tasks.build_quarterly_rag_summary",
        "summaries.tasks.send_overdue_digests",
    } <= tasks
    assert not {task for task in tasks if task.startswith("oversight.tasks.build_")}
    assert Summary._meta.db_table == "summaries_summary"
    assert BenchmarkFigure._meta.db_table == "performance_benchmarkfigure"
