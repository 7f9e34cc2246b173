"""Object-level permission checks of the commitments app, on top of ``oversight.roles`` capabilities.

- a commitment lead writes updates and proposes ratings for commitments they lead;
- a board chair reviews ratings and manages meetings of boards they chair;
- the OPCC publishes; nobody endorses, publishes or corrects a rating they proposed themselves;
- a commitment's indicators are set by the system owner or by the commitment's lead (who answers
  for them); board chairs and the OPCC read them and challenge through the workflow instead;
- a rating conflicts with its evidence when it is GREEN while an indicator is off target or a
  linked board action is overdue (:func:`evidence_conflicts`). Nothing is blocked by it: the pages
  say so, the OPCC queue marks it and publishing asks for an explicit acknowledgement.
- the OPCC raises, closes and reopens scrutiny queries; only a query's owner answers it;
- the OPCC and administrators create inspection tracker items; the item's owner reports evidence and
  moves it up to implemented; only the OPCC accepts (or returns) the evidence, never the owner.
- separation of duties: one person acts at only one step of the same rating (propose,
  endorse/challenge, publish), whatever roles they hold (:func:`require_one_step`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied

from oversight.roles import Cap, has_capability, require_capability

from .choices import IndicatorDirection, Rating
from .models import Board, Commitment, InspectionRecommendation, RagAssessment, ScrutinyQuery


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


# --- indicators and evidence ----------------------------------------------------------------


def can_edit_indicators(user: Any, commitment: Commitment) -> bool:
    return has_capability(user, Cap.ADMIN_SITE) or (
        has_capability(user, Cap.PROGRESS_WRITE_OWN) and is_lead_of(user, commitment)
    )


def require_indicator_editor(user: Any, commitment: Commitment) -> None:
    if not can_edit_indicators(user, commitment):
        raise PermissionDenied(
            f"Only the lead officer for commitment {commitment.action_ref} or the system owner sets its indicators."
        )


# What a publisher confirms when the evidence conflicts with the rating they publish.
CONFLICT_ACKNOWLEDGEMENT = "I have seen that the evidence conflicts with a Green rating"


def indicator_on_track(*, value: float | int | None, target: Decimal | float, direction: str) -> bool | None:
    """True when ``value`` is on the right side of ``target`` (or on it); None when there is no value."""
    if value is None:
        return None
    if direction == IndicatorDirection.LOWER:
        return Decimal(str(value)) <= Decimal(str(target))
    return Decimal(str(value)) >= Decimal(str(target))


def evidence_conflicts(
    *, rating: str | None, indicators: Iterable[Mapping[str, Any]], overdue_actions: Iterable[Mapping[str, Any]]
) -> list[str]:
    """What the evidence says against ``rating``, one plain sentence each; empty when nothing does.

    GREEN ("on track") conflicts with any indicator off target and with any overdue board action.
    AMBER and RED already say "not on track", so the evidence cannot contradict them.
    """
    if rating != Rating.GREEN:
        return []
    conflicts = [
        f"{row['name']} is off target: {row['value']}{row.get('unit', '')} "
        f"against a target of {_figure(row['target'])}{row.get('unit', '')}."
        for row in indicators
        if row.get("on_track") is False
    ]
    conflicts += [
        f"Board action “{row['description']}” is overdue (due {row['due_label']})." for row in overdue_actions
    ]
    return conflicts


def _figure(value: Any) -> str:
    number = Decimal(str(value))
    return f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}"


# --- scrutiny queries and the inspection tracker ------------------------------------------------


def can_raise_queries(user: Any) -> bool:
    """Raise, close and reopen scrutiny queries (the OPCC)."""
    return has_capability(user, Cap.SCRUTINY_QUERIES)


def is_query_owner(user: Any, query: ScrutinyQuery) -> bool:
    return bool(user and user.pk and query.owner_id == user.pk)


def can_answer(user: Any, query: ScrutinyQuery) -> bool:
    return is_query_owner(user, query) and query.awaiting_owner


def require_query_owner(user: Any, query: ScrutinyQuery) -> None:
    if not is_query_owner(user, query):
        raise PermissionDenied(f"Only {query.owner}, who owns this query, can answer it.")


def can_manage_inspections(user: Any) -> bool:
    return has_capability(user, Cap.INSPECTIONS_MANAGE)


def is_recommendation_owner(user: Any, recommendation: InspectionRecommendation) -> bool:
    return bool(user and user.pk and recommendation.owner_id == user.pk)


def require_recommendation_owner(user: Any, recommendation: InspectionRecommendation) -> None:
    if not is_recommendation_owner(user, recommendation):
        owner = recommendation.owner or "its owner (none is assigned yet)"
        raise PermissionDenied(f"Only {owner} can report progress on {recommendation.short_label}.")


def can_decide_evidence(user: Any, recommendation: InspectionRecommendation) -> bool:
    return has_capability(user, Cap.INSPECTIONS_ACCEPT) and not is_recommendation_owner(user, recommendation)


def require_evidence_decider(user: Any, recommendation: InspectionRecommendation) -> None:
    """The OPCC accepts or returns evidence, never the person who reported it."""
    require_capability(user, Cap.INSPECTIONS_ACCEPT)
    if is_recommendation_owner(user, recommendation):
        raise PermissionDenied("You own this item, so someone else at the OPCC must accept its evidence.")


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
