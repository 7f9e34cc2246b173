"""The summary tasks through a real Celery worker consuming from Redis (runs in CI)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from oversight.celery import app
from oversight.roles import Role
from summaries.models import DigestDelivery, Summary, SummaryKind
from summaries.tasks import build_monthly_summary, send_overdue_digests
from tests.audits.factories import ActionFactory
from tests.cases.factories import InvestigationFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def worker(requires_redis: str) -> Any:
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as running:
        yield running


def test_the_worker_builds_the_monthly_summary_once_and_emails_it(worker: Any, make_user: Any) -> None:
    InvestigationFactory(unplaced=True, recorded_date="2025-10-02", outcome_type="1", outcome_date="2025-10-20")
    InvestigationFactory(unplaced=True, recorded_date="2025-10-03")
    make_user(Role.OPCC_SCRUTINY, email="opcc@example.org")

    first = build_monthly_summary.delay("2025-10").get(timeout=60)
    second = build_monthly_summary.delay("2025-10").get(timeout=60)

    summary = Summary.objects.get(kind=SummaryKind.MONTHLY_PERFORMANCE, period="2025-10")
    assert first["created"] is True and second["created"] is False
    assert first["summary"] == second["summary"] == summary.pk
    assert summary.data["kpis"]["month_total"]["recorded_offences"] == 2
    assert summary.data["kpis"]["month_total"]["charged_pct"] == 100.0
    assert [m.to for m in mail.outbox] == [["opcc@example.org"], ["opcc@example.org"]]


def test_the_worker_sends_each_digest_once_a_day(worker: Any, make_user: Any) -> None:
    owner = make_user(Role.AUDIT_LEAD, email="owner@example.org")
    ActionFactory(owner=owner, due_date=timezone.localdate() - timedelta(days=3))
    today = timezone.localdate().isoformat()

    first = send_overdue_digests.delay(today).get(timeout=60)
    second = send_overdue_digests.delay(today).get(timeout=60)

    assert (first["sent"], second["sent"], second["skipped"]) == (1, 0, 1)
    assert len([m for m in mail.outbox if m.to == ["owner@example.org"]]) == 1
    assert DigestDelivery.objects.get(owner=owner).day == date.fromisoformat(today)
    assert Summary.objects.get(kind=SummaryKind.OVERDUE_DIGEST).data["total"] == 1
