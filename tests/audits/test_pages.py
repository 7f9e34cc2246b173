"""Pages: the audit lead's journey, refusals, and no crime reference for roles that may not see one."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from audits import services
from audits.models import Action, Answer, Audit
from oversight.roles import Role
from tests.cases.factories import InvestigationFactory

from .factories import (
    ActionFactory,
    AuditFactory,
    CaseReviewFactory,
    LearningPointFactory,
    QuestionSetFactory,
    answer_all,
)

pytestmark = pytest.mark.django_db
SECRET_REF = "20/987654/25"
CRIME_REFERENCE = re.compile(r"\b\d{2}/\d{3,}/\d{2}\b")


def _content(response: Any) -> str:
    """The text a user receives, also from CSV streams and (unzipped) XLSX workbooks."""
    if "spreadsheetml" in response.get("Content-Type", ""):
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(",".join(str(c) for c in row) for sheet in book for row in sheet.iter_rows(values_only=True))
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode("utf-8", errors="replace")


@pytest.fixture
def audited(lead: Any, make_user: Any) -> dict[str, Any]:
    """A submitted audit whose only case is SECRET_REF, with learning and an action owned by an OPCC officer."""
    audit = AuditFactory(lead_auditor=lead, month=date(2025, 6, 1), question_set=QuestionSetFactory())
    review = CaseReviewFactory(
        audit=audit, position=1, investigation=InvestigationFactory(audit_sample=True, crime_reference=SECRET_REF)
    )
    answer_all(review, ["compliant", "partial", "not_applicable"])
    review.reviewed_at = timezone.now()
    review.save()
    Audit.objects.filter(pk=audit.pk).update(status="submitted", submitted_at=timezone.now())
    point = LearningPointFactory(audit=audit, review=review)
    opcc = make_user(Role.OPCC_SCRUTINY)
    action = ActionFactory(audit=audit, owner=opcc, learning_point=point, title="Share the VPS reminder")
    return {"audit": audit, "review": review, "opcc": opcc, "action": action}


def test_the_lead_plans_samples_answers_and_sees_compliance(client_for: Any, lead: Any) -> None:
    client = client_for(user=lead)
    qs = QuestionSetFactory()
    for _ in range(5):
        InvestigationFactory(audit_sample=True, recorded_date=date(2025, 10, 10))
    response = client.post(
        "/audits/new/",
        {"kind": "monthly", "area": "rasso", "month": "2025-11", "question_set": qs.pk, "planned_sample_size": 3},
    )
    audit = Audit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/audits/{audit.pk}/sample/"
    response = client.post(
        f"/audits/{audit.pk}/sample/",
        {
            "form": "draw",
            "draw-size": 3,
            "draw-window_start": "2025-10-01",
            "draw-window_end": "2025-10-31",
            "draw-seed": "42",
        },
    )
    assert response.status_code == 302
    assert audit.reviews.count() == 3
    review = audit.reviews.order_by("position").first()
    assert review is not None
    q1, q2, q3 = qs.questions.order_by("order")
    response = client.post(
        f"/audits/reviews/{review.pk}/",
        {
            f"q{q1.pk}": "compliant",
            f"q{q2.pk}": "non_compliant",
            f"q{q3.pk}": "not_applicable",
            f"c{q2.pk}": "No VPS recorded",
            "next": "1",
        },
    )
    assert response.status_code == 302
    assert Answer.objects.filter(review=review).count() == 3
    html = client.get(f"/audits/{audit.pk}/report/").content.decode()
    assert "50.0%" in html


def test_an_incomplete_review_form_shows_errors_and_saves_nothing(client_for: Any, audit: Any, lead: Any) -> None:
    review = CaseReviewFactory(audit=audit)
    q1 = audit.question_set.questions.first()
    response = client_for(user=lead).post(f"/audits/reviews/{review.pk}/", {f"q{q1.pk}": "compliant"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_bad_sample_window_is_a_message_not_an_error_page(client_for: Any, audit: Any, lead: Any) -> None:
    response = client_for(user=lead).post(
        f"/audits/{audit.pk}/sample/",
        {"form": "draw", "draw-size": 3, "draw-window_start": "2025-10-31", "draw-window_end": "2025-10-01"},
    )
    assert response.status_code == 200
    assert "must end on or after" in response.content.decode()


def test_another_audit_lead_reads_but_cannot_change_an_audit(client_for: Any, audited: dict[str, Any]) -> None:
    client = client_for(Role.AUDIT_LEAD)
    audit, review = audited["audit"], audited["review"]
    assert client.get(f"/audits/{audit.pk}/").status_code == 200
    assert client.get(f"/audits/{audit.pk}/sample/").status_code == 403
    assert client.get(f"/audits/{audit.pk}/actions/new/").status_code == 403
    q1 = audit.question_set.questions.first()
    assert client.post(f"/audits/reviews/{review.pk}/", {f"q{q1.pk}": "non_compliant"}).status_code == 403
    assert client.post(f"/audits/{audit.pk}/reopen/").status_code == 403


def test_a_signed_off_audit_cannot_be_answered_through_the_page(
    client_for: Any, audited: dict[str, Any], lead: Any
) -> None:
    audit, review = audited["audit"], audited["review"]
    client_for(Role.AUDIT_LEAD).post(f"/audits/{audit.pk}/sign-off/")
    audit.refresh_from_db()
    assert audit.status == "signed_off"
    q1 = audit.question_set.questions.first()
    client = client_for(user=lead)
    assert client.post(f"/audits/reviews/{review.pk}/", {f"q{q1.pk}": "non_compliant"}).status_code == 403
    assert Answer.objects.get(review=review, question=q1).value == "compliant"


def test_the_lead_auditor_is_refused_the_sign_off_page(client_for: Any, audited: dict[str, Any], lead: Any) -> None:
    audit = audited["audit"]
    client = client_for(user=lead)
    assert client.get(f"/audits/{audit.pk}/sign-off/").status_code == 403
    assert client.post(f"/audits/{audit.pk}/sign-off/").status_code == 403
    assert client.post(f"/audits/{audit.pk}/return/", {"reason": "x"}).status_code == 403
    audit.refresh_from_db()
    assert audit.status == "submitted"
    page = client.get(f"/audits/{audit.pk}/").content.decode()
    assert "You cannot sign off an audit you led" in page and 'data-testid="sign-off"' not in page


def test_a_colleague_confirms_before_signing_off(client_for: Any, audited: dict[str, Any]) -> None:
    audit = audited["audit"]
    client = client_for(Role.AUDIT_LEAD)
    page = client.get(f"/audits/{audit.pk}/").content.decode()
    assert 'data-testid="sign-off"' in page
    confirm = client.get(f"/audits/{audit.pk}/sign-off/").content.decode()
    assert "Signing off locks the audit" in confirm
    audit.refresh_from_db()
    assert audit.status == "submitted"  # the page alone changes nothing
    client.post(f"/audits/{audit.pk}/sign-off/")
    audit.refresh_from_db()
    assert audit.status == "signed_off" and audit.signed_off_by == client.user


def test_a_colleague_returns_the_audit_with_a_reason_through_the_page(
    client_for: Any, audited: dict[str, Any], lead: Any
) -> None:
    audit = audited["audit"]
    client = client_for(Role.AUDIT_LEAD)
    empty = client.post(f"/audits/{audit.pk}/return/", {"reason": " "})
    assert empty.status_code == 200 and "govuk-error-summary" in empty.content.decode()
    audit.refresh_from_db()
    assert audit.status == "submitted"
    client.post(f"/audits/{audit.pk}/return/", {"reason": "Comment missing on case 1, question 2."})
    audit.refresh_from_db()
    assert audit.status == "in_progress"
    page = client_for(user=lead).get(f"/audits/{audit.pk}/").content.decode()
    assert "Comment missing on case 1, question 2." in page


def test_the_submit_button_is_not_a_warning_button(client_for: Any, lead: Any) -> None:
    audit = AuditFactory(lead_auditor=lead, status="in_progress", month=date(2025, 7, 1))
    page = client_for(user=lead).get(f"/audits/{audit.pk}/").content.decode()
    button = page[page.index('data-testid="submit-audit"') - 200 : page.index('data-testid="submit-audit"')]
    assert "Submit for sign-off" in page and "govuk-button--warning" not in button


OPCC_PAGES = [
    "/audits/{audit}/",
    "/audits/{audit}/report/",
    "/audits/{audit}/report/?format=csv&table=cases",
    "/audits/reviews/{review}/",
    "/audits/actions/",
    "/audits/actions/?format=csv",
    "/api/v1/audits/",
    "/api/v1/case-reviews/",
    "/api/v1/learning-points/",
]


@pytest.mark.parametrize("url", OPCC_PAGES)
def test_an_opcc_officer_is_refused_case_level_pages(url: str, client_for: Any, audited: dict[str, Any]) -> None:
    client = client_for(user=audited["opcc"])
    response = client.get(url.format(audit=audited["audit"].pk, review=audited["review"].pk))
    assert response.status_code == 403
    assert SECRET_REF not in _content(response)


OPCC_ALLOWED = [
    "/audits/",
    "/audits/overview/",
    "/audits/overview/?format=csv",
    "/audits/overview/?format=csv&table=themes",
    "/audits/overview/?format=csv&table=areas",
    "/audits/actions/mine/",
    "/audits/actions/mine/?format=csv",
    "/audits/actions/{action}/",
    "/api/v1/actions/",
    "/api/v1/actions/{action}/",
    "/api/v1/audit-overview/?from=2025-04&to=2026-03",
    "/",
]


@pytest.mark.parametrize("url", OPCC_ALLOWED)
def test_what_an_opcc_officer_may_open_never_contains_a_crime_reference(
    url: str, client_for: Any, audited: dict[str, Any]
) -> None:
    client = client_for(user=audited["opcc"])
    response = client.get(url.format(action=audited["action"].pk), follow=True)
    assert response.status_code == 200
    body = _content(response)
    assert SECRET_REF not in body
    # no crime reference of any case (the factories' are NN/NNNNNN/NN); a bare "20/" may be an id in a link
    assert not CRIME_REFERENCE.search(body), CRIME_REFERENCE.search(body)


def test_the_opcc_overview_shows_the_aggregate(client_for: Any, audited: dict[str, Any]) -> None:
    client = client_for(user=audited["opcc"])
    html = client.get("/audits/overview/?month_from=2025-04&month_to=2026-03").content.decode()
    assert "50.0%" in html
    assert "Supervision" in html  # learning theme
    assert client.get("/audits/").url == "/audits/overview/"


def test_an_opcc_owner_records_progress_on_their_action(client_for: Any, audited: dict[str, Any]) -> None:
    client = client_for(user=audited["opcc"])
    action = audited["action"]
    response = client.post(
        f"/audits/actions/{action.pk}/", {"form": "progress", "status": "completed", "note": "Shared at the board"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "completed"
    assert client.post(f"/audits/actions/{action.pk}/", {"form": "verify", "decision": "verify"}).status_code == 403


def test_a_commitment_lead_reads_audits_without_crime_references(client_for: Any, audited: dict[str, Any]) -> None:
    client = client_for(Role.COMMITMENT_LEAD)
    audit, review = audited["audit"], audited["review"]
    for url in (
        f"/audits/{audit.pk}/",
        f"/audits/{audit.pk}/report/",
        f"/audits/{audit.pk}/report/?format=csv&table=cases",
        f"/audits/{audit.pk}/report/?format=xlsx&table=cases",
        f"/audits/reviews/{review.pk}/",
        f"/api/v1/case-reviews/?audit={audit.pk}",
        f"/api/v1/case-reviews/{review.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _content(response)
        assert SECRET_REF not in body, url
        assert "Case 1" in body, url


def test_roles_that_see_references_get_them_in_the_report_export(client_for: Any, audited: dict[str, Any]) -> None:
    response = client_for(Role.BOARD_CHAIR).get(f"/audits/{audited['audit'].pk}/report/?format=csv&table=cases")
    assert SECRET_REF in _content(response)


def test_the_report_exports_compliance_by_question(client_for: Any, audited: dict[str, Any], lead: Any) -> None:
    body = _content(client_for(user=lead).get(f"/audits/{audited['audit'].pk}/report/?format=csv"))
    lines = body.strip().splitlines()
    assert lines[0].startswith("Question,Text,Compliant")
    assert lines[1].endswith(",1,0,0,0,100.0")
    assert lines[3].endswith(",0,0,0,1,")  # all N/A → no rate


def test_the_actions_tracker_filters_overdue(client_for: Any, audited: dict[str, Any], lead: Any) -> None:
    late = ActionFactory(audit=audited["audit"], due_date=timezone.localdate() - timedelta(days=2), title="Late one")
    html = client_for(user=lead).get("/audits/actions/?overdue=on").content.decode()
    assert late.title in html and "Share the VPS reminder" not in html
    assert "Overdue" in html


def test_list_pages_use_a_constant_number_of_queries(
    client_for: Any, lead: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(user=lead)
    qs = QuestionSetFactory()
    for month in range(1, 13):
        audit = AuditFactory(lead_auditor=lead, question_set=qs, month=date(2024, month, 1))
        answer_all(CaseReviewFactory(audit=audit), ["compliant", "partial"])
        ActionFactory(audit=audit)
    for url in (
        "/audits/",
        "/audits/actions/",
        "/audits/overview/",
        "/audits/actions/mine/",
        "/api/v1/audits/",
        "/api/v1/actions/",
        "/api/v1/case-reviews/",
    ):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200, url


def test_the_audit_lead_home_panel_counts_work(client_for: Any, audited: dict[str, Any], lead: Any) -> None:
    Action.objects.filter(pk=audited["action"].pk).update(status="completed", completed_at=timezone.now())
    html = client_for(user=lead).get("/").content.decode()
    assert "1 action waiting for you to verify" in html
    html = client_for(user=audited["opcc"]).get("/").content.decode()
    assert "You own 0 open" not in html  # completed: nothing open


def test_my_actions_appears_on_home_for_an_owner(client_for: Any, audited: dict[str, Any]) -> None:
    html = client_for(user=audited["opcc"]).get("/").content.decode()
    assert "You own 1 open audit action" in html


def test_question_sets_are_frozen_once_published_on_the_page(client_for: Any, lead: Any) -> None:
    qs = QuestionSetFactory()
    question = qs.questions.get(order=1)
    client = client_for(user=lead)
    assert client.post(f"/audits/question-sets/{qs.pk}/questions/new/", {"text": "x"}).status_code == 403
    assert client.post(f"/audits/question-sets/questions/{question.pk}/edit/", {"text": "x"}).status_code == 403
    assert client.post(f"/audits/question-sets/questions/{question.pk}/retire/").status_code == 403
    response = client.post(f"/audits/question-sets/{qs.pk}/new-version/")
    draft = type(qs).objects.get(code=qs.code, version=2)
    assert response["Location"] == f"/audits/question-sets/{draft.pk}/"
    new = {"text": "Bail conditions reviewed", "answer_scale": "yes_no", "allow_not_applicable": "no", "weight": 2}
    client.post(f"/audits/question-sets/{draft.pk}/questions/new/", new)
    assert list(draft.questions.values_list("text", flat=True))[-1] == "Bail conditions reviewed"
    services.question_set_publish(question_set=draft, actor=lead)
    assert qs.questions.count() == 3
