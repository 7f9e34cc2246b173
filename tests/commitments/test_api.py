"""CRUD endpoints for commitments, progress updates, RAG assessments, boards and meetings."""

from __future__ import annotations

from typing import Any

import pytest

from commitments.choices import AssessmentStatus
from commitments.models import Board, BoardMeeting, Commitment, ProgressUpdate, RagAssessment
from oversight.roles import Role
from tests.commitments.factories import (
    BoardMeetingFactory,
    ChapterFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    RagAssessmentFactory,
)

pytestmark = pytest.mark.django_db


def test_commitments_are_listed_in_plan_order_for_every_role(api_client_for: Any) -> None:
    chapter = ChapterFactory()
    CommitmentFactory(chapter=chapter, action_ref="256", order=2)
    CommitmentFactory(chapter=chapter, action_ref="147", order=1)
    body = api_client_for(Role.OPCC_SCRUTINY).get("/api/v1/commitments/").json()
    assert [row["action_ref"] for row in body["results"]] == ["147", "256"]


def test_only_the_system_owner_creates_commitments(api_client_for: Any) -> None:
    chapter = ChapterFactory()
    payload = {"plan": chapter.plan_id, "chapter": chapter.pk, "action_ref": "500", "text": "New.", "order": 9}
    assert api_client_for(Role.COMMITMENT_LEAD).post("/api/v1/commitments/", payload, format="json").status_code == 403
    response = api_client_for(Role.ADMINISTRATOR).post("/api/v1/commitments/", payload, format="json")
    assert response.status_code == 201, response.json()
    duplicate = api_client_for(Role.ADMINISTRATOR).post("/api/v1/commitments/", payload, format="json")
    assert duplicate.status_code == 400
    assert Commitment.objects.count() == 1


def test_a_lead_posts_a_progress_update_for_their_own_commitment(cast: Any, api_client_for: Any) -> None:
    client = api_client_for(user=cast.lead)
    payload = {
        "commitment": cast.commitment.pk,
        "period": "2025-26-Q2",
        "narrative": "Done.",
        "proposed_rating": "GREEN",
    }
    response = client.post("/api/v1/progress-updates/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["period"] == "2025-26-Q2"
    response = client.patch(
        f"/api/v1/progress-updates/{response.json()['id']}/", {"narrative": "Revised."}, format="json"
    )
    assert response.status_code == 200
    assert ProgressUpdate.objects.get().narrative == "Revised."


def test_a_lead_cannot_post_an_update_for_someone_elses_commitment(cast: Any, api_client_for: Any) -> None:
    payload = {"commitment": cast.commitment.pk, "period": "2025-26-Q2", "narrative": "x", "proposed_rating": "GREEN"}
    response = api_client_for(Role.COMMITMENT_LEAD).post("/api/v1/progress-updates/", payload, format="json")
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_a_bad_period_on_an_update_is_a_400(cast: Any, api_client_for: Any) -> None:
    payload = {"commitment": cast.commitment.pk, "period": "2025-26", "narrative": "x", "proposed_rating": "GREEN"}
    response = api_client_for(user=cast.lead).post("/api/v1/progress-updates/", payload, format="json")
    assert response.status_code == 400
    assert "not a reporting period" in response.json()["message"]


def test_the_workflow_through_the_api(cast: Any, api_client_for: Any) -> None:
    proposal = api_client_for(user=cast.lead).post(
        "/api/v1/rag-assessments/",
        {"commitment": cast.commitment.pk, "period": "2025-26-Q2", "proposed_rating": "AMBER", "narrative": "x"},
        format="json",
    )
    assert proposal.status_code == 201, proposal.json()
    pk = proposal.json()["id"]
    assert proposal.json()["status"] == "proposed" and proposal.json()["rating"] is None

    review = api_client_for(user=cast.chair).post(
        f"/api/v1/rag-assessments/{pk}/review/", {"decision": "endorse", "comment": "Agreed."}, format="json"
    )
    assert review.status_code == 200 and review.json()["status"] == "endorsed"

    published = api_client_for(user=cast.opcc).post(
        f"/api/v1/rag-assessments/{pk}/publish/", {"rating": "GREEN", "rationale": "Recruited."}, format="json"
    )
    assert published.status_code == 200
    assert (published.json()["status"], published.json()["rating"]) == ("published", "GREEN")


def test_editing_a_published_rating_through_the_api_is_refused(cast: Any, api_client_for: Any) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment, published=True)
    client = api_client_for(user=cast.lead)
    response = client.patch(f"/api/v1/rag-assessments/{assessment.pk}/", {"rating": "RED"}, format="json")
    assert response.status_code == 400
    assert "cannot be changed" in response.json()["message"]
    republish = api_client_for(user=cast.opcc).post(
        f"/api/v1/rag-assessments/{assessment.pk}/publish/", {"rating": "RED", "rationale": "x"}, format="json"
    )
    assert republish.status_code == 400
    assessment.refresh_from_db()
    assert assessment.rating == "GREEN"


def test_a_correction_through_the_api_needs_a_reason(cast: Any, api_client_for: Any) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment, published=True)
    client = api_client_for(user=cast.opcc)
    url = f"/api/v1/rag-assessments/{assessment.pk}/correct/"
    assert client.post(url, {"rating": "RED", "rationale": "x", "reason": ""}, format="json").status_code == 400
    response = client.post(url, {"rating": "RED", "rationale": "x", "reason": "Data error."}, format="json")
    assert response.status_code == 201
    assert (response.json()["version"], response.json()["corrects"]) == (2, assessment.pk)


