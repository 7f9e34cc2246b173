"""API: same rules as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from audits.models import Answer
from oversight.models import AccessLogEntry
from oversight.roles import Role
from tests.cases.factories import InvestigationFactory

from .factories import ActionFactory, AuditSubjectFactory, CaseReviewFactory

pytestmark = pytest.mark.django_db


def test_the_lead_draws_a_sample_and_answers_through_the_api(api_client_for: Any, audit: Any, lead: Any) -> None:
    client = api_client_for(user=lead)
    for _ in range(4):
        InvestigationFactory(audit_sample=True, recorded_date=date(2025, 5, 5))
    response = client.post(
        f"/api/v1/audits/{audit.pk}/sample/",
        {"size": 2, "window_start": "2025-05-01", "window_end": "2025-05-31", "seed": 7},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["sample_seed"] == 7 and response.json()["compliance"]["cases"] == 2
    review = audit.reviews.first()
    questions = list(audit.question_set.questions.all())
    response = client.post(
        f"/api/v1/case-reviews/{review.pk}/answers/",
        {"answers": [{"question": q.pk, "value": "partial"} for q in questions]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["crime_reference"] == review.investigation.crime_reference
    assert client.get(f"/api/v1/audits/{audit.pk}/").json()["compliance"]["compliance_rate"] == 0.0


def test_a_bad_answer_is_a_400_with_a_message(api_client_for: Any, audit: Any, lead: Any) -> None:
    review = CaseReviewFactory(audit=audit)
    response = api_client_for(user=lead).post(
        f"/api/v1/case-reviews/{review.pk}/answers/",
        {"answers": [{"question": 999999, "value": "compliant"}]},
        format="json",
    )
    assert response.status_code == 400 and response.json()["message"]
    assert not Answer.objects.exists()


def test_users_without_audit_access_list_only_their_own_actions(api_client_for: Any, make_user: Any) -> None:
    opcc = make_user(Role.OPCC_SCRUTINY)
    mine = ActionFactory(owner=opcc)
    theirs = ActionFactory()
    client = api_client_for(user=opcc)
    ids = [a["id"] for a in client.get("/api/v1/actions/").json()["results"]]
    assert ids == [mine.pk]
    assert client.get(f"/api/v1/actions/{theirs.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/actions/{mine.pk}/progress/", {"note": "Done", "status": "completed"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "completed"


def test_an_owner_cannot_verify_through_the_api(api_client_for: Any, make_user: Any) -> None:
    owner = make_user(Role.AUDIT_LEAD)
    action = ActionFactory(owner=owner, status="in_progress")
    client = api_client_for(user=owner)
    client.post(f"/api/v1/actions/{action.pk}/progress/", {"note": "Done", "status": "completed"}, format="json")
    response = client.post(f"/api/v1/actions/{action.pk}/verify/", {}, format="json")
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == "completed"


def test_the_overview_endpoint_refuses_bad_months(api_client_for: Any) -> None:
    response = api_client_for(Role.OPCC_SCRUTINY).get("/api/v1/audit-overview/?from=2025-13&to=2026-03")
    assert response.status_code == 400
    assert "not a month" in response.json()["message"]


def test_a_review_of_a_managed_offender_opens_through_the_api_and_is_logged_by_its_reference(
    api_client_for: Any,
) -> None:
    # Sex Offender Management reviews a pseudonymous subject, not an investigation: the read is
    # logged under the subject's reference (it used to read the missing investigation: a 500).
    review = CaseReviewFactory(investigation=None, subject=AuditSubjectFactory(reference="SOM-00042"))
    response = api_client_for(Role.AUDIT_LEAD).get(f"/api/v1/case-reviews/{review.pk}/")
    assert response.status_code == 200
    assert AccessLogEntry.objects.get(object_id=review.pk).crime_reference == "SOM-00042"
