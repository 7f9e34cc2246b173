"""The pages: RAG grid, commitment, my commitments, review/publish/correct forms, boards, report."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from commitments.choices import AssessmentStatus
from commitments.models import BoardAction, BoardMeeting, ProgressUpdate, RagAssessment
from oversight.roles import Role
from tests.commitments.factories import (
    BoardFactory,
    ChapterFactory,
    CommitmentFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RagAssessmentFactory,
    period,
)

pytestmark = pytest.mark.django_db


def test_the_overview_grid_shows_eight_quarters_with_tag_and_text(client_for: Any) -> None:
    commitment = CommitmentFactory(action_ref="256")
    RagAssessmentFactory(commitment=commitment, period=period("2025-26-Q2"), published=True, rating="AMBER")
    html = client_for(Role.OPCC_SCRUTINY).get("/commitments/?to=2025-26-Q2").content.decode()
    assert html.count('class="govuk-table__header app-commitments-grid__q"') == 8
    assert 'data-period="2023-24-Q3"' in html
    assert 'class="govuk-tag app-rag app-rag--amber" data-rating="AMBER">Amber</strong>' in html


def test_the_overview_grid_filters_by_board_and_lead(client_for: Any) -> None:
    kept = CommitmentFactory(action_ref="147")
    CommitmentFactory(action_ref="999")
    client = client_for(Role.AUDIT_LEAD)
    html = client.get(f"/commitments/?board={kept.board_id}").content.decode()
    assert 'data-action-ref="147"' in html and 'data-action-ref="999"' not in html
    html = client.get(f"/commitments/?lead={kept.lead_id}").content.decode()
    assert 'data-action-ref="147"' in html and 'data-action-ref="999"' not in html


def test_a_bad_grid_period_shows_a_message_not_an_error(client_for: Any) -> None:
    response = client_for(Role.AUDIT_LEAD).get("/commitments/?to=nonsense")
    assert response.status_code == 400
    assert "not a reporting period" in response.content.decode()


def test_the_overview_grid_exports_csv_and_xlsx(client_for: Any) -> None:
    commitment = CommitmentFactory(action_ref="147")
    RagAssessmentFactory(commitment=commitment, period=period("2025-26-Q2"), published=True)
    client = client_for(Role.COMMITMENT_LEAD)
    body = b"".join(client.get("/commitments/?to=2025-26-Q2&format=csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["Action ref", "Commitment"] and rows[0][-1] == "Q2 25/26"
    assert rows[1][0] == "147" and rows[1][-1] == "Green"
    sheet = load_workbook(io.BytesIO(client.get("/commitments/?to=2025-26-Q2&format=xlsx").content)).active
    assert sheet.cell(2, 1).value == "147"


def test_the_overview_grid_uses_a_constant_number_of_queries(
    client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(Role.OPCC_SCRUTINY)
    chapter = ChapterFactory()
    for n in range(1, 15):
        RagAssessmentFactory(commitment=CommitmentFactory(chapter=chapter, order=n), published=True)
    with django_assert_max_num_queries(14):
        assert client.get("/commitments/?to=2025-26-Q2").status_code == 200


def test_a_lead_writes_an_update_through_the_form(cast: Any, client_for: Any) -> None:
    client = client_for(user=cast.lead)
    url = f"/commitments/{cast.commitment.pk}/update/2025-26-Q2/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"narrative": "Uplift recruited.", "proposed_rating": "AMBER"})
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().narrative == "Uplift recruited."
    assert RagAssessment.objects.get().status == AssessmentStatus.PROPOSED


def test_the_update_form_shows_errors_and_saves_nothing(cast: Any, client_for: Any) -> None:
    response = client_for(user=cast.lead).post(
        f"/commitments/{cast.commitment.pk}/update/2025-26-Q2/", {"narrative": "", "proposed_rating": ""}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_another_lead_cannot_open_the_update_form(cast: Any, client_for: Any) -> None:
    response = client_for(Role.COMMITMENT_LEAD).get(f"/commitments/{cast.commitment.pk}/update/2025-26-Q2/")
    assert response.status_code == 403


def test_my_commitments_shows_what_is_due(cast: Any, client_for: Any) -> None:
    PlanFactory()
    other = CommitmentFactory(lead=cast.lead, action_ref="148", order=2)
    RagAssessmentFactory(commitment=other, period=period("2025-26-Q2"))
    plan = cast.commitment.plan
    plan.reporting_period = period("2025-26-Q2")
    plan.save()
    html = client_for(user=cast.lead).get("/commitments/mine/").content.decode()
    assert "1 update due" in html
    assert "Update due" in html and "Proposed by lead" in html


def test_the_chair_sees_pending_reviews_and_endorses(cast: Any, client_for: Any) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment)
    client = client_for(user=cast.chair)
    html = client.get(f"/commitments/boards/{cast.commitment.board_id}/").content.decode()
    assert f'href="/commitments/assessments/{assessment.pk}/review/"' in html
    response = client.post(f"/commitments/assessments/{assessment.pk}/review/", {"decision": "endorse"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ENDORSED


def test_a_challenge_without_a_comment_says_why_on_the_form(cast: Any, client_for: Any) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment)
    response = client_for(user=cast.chair).post(
        f"/commitments/assessments/{assessment.pk}/review/", {"decision": "challenge", "comment": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<li>Say why you challenge the proposed rating.</li>" in page  # the service's message
    assert 'href="#id_comment">Comment: Enter a comment.</a>' in page  # and the field it concerns
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.PROPOSED


def test_a_chair_of_another_board_cannot_review(cast: Any, client_for: Any) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment)
    other = client_for(Role.BOARD_CHAIR)
    BoardFactory(chair=other.user)
    response = other.post(f"/commitments/assessments/{assessment.pk}/review/", {"decision": "endorse"})
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.PROPOSED


def test_the_opcc_publishes_from_the_queue_with_a_rationale(cast: Any, client_for: Any) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment, endorsed=True)
    client = client_for(user=cast.opcc)
    assert f"/commitments/assessments/{assessment.pk}/publish/" in client.get("/commitments/scrutiny/").content.decode()
    response = client.post(f"/commitments/assessments/{assessment.pk}/publish/", {"rating": "GREEN", "rationale": ""})
    assert response.status_code == 400
    answers = {"rating": "GREEN", "rationale": "Evidence seen."}
    response = client.post(f"/commitments/assessments/{assessment.pk}/publish/", answers)
    assert response.status_code == 200  # the confirmation page: nothing is published yet
    page = response.content.decode()
    assert "Publish Green for" in page and 'name="confirm" value="yes"' in page and "Cancel and go back" in page
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ENDORSED and not assessment.rating
    response = client.post(f"/commitments/assessments/{assessment.pk}/publish/", {**answers, "confirm": "yes"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.rating) == (AssessmentStatus.PUBLISHED, "GREEN")


def test_the_opcc_corrects_a_published_rating_with_a_reason(cast: Any, client_for: Any) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment, published=True)
    client = client_for(user=cast.opcc)
    answers = {"rating": "RED", "rationale": "Demand outstripped the uplift.", "reason": "Late figures."}
    response = client.post(f"/commitments/assessments/{assessment.pk}/correct/", answers)
    assert response.status_code == 200  # the confirmation page: no new version yet
    assert "Confirm the correction" in response.content.decode()
    assert RagAssessment.objects.count() == 1
    response = client.post(f"/commitments/assessments/{assessment.pk}/correct/", {**answers, "confirm": "yes"})
    assert response.status_code == 302
    assert list(RagAssessment.objects.order_by("version").values_list("version", "rating")) == [
        (1, "GREEN"),
        (2, "RED"),
    ]


def test_the_commitment_page_shows_updates_assessments_and_history(cast: Any, client_for: Any) -> None:
    ProgressUpdateFactory(commitment=cast.commitment, narrative="OCSET received 2300 referrals.")
    RagAssessmentFactory(commitment=cast.commitment, published=True, rating="AMBER", rationale="Demand rising.")
    html = client_for(Role.OPCC_SCRUTINY).get(f"/commitments/{cast.commitment.pk}/").content.decode()
    assert "OCSET received 2300 referrals." in html
    assert "Demand rising." in html
    assert "Change history" in html and "RAG assessment Q2 25/26" in html


def test_the_chair_records_a_meeting_and_an_action(cast: Any, client_for: Any) -> None:
    client = client_for(user=cast.chair)
    board = cast.commitment.board
    response = client.post(
        f"/commitments/boards/{board.pk}/meetings/new/",
        {
            "date": "2025-10-14",
            "commitments_reviewed": [cast.commitment.pk],
            "minutes": "Reviewed Q2.",
            "decisions": "Endorse 147.",
            "attendees": [cast.chair.pk],
        },
    )
    assert response.status_code == 302
    meeting = BoardMeeting.objects.get()
    assert list(meeting.commitments_reviewed.all()) == [cast.commitment]
    response = client.post(
        f"/commitments/meetings/{meeting.pk}/actions/new/",
        {"description": "Report CSE outcomes.", "owner": cast.lead.pk, "due_date": "2025-11-30"},
    )
    assert response.status_code == 302
    action = BoardAction.objects.get()
    client.post(f"/commitments/board-actions/{action.pk}/status/", {"status": "completed"})
    action.refresh_from_db()
    assert action.status == "completed" and action.completed_at is not None


def test_a_chair_cannot_record_a_meeting_of_another_board(cast: Any, client_for: Any) -> None:
    other = client_for(Role.BOARD_CHAIR)
    response = other.post(f"/commitments/boards/{cast.commitment.board_id}/meetings/new/", {"date": "2025-10-14"})
    assert response.status_code == 403
    assert not BoardMeeting.objects.exists()


def _seed_report() -> list[Any]:
    chapter = ChapterFactory()
    rows = []
    for order, (ref, rating) in enumerate([("147", "GREEN"), ("256", "AMBER"), ("43", None)], start=1):
        commitment = CommitmentFactory(chapter=chapter, action_ref=ref, order=order, text=f"Commitment {ref}.")
        if rating:
            RagAssessmentFactory(commitment=commitment, period=period("2025-26-Q2"), published=True, rating=rating)
        rows.append(commitment)
    ProgressUpdateFactory(
        commitment=rows[0], narrative="OCSET is a dedicated team.\n\nA permanent uplift\nhas been agreed."
    )
    return rows


def test_the_report_page_has_sections_in_plan_order_then_the_annex(client_for: Any) -> None:
    _seed_report()
    html = client_for(Role.OPCC_SCRUTINY).get("/commitments/report/?period=2025-26-Q2").content.decode()
    assert html.index("2. Action ref 147") < html.index("3. Action ref 256") < html.index("4. Action ref 43")
    assert "2.1 OCSET is a dedicated team." in html and "2.2 A permanent uplift has been agreed." in html
    assert "3.1 No progress update was submitted for Q2 25/26." in html
    assert "On track – can be delivered by lead" in html


def test_the_report_refuses_a_bad_period_with_a_message(client_for: Any) -> None:
    response = client_for(Role.OPCC_SCRUTINY).get("/commitments/report/?period=2025-26-Q9")
    assert response.status_code == 400
    assert "not a reporting period" in response.content.decode()


def test_the_word_report_has_the_sections_in_plan_order_then_the_annex(client_for: Any) -> None:
    _seed_report()
    response = client_for(Role.BOARD_CHAIR).get("/commitments/report/?period=2025-26-Q2&format=docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="rag-report-2025-26-Q2.docx"'
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts.index("2. Action ref 147: Commitment 147.") < texts.index("3. Action ref 256: Commitment 256.")
    assert "2.2 A permanent uplift has been agreed." in texts
    assert texts.index("4. Action ref 43: Commitment 43.") < texts.index("ANNEX ONE")
    # The tables themselves: tests/commitments/test_report_docx.py.


def test_the_annex_exports_as_csv(client_for: Any) -> None:
    _seed_report()
    response = client_for(Role.AUDIT_LEAD).get("/commitments/report/?period=2025-26-Q2&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows == [
        ["Action ref", "Commitment", "Q2 25/26 deliverable rating", "Previous quarter rating"],
        ["147", "Commitment 147.", "Green", "Not published"],
        ["256", "Commitment 256.", "Amber", "Not published"],
        ["43", "Commitment 43.", "Not published", "Not published"],
    ]


@pytest.mark.parametrize(
    ("role", "testid"),
    [
        (Role.COMMITMENT_LEAD, "home-commitments-due"),
        (Role.BOARD_CHAIR, "home-pending-reviews"),
        (Role.OPCC_SCRUTINY, "home-scrutiny-queue"),
    ],
)
def test_home_panels_show_the_roles_work(client_for: Any, role: Role, testid: str) -> None:
    html = client_for(role).get("/").content.decode()
    assert f'data-testid="{testid}"' in html


def test_the_chairs_home_panel_counts_pending_reviews(cast: Any, client_for: Any) -> None:
    RagAssessmentFactory(commitment=cast.commitment)
    html = client_for(user=cast.chair).get("/").content.decode()
    assert "<strong>1</strong> proposed rating waiting" in html