def test_a_lead_cannot_review_and_a_chair_cannot_publish(cast: Any, api_client_for: Any) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment)
    lead, chair = api_client_for(user=cast.lead), api_client_for(user=cast.chair)
    assert (
        lead.post(
            f"/api/v1/rag-assessments/{assessment.pk}/review/", {"decision": "endorse"}, format="json"
        ).status_code
        == 403
    )
    assert (
        chair.post(
            f"/api/v1/rag-assessments/{assessment.pk}/publish/", {"rating": "GREEN", "rationale": "x"}, format="json"
        ).status_code
        == 403
    )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.PROPOSED


def test_the_assessment_list_filters_current_versions(cast: Any, api_client_for: Any) -> None:
    from commitments import services

    original = RagAssessmentFactory(commitment=cast.commitment, published=True)
    services.rag_correct(assessment=original, rating="RED", rationale="x", reason="y", actor=cast.opcc)
    client = api_client_for(Role.AUDIT_LEAD)
    assert client.get("/api/v1/rag-assessments/?period=2025-26-Q2").json()["count"] == 2
    body = client.get("/api/v1/rag-assessments/?period=2025-26-Q2&current=true").json()
    assert [(r["version"], r["rating"]) for r in body["results"]] == [(2, "RED")]
    assert client.get("/api/v1/rag-assessments/?period=bad").status_code == 400


def test_nothing_is_deleted_through_the_api(cast: Any, api_client_for: Any) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment)
    response = api_client_for(Role.ADMINISTRATOR).delete(f"/api/v1/rag-assessments/{assessment.pk}/")
    assert response.status_code in (403, 405)
    assert RagAssessment.objects.exists()


def test_a_patch_answers_with_every_name_field_null_when_its_relation_is_empty(cast: Any, api_client_for: Any) -> None:
    """A partial update's response keeps ``chair_name`` / ``lead_name`` / ``board_name`` (null when the relation
    is empty): DRF skips ``default=None`` fields on partial updates, which broke the schema (API fuzzing)."""
    admin = api_client_for(Role.ADMINISTRATOR)
    board = cast.commitment.board
    response = admin.patch(f"/api/v1/boards/{board.pk}/", {"chair": None}, format="json")
    assert response.status_code == 200, response.json()
    assert "chair_name" in response.json() and response.json()["chair_name"] is None

    named = admin.patch(f"/api/v1/boards/{board.pk}/", {"chair": cast.chair.pk}, format="json").json()
    assert named["chair_name"] == cast.chair.full_name

    commitment = admin.patch(f"/api/v1/commitments/{cast.commitment.pk}/", {"lead": None}, format="json")
    assert commitment.status_code == 200, commitment.json()
    assert commitment.json()["lead_name"] is None


def test_the_chair_edits_their_own_board_only(cast: Any, api_client_for: Any) -> None:
    board = cast.commitment.board
    own = api_client_for(user=cast.chair).patch(f"/api/v1/boards/{board.pk}/", {"cadence": "quarterly"}, format="json")
    assert own.status_code == 200, own.json()
    rename = api_client_for(user=cast.chair).patch(f"/api/v1/boards/{board.pk}/", {"name": "Mine"}, format="json")
    assert rename.status_code == 403
    other = api_client_for(Role.BOARD_CHAIR).patch(f"/api/v1/boards/{board.pk}/", {"cadence": "monthly"}, format="json")
    assert other.status_code == 403
    board.refresh_from_db()
    assert (board.name, board.cadence) == ("Vulnerability Improvement Board", "quarterly")
    assert api_client_for(Role.BOARD_CHAIR).post("/api/v1/boards/", {"name": "New"}, format="json").status_code == 403
    assert Board.objects.count() == 1


def test_the_chair_records_meetings_of_their_own_board_only(cast: Any, api_client_for: Any) -> None:
    payload = {
        "board": cast.commitment.board_id,
        "date": "2025-10-14",
        "minutes": "Met.",
        "commitments_reviewed": [cast.commitment.pk],
    }
    assert api_client_for(Role.BOARD_CHAIR).post("/api/v1/board-meetings/", payload, format="json").status_code == 403
    response = api_client_for(user=cast.chair).post("/api/v1/board-meetings/", payload, format="json")
    assert response.status_code == 201, response.json()
    foreign = CommitmentFactory(action_ref="999")
    bad = api_client_for(user=cast.chair).patch(
        f"/api/v1/board-meetings/{response.json()['id']}/", {"commitments_reviewed": [foreign.pk]}, format="json"
    )
    assert bad.status_code == 400
    assert list(BoardMeeting.objects.get().commitments_reviewed.all()) == [cast.commitment]


def test_list_endpoints_use_a_constant_number_of_queries(
    api_client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = api_client_for(Role.OPCC_SCRUTINY)
    chapter = ChapterFactory()
    for n in range(1, 12):
        commitment = CommitmentFactory(chapter=chapter, order=n)
        RagAssessmentFactory(commitment=commitment, published=True)
        ProgressUpdateFactory(commitment=commitment)
        BoardMeetingFactory(board=commitment.board)
    for url in (
        "/api/v1/commitments/",
        "/api/v1/rag-assessments/",
        "/api/v1/progress-updates/",
        "/api/v1/boards/",
        "/api/v1/board-meetings/",
    ):
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200
