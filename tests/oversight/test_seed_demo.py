"""``manage.py seed_demo``: the printed logins sign in and find work waiting in each role's workflow;
running it again adds nothing."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from audits.models import Audit
from cases.models import Investigation, OrderBreach, ProtectiveOrder
from commitments.models import RagAssessment
from summaries.models import Summary, SummaryBuild, SummaryKind

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-for-tests"


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Investigation, ProtectiveOrder, OrderBreach, RagAssessment, Audit))


def test_the_printed_logins_reach_their_workflows_and_a_second_run_adds_nothing(client: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = _counts()
    logins = dict(re.findall(r"^  (\w+)\s+(\S+@example\.org)$", out.getvalue(), flags=re.MULTILINE))
    assert set(logins) == {
        "audit_lead",
        "case_editor",
        "commitment_lead",
        "board_chair",
        "opcc_scrutiny",
        "administrator",
    }

    proposed = RagAssessment.objects.filter(status="proposed").first()
    endorsed = RagAssessment.objects.filter(status="endorsed").first()
    assert proposed is not None and endorsed is not None  # a board chair and the OPCC have work waiting
    workflow = {
        "case_editor": ["/cases/", "/cases/import/", "/cases/quality/"],
        "audit_lead": ["/audits/", "/audits/plan/", "/audits/actions/mine/"],
        "commitment_lead": ["/commitments/mine/"],
        "board_chair": [f"/commitments/assessments/{proposed.pk}/review/"],
        "opcc_scrutiny": ["/commitments/scrutiny/", f"/commitments/assessments/{endorsed.pk}/publish/"],
        "administrator": ["/manage/users/"],
    }
    for role, email in logins.items():
        client.logout()
        response = client.post("/login/", {"username": email, "password": PASSWORD})
        assert response.status_code == 302, (role, response.status_code)
        for path in workflow[role]:
            page = client.get(path, follow=True)  # the plan page goes on to this year's plan
            assert page.status_code == 200 and "/login/" not in page.request["PATH_INFO"], (role, path)

    builds = SummaryBuild.objects.count()
    assert Summary.objects.filter(kind=SummaryKind.MONTHLY_PERFORMANCE).count() == 12
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert _counts() == counts
    assert "already there" in again.getvalue()
    assert SummaryBuild.objects.count() == builds  # the summaries built the first time are not built again
    assert "Summaries: built 0," in again.getvalue()
