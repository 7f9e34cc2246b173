"""The quarterly RAG workflow: lead proposes → chair endorses/challenges → OPCC publishes; corrections."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from commitments import services
from commitments.choices import AssessmentStatus, Rating
from commitments.models import ProgressUpdate, RagAssessment
from oversight.errors import ApplicationError
from oversight.roles import Role
from tests.commitments.factories import BoardFactory, CommitmentFactory, RagAssessmentFactory

pytestmark = pytest.mark.django_db


def propose(cast: Any, rating: str = Rating.AMBER, key: str = "2025-26-Q2") -> RagAssessment:
    services.progress_update_submit(
        commitment=cast.commitment,
        period_key=key,
        narrative="OCSET uplift agreed.",
        proposed_rating=rating,
        actor=cast.lead,
    )
    return RagAssessment.objects.get(commitment=cast.commitment, period__key=key)


def test_a_lead_submits_an_update_and_proposes_a_rating(cast: Any) -> None:
    assessment = propose(cast)
    update = ProgressUpdate.objects.get(commitment=cast.commitment, period__key="2025-26-Q2")
    assert update.narrative == "OCSET uplift agreed."
    assert update.author == cast.lead
    assert (assessment.status, assessment.proposed_rating, assessment.proposed_by) == (
        AssessmentStatus.PROPOSED,
        Rating.AMBER,
        cast.lead,
    )
    assert update.history.count() == 1
    assert update.period.start_date.isoformat() == "2025-07-01"


def test_the_whole_workflow_publishes_a_rating_that_may_differ_from_the_proposal(cast: Any) -> None:
    assessment = propose(cast, Rating.AMBER)
    services.rag_review(assessment=assessment, decision="endorse", comment="Agreed.", actor=cast.chair)
    published = services.rag_publish(
        assessment=assessment, rating=Rating.GREEN, rationale="Uplift recruited.", actor=cast.opcc
    )
    published.refresh_from_db()
    assert (published.status, published.rating, published.proposed_rating) == (
        AssessmentStatus.PUBLISHED,
        Rating.GREEN,
        Rating.AMBER,
    )
    assert published.published_by == cast.opcc
    assert [h.status for h in published.history.order_by("history_date")] == ["proposed", "endorsed", "published"]


def test_it_refuses_an_update_from_a_lead_of_another_commitment(cast: Any, make_user: Any) -> None:
    other_lead = make_user(Role.COMMITMENT_LEAD)
    with pytest.raises(PermissionDenied, match="not the lead officer"):
        services.progress_update_submit(
            commitment=cast.commitment,
            period_key="2025-26-Q2",
            narrative="x",
            proposed_rating="GREEN",
            actor=other_lead,
        )
    assert not ProgressUpdate.objects.exists()


def test_it_refuses_an_update_from_the_named_lead_without_the_lead_role(cast: Any, make_user: Any) -> None:
    cast.commitment.lead = make_user(Role.AUDIT_LEAD)
    cast.commitment.save()
    with pytest.raises(PermissionDenied):
        services.progress_update_submit(
            commitment=cast.commitment,
            period_key="2025-26-Q2",
            narrative="x",
            proposed_rating="GREEN",
            actor=cast.commitment.lead,
        )


@pytest.mark.parametrize(
    ("narrative", "rating", "key", "message"),
    [
        ("  ", "GREEN", "2025-26-Q2", "Enter the progress narrative"),
        ("ok", "BLUE", "2025-26-Q2", "Choose a rating"),
        ("ok", "GREEN", "2025-Q2", "not a reporting period"),
        ("ok", "GREEN", "2099-00-Q1", "Unknown period"),
    ],
)
def test_it_refuses_a_bad_update_and_changes_nothing(
    cast: Any, narrative: str, rating: str, key: str, message: str
) -> None:
    with pytest.raises(ApplicationError, match=message):
        services.progress_update_submit(
            commitment=cast.commitment, period_key=key, narrative=narrative, proposed_rating=rating, actor=cast.lead
        )
    assert not ProgressUpdate.objects.exists()
    assert not RagAssessment.objects.exists()


def test_a_chair_challenges_with_a_comment_and_the_lead_revises(cast: Any) -> None:
    assessment = propose(cast, Rating.GREEN)
    services.rag_review(assessment=assessment, decision="challenge", comment="Demand is rising.", actor=cast.chair)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.review_comment) == (AssessmentStatus.CHALLENGED, "Demand is rising.")
    revised = propose(cast, Rating.AMBER)
    assert (revised.status, revised.proposed_rating, revised.reviewed_by) == (
        AssessmentStatus.PROPOSED,
        Rating.AMBER,
        None,
    )
    assert revised.pk == assessment.pk


def test_it_refuses_a_challenge_without_a_comment(cast: Any) -> None:
    assessment = propose(cast)
    with pytest.raises(ApplicationError, match="Say why"):
        services.rag_review(assessment=assessment, decision="challenge", comment=" ", actor=cast.chair)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.PROPOSED


def test_it_refuses_a_review_by_the_chair_of_another_board(cast: Any, make_user: Any) -> None:
    other_chair = make_user(Role.BOARD_CHAIR)
    BoardFactory(name="DA Operations Board", chair=other_chair)
    assessment = propose(cast)
    with pytest.raises(PermissionDenied, match="do not chair"):
        services.rag_review(assessment=assessment, decision="endorse", comment="", actor=other_chair)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.PROPOSED


@pytest.mark.parametrize("role", [Role.COMMITMENT_LEAD, Role.OPCC_SCRUTINY, Role.AUDIT_LEAD, Role.ADMINISTRATOR])
def test_it_refuses_a_review_by_a_role_that_does_not_review(cast: Any, make_user: Any, role: Role) -> None:
    actor = make_user(role)
    cast.commitment.board.chair = actor  # even named as chair, the role is missing
    cast.commitment.board.save()
    assessment = propose(cast)
    with pytest.raises(PermissionDenied):
        services.rag_review(assessment=assessment, decision="endorse", comment="", actor=actor)


def test_nobody_endorses_their_own_proposal(make_user: Any) -> None:
    both = make_user(Role.COMMITMENT_LEAD, Role.BOARD_CHAIR)
    commitment = CommitmentFactory(lead=both, board=BoardFactory(chair=both))
    services.progress_update_submit(
        commitment=commitment, period_key="2025-26-Q2", narrative="x", proposed_rating="GREEN", actor=both
    )
    assessment = RagAssessment.objects.get()
    with pytest.raises(PermissionDenied, match="You proposed this rating"):
        services.rag_review(assessment=assessment, decision="endorse", comment="", actor=both)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.PROPOSED


def test_nobody_publishes_their_own_proposal(make_user: Any) -> None:
    both = make_user(Role.COMMITMENT_LEAD, Role.OPCC_SCRUTINY)
    assessment = RagAssessmentFactory(commitment=CommitmentFactory(lead=both), endorsed=True)
    with pytest.raises(PermissionDenied, match="You proposed this rating"):
        services.rag_publish(assessment=assessment, rating="GREEN", rationale="Fine.", actor=both)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ENDORSED


@pytest.mark.parametrize("role", [Role.COMMITMENT_LEAD, Role.BOARD_CHAIR, Role.CASE_EDITOR, Role.ADMINISTRATOR])
def test_it_refuses_publication_by_a_role_other_than_the_opcc(cast: Any, make_user: Any, role: Role) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment, endorsed=True)
    with pytest.raises(PermissionDenied):
        services.rag_publish(assessment=assessment, rating="GREEN", rationale="Fine.", actor=make_user(role))


def test_it_refuses_publication_before_the_board_reviewed(cast: Any) -> None:
    assessment = propose(cast)
    with pytest.raises(ApplicationError, match="has not reviewed"):
        services.rag_publish(assessment=assessment, rating="GREEN", rationale="Fine.", actor=cast.opcc)


def test_a_commitment_without_a_board_goes_straight_to_the_opcc(cast: Any) -> None:
    cast.commitment.board = None
    cast.commitment.save()
    assessment = propose(cast)
    services.rag_publish(assessment=assessment, rating="AMBER", rationale="As proposed.", actor=cast.opcc)
    assert RagAssessment.objects.get().status == AssessmentStatus.PUBLISHED


def test_it_refuses_publication_without_a_rationale(cast: Any) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment, endorsed=True)
    with pytest.raises(ApplicationError, match="rationale"):
        services.rag_publish(assessment=assessment, rating="GREEN", rationale="", actor=cast.opcc)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ENDORSED


def test_a_challenged_rating_can_still_be_published_by_the_opcc(cast: Any) -> None:
    assessment = propose(cast, Rating.GREEN)
    services.rag_review(assessment=assessment, decision="challenge", comment="Too rosy.", actor=cast.chair)
    services.rag_publish(assessment=assessment, rating="AMBER", rationale="Board view.", actor=cast.opcc)
    assert RagAssessment.objects.get().rating == Rating.AMBER


def test_a_published_rating_is_immutable(cast: Any) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment, published=True)
    with pytest.raises(ApplicationError, match="already published"):
        services.rag_publish(assessment=assessment, rating="RED", rationale="Changed mind.", actor=cast.opcc)
    with pytest.raises(ApplicationError, match="no longer be reviewed"):
        services.rag_review(assessment=assessment, decision="challenge", comment="x", actor=cast.chair)
    with pytest.raises(ApplicationError, match="has been published"):
        propose(cast, Rating.RED)
    assessment.rating = Rating.RED
    with pytest.raises(ApplicationError, match="cannot be changed"):
        assessment.save()
    assessment.refresh_from_db()
    assert assessment.rating == Rating.GREEN


def test_a_correction_is_a_new_version_with_a_reason(cast: Any) -> None:
    original = RagAssessmentFactory(commitment=cast.commitment, published=True)
    correction = services.rag_correct(
        assessment=original, rating="AMBER", rationale="Recruitment delayed.", reason="Data error.", actor=cast.opcc
    )
    original.refresh_from_db()
    assert (original.version, original.rating, original.status) == (1, Rating.GREEN, AssessmentStatus.PUBLISHED)
    assert (correction.version, correction.rating, correction.corrects, correction.correction_reason) == (
        2,
        Rating.AMBER,
        original,
        "Data error.",
    )
    assert list(RagAssessment.objects.current()) == [correction]


def test_it_refuses_a_correction_without_a_reason_or_of_an_old_version(cast: Any) -> None:
    original = RagAssessmentFactory(commitment=cast.commitment, published=True)
    with pytest.raises(ApplicationError, match="reason"):
        services.rag_correct(assessment=original, rating="AMBER", rationale="x", reason="", actor=cast.opcc)
    services.rag_correct(assessment=original, rating="AMBER", rationale="x", reason="Typo.", actor=cast.opcc)
    with pytest.raises(ApplicationError, match="corrected since"):
        services.rag_correct(assessment=original, rating="RED", rationale="x", reason="Again.", actor=cast.opcc)
    assert RagAssessment.objects.count() == 2


def test_it_refuses_a_correction_of_an_unpublished_rating(cast: Any) -> None:
    assessment = propose(cast)
    with pytest.raises(ApplicationError, match="Only a published rating"):
        services.rag_correct(assessment=assessment, rating="AMBER", rationale="x", reason="y", actor=cast.opcc)


def test_the_database_refuses_a_published_rating_without_a_rationale(cast: Any) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RagAssessmentFactory(commitment=cast.commitment, published=True, rationale="")


def test_a_chair_who_is_also_an_opcc_officer_cannot_endorse_and_then_publish_the_same_rating(
    cast: Any, make_user: Any
) -> None:
    both = make_user(Role.BOARD_CHAIR, Role.OPCC_SCRUTINY)
    cast.commitment.board.chair = both
    cast.commitment.board.save()
    assessment = propose(cast)
    services.rag_review(assessment=assessment, decision="endorse", comment="Agreed.", actor=both)
    with pytest.raises(PermissionDenied) as refused:
        services.rag_publish(assessment=assessment, rating="GREEN", rationale="Fine.", actor=both)
    assert str(refused.value) == (
        "You reviewed this rating as board chair, so someone else must publish it: "
        "one person acts at only one step of a rating (propose, review, publish)."
    )
    assessment.refresh_from_db()
    assert (assessment.status, assessment.published_by) == (AssessmentStatus.ENDORSED, None)
    # Another OPCC officer publishes it.
    services.rag_publish(assessment=assessment, rating="GREEN", rationale="Fine.", actor=cast.opcc)


def test_the_chair_who_reviewed_a_rating_cannot_correct_it_after_publication(cast: Any, make_user: Any) -> None:
    both = make_user(Role.BOARD_CHAIR, Role.OPCC_SCRUTINY)
    cast.commitment.board.chair = both
    cast.commitment.board.save()
    assessment = propose(cast)
    services.rag_review(assessment=assessment, decision="challenge", comment="Too rosy.", actor=both)
    services.rag_publish(assessment=assessment, rating="AMBER", rationale="Board view.", actor=cast.opcc)
    with pytest.raises(PermissionDenied, match="You reviewed this rating as board chair"):
        services.rag_correct(assessment=assessment, rating="RED", rationale="x", reason="Worse.", actor=both)
    assert RagAssessment.objects.count() == 1


def test_the_officer_who_published_a_rating_may_correct_it(cast: Any) -> None:
    assessment = propose(cast)
    services.rag_review(assessment=assessment, decision="endorse", comment="", actor=cast.chair)
    services.rag_publish(assessment=assessment, rating="AMBER", rationale="As proposed.", actor=cast.opcc)
    correction = services.rag_correct(
        assessment=assessment, rating="RED", rationale="Slipped.", reason="Late data.", actor=cast.opcc
    )
    assert correction.version == 2  # one step (publication) taken twice by the same person is allowed


def test_the_publish_page_and_api_refuse_the_chair_who_reviewed_with_the_reason(
    cast: Any, make_user: Any, client_for: Any, api_client_for: Any
) -> None:
    both = make_user(Role.BOARD_CHAIR, Role.OPCC_SCRUTINY)
    cast.commitment.board.chair = both
    cast.commitment.board.save()
    assessment = propose(cast)
    services.rag_review(assessment=assessment, decision="endorse", comment="", actor=both)
    page = client_for(user=both).get(f"/commitments/assessments/{assessment.pk}/publish/")
    assert page.status_code == 403
    assert "You reviewed this rating as board chair, so someone else must publish it" in page.content.decode()
    response = api_client_for(user=both).post(
        f"/api/v1/rag-assessments/{assessment.pk}/publish/", {"rating": "GREEN", "rationale": "Fine."}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["message"].startswith("You reviewed this rating as board chair")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ENDORSED
