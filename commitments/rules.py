"""Object-level permission checks of the commitments app, on top of ``oversight.roles`` capabilities.

- a commitment lead writes updates and proposes ratings for commitments they lead;
- a board chair reviews ratings and manages meetings of boards they chair;
- the OPCC publishes; nobody endorses, publishes or corrects a rating they proposed themselves;
- separation of duties: one person acts at only one step of the same rating (propose,
  endorse/challenge, publish), whatever roles they hold (:func:`require_one_step`).
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied

from oversight.roles import Cap, has_capability, require_capability

from .models import Board, Commitment, RagAssessment


def is_lead_of(user: Any, commitment: Commitment) -> bool:
    return bool(user and user.pk and commitment.lead_id == user.pk)


def is_chair_of(user: Any, board: Board | None) -> bool:
    return bool(board is not None and user and user.pk and board.chair_id == user.pk)


def can_write_progress(user: Any, commitment: Commitment) -> bool:
    return (
        has_capability(user, Cap.PROGRESS_WRITE_OWN)
        and has_capability(user, Cap.RAG_PROPOSE_OWN)
        and is_lead_of(user, commitment)
    )


def can_review(user: Any, commitment: Commitment) -> bool:
    return has_capability(user, Cap.RAG_REVIEW_OWN_BOARD) and is_chair_of(user, commitment.board)


def can_review_board(user: Any, board: Board) -> bool:
    return has_capability(user, Cap.RAG_REVIEW_OWN_BOARD) and is_chair_of(user, board)


def can_manage_board(user: Any, board: Board) -> bool:
    return has_capability(user, Cap.BOARDS_MANAGE_OWN) and is_chair_of(user, board)


def can_publish(user: Any) -> bool:
    return has_capability(user, Cap.RAG_PUBLISH)


def require_progress_writer(user: Any, commitment: Commitment) -> None:
    require_capability(user, Cap.PROGRESS_WRITE_OWN)
    require_capability(user, Cap.RAG_PROPOSE_OWN)
    if not is_lead_of(user, commitment):
        raise PermissionDenied(f"You are not the lead officer for commitment {commitment.action_ref}.")


def require_reviewer(user: Any, commitment: Commitment) -> None:
    require_capability(user, Cap.RAG_REVIEW_OWN_BOARD)
    if commitment.board is None:
        raise PermissionDenied(f"Commitment {commitment.action_ref} has no overseeing board.")
    if not is_chair_of(user, commitment.board):
        raise PermissionDenied(f"You do not chair {commitment.board.name}, which oversees this commitment.")


def require_board_manager(user: Any, board: Board) -> None:
    require_capability(user, Cap.BOARDS_MANAGE_OWN)
    if not is_chair_of(user, board):
        raise PermissionDenied(f"You do not chair {board.name}.")


def require_not_proposer(user: Any, assessment: RagAssessment) -> None:
    """Nobody approves their own proposal, whatever other roles they hold."""
    if assessment.proposed_by_id == user.pk:
        raise PermissionDenied("You proposed this rating, so someone else must review and publish it.")


RagStep = Literal["propose", "review", "publish"]

_DONE_ALREADY: dict[RagStep, str] = {
    "propose": "You proposed this rating",
    "review": "You reviewed this rating as board chair",
    "publish": "You published this rating",
}


def require_one_step(user: Any, assessment: RagAssessment, *, step: RagStep) -> None:
    """Separation of duties: refuse ``step`` to someone who acted at another step of this rating.

    A user who is both board chair and OPCC officer may endorse a rating or publish it, never both;
    a correction is a publication (its author may be the one who published the original).
    """
    actors: dict[RagStep, int | None] = {
        "propose": assessment.proposed_by_id,
        "review": assessment.reviewed_by_id,
        "publish": assessment.published_by_id,
    }
    for other, actor_id in actors.items():
        if other != step and actor_id is not None and actor_id == user.pk:
            raise PermissionDenied(
                f"{_DONE_ALREADY[other]}, so someone else must {'review' if step == 'review' else 'publish'} it: "
                "one person acts at only one step of a rating (propose, review, publish)."
            )
