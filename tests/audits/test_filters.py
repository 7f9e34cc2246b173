"""The audit and action filters, shared by the pages and the API: a bad value is a 400 on the API
and a GOV.UK error (the rest of the list still shown) on a page, never a 500."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from oversight.roles import Role

from .factories import ActionFactory, AuditFactory, CaseReviewFactory, LearningPointFactory, QuestionSetFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/audits/?kind=weekly", "kind"),
        ("/api/v1/audits/?status=lost", "status"),
        ("/api/v1/audits/?month_from=2025-13", "month_from"),
        ("/api/v1/case-reviews/?audit=abc", "audit"),
        (f"/api/v1/case-reviews/?audit={HUGE}", "audit"),
        ("/api/v1/learning-points/?audit=abc", "audit"),
        ("/api/v1/actions/?owner=abc", "owner"),
        ("/api/v1/actions/?audit=-1", "audit"),
        (f"/api/v1/actions/?audit={HUGE}", "audit"),
        ("/api/v1/actions/?status=maybe", "status"),
    ],
)
def test_the_api_answers_a_bad_filter_with_400_naming_it(api_client_for: Any, url: str, param: str) -> None:
    response = api_client_for(Role.AUDIT_LEAD).get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["message"].startswith(f"{param}:")
    assert param in body["errors"]


def test_the_api_filters_by_audit_and_an_unknown_id_matches_nothing(api_client_for: Any, lead: Any) -> None:
    audit = AuditFactory(lead_auditor=lead, question_set=QuestionSetFactory())
    other = AuditFactory(lead_auditor=lead, question_set=audit.question_set, month=date(2025, 1, 1))
    CaseReviewFactory(audit=audit, position=1)
    CaseReviewFactory(audit=other, position=1)
    LearningPointFactory(audit=audit)
    client = api_client_for(user=lead)
    assert client.get(f"/api/v1/case-reviews/?audit={audit.pk}").json()["count"] == 1
    assert client.get(f"/api/v1/learning-points/?audit={audit.pk}").json()["count"] == 1
    assert client.get("/api/v1/case-reviews/?audit=987654321").json()["count"] == 0
    assert client.get("/api/v1/case-reviews/?audit=").json()["count"] == 2


def test_the_api_filters_actions_by_owner_overdue_and_area(api_client_for: Any, lead: Any, make_user: Any) -> None:
    owner = make_user(Role.COMMITMENT_LEAD)
    late = ActionFactory(owner=owner, due_date=timezone.localdate() - timedelta(days=1))
    ActionFactory()
    client = api_client_for(user=lead)
    assert [a["id"] for a in client.get(f"/api/v1/actions/?owner={owner.pk}").json()["results"]] == [late.pk]
    assert [a["id"] for a in client.get("/api/v1/actions/?overdue=yes").json()["results"]] == [late.pk]
    assert client.get("/api/v1/actions/?overdue=no").json()["count"] == 2
    area = late.audit.area
    assert late.pk in [a["id"] for a in client.get(f"/api/v1/actions/?area={area}").json()["results"]]


def test_the_api_filters_audits_by_kind_and_month(api_client_for: Any, lead: Any) -> None:
    kept = AuditFactory(lead_auditor=lead, month=date(2025, 6, 1), question_set=QuestionSetFactory())
    AuditFactory(lead_auditor=lead, month=date(2024, 6, 1), question_set=kept.question_set)
    client = api_client_for(user=lead)
    body = client.get("/api/v1/audits/?month_from=2025-01").json()
    assert [a["id"] for a in body["results"]] == [kept.pk]
    assert client.get(f"/api/v1/audits/?kind={kept.kind}&month_to=2025-06").json()["count"] == 2


@pytest.mark.parametrize("query", ["kind=weekly", "month_from=2025-13", "month_to=abc"])
def test_the_audit_list_shows_a_bad_filter_as_an_error_and_still_lists(client_for: Any, lead: Any, query: str) -> None:
    audit = AuditFactory(lead_auditor=lead, question_set=QuestionSetFactory())
    response = client_for(user=lead).get(f"/audits/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert audit.title in html


@pytest.mark.parametrize("query", ["audit=abc", f"owner={HUGE}", "status=maybe"])
def test_the_actions_tracker_shows_a_bad_filter_as_an_error_and_still_lists(
    client_for: Any, lead: Any, query: str
) -> None:
    action = ActionFactory(audit=AuditFactory(lead_auditor=lead, question_set=QuestionSetFactory()))
    response = client_for(user=lead).get(f"/audits/actions/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert action.title in html


def test_the_actions_tracker_filters_by_owner(client_for: Any, lead: Any, make_user: Any) -> None:
    owner = make_user(Role.COMMITMENT_LEAD)
    kept = ActionFactory(owner=owner, title="Kept action")
    ActionFactory(title="Other action")
    html = client_for(user=lead).get(f"/audits/actions/?owner={owner.pk}").content.decode()
    assert kept.title in html and "Other action" not in html
    assert f'<option value="{owner.pk}" selected>' in html
