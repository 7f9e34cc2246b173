"""Writes of the commitments app: progress updates, the RAG workflow, boards and meetings.

Every service takes the acting user, checks permission itself, validates (``full_clean``), records
the actor as the history user (also without a request: seeds, tasks, the shell) and runs in one
transaction. Bad input raises ``ApplicationError``; a refusal raises ``PermissionDenied``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from oversight.concurrency import lock_row, require_version
from oversight.errors import ApplicationError, clean_or_raise
from oversight.history import save_with_actor
from oversight.periods import parse_quarter
from oversight.roles import Cap, require_capability

from . import evidence as evidence_reads
from . import rules
from .choices import AssessmentStatus, BoardActionStatus, Rating
from .models import (
    Board,
    BoardAction,
    BoardMeeting,
    Commitment,
    CommitmentIndicator,
    Plan,
    ProgressUpdate,
    PublishedEvidence,
    RagAssessment,
    ReportingPeriod,
)

REVIEW_DECISIONS = {"endorse": AssessmentStatus.ENDORSED, "challenge": AssessmentStatus.CHALLENGED}


def _rating(value: str, field: str = "rating") -> str:
    if value not in Rating.values:
        raise ApplicationError("Choose a rating: Green, Amber or Red.", {field: ["Choose a rating."]})
    return value


def _required_text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(message, {field: [message]})
    return value


def period_for_reporting(key: str, *, actor: Any = None, today: date | None = None) -> ReportingPeriod:
    """The reporting period for ``key``; it must have started. Created on first use (by ``actor``)."""
    quarter = parse_quarter(key)
    if quarter.start > (today or timezone.localdate()):
        raise ApplicationError(f"Unknown period: {key} has not started yet.", {"period": ["Unknown period."]})
    return ReportingPeriod.objects.for_key(quarter.key, actor=actor)


def _current_assessment(commitment: Commitment, period: ReportingPeriod, *, lock: bool = False) -> RagAssessment | None:
    qs = RagAssessment.objects.filter(commitment=commitment, period=period)
    if lock:
        qs = qs.select_for_update()
    return qs.order_by("-version").first()


def _lock(assessment: RagAssessment) -> RagAssessment:
    """Re-read ``assessment`` under a row lock so two reviewers cannot race."""
    return (
        RagAssessment.objects.select_for_update(of=("self",))
        .select_related("commitment__board", "period")
        .get(pk=assessment.pk)
    )


def _require_current(assessment: RagAssessment) -> None:
    if RagAssessment.objects.filter(
        commitment_id=assessment.commitment_id, period_id=assessment.period_id, version__gt=assessment.version
    ).exists():
        raise ApplicationError("This version has been corrected since: act on the latest version.")


@transaction.atomic
def progress_update_submit(
    *,
    commitment: Commitment,
    period_key: str,
    narrative: str,
    proposed_rating: str,
    actor: Any,
    expected_version: str | None = None,
) -> ProgressUpdate:
    """The lead writes (or revises) the quarter's update and proposes a rating.

    Submitting (again) puts the rating back to *proposed* for the board to review; the earlier
    review stays in the history. Refused once the quarter's rating is published, and refused
    (``StaleEdit``) when the update changed since ``expected_version`` was read (``"0"``: the
    writer saw none, so a first update sent twice is saved once).
    """
    rules.require_progress_writer(actor, commitment)
    period = period_for_reporting(period_key, actor=actor)
    narrative = _required_text(narrative, "narrative", "Enter the progress narrative.")
    proposed_rating = _rating(proposed_rating, "proposed_rating")
    # One writer per commitment at a time: a second submission waits here, then sees the first.
    lock_row(Commitment, commitment.pk)
    require_version(
        ProgressUpdate.objects.filter(commitment=commitment, period=period).first(),
        expected_version,
        noun="progress update",
    )

    assessment = _current_assessment(commitment, period, lock=True)
    if assessment is not None and assessment.is_published:
        raise ApplicationError(
            f"The rating for {period.label} has been published: the update can no longer change.",
            {"period": ["Already published."]},
        )

    now = timezone.now()
    update = ProgressUpdate.objects.filter(commitment=commitment, period=period).first()
    if update is None:
        update = ProgressUpdate(commitment=commitment, period=period, submitted_at=now)
    update.narrative, update.proposed_rating, update.author = narrative, proposed_rating, actor
    clean_or_raise(update)
    save_with_actor(update, actor=actor)

    if assessment is None:
        assessment = RagAssessment(commitment=commitment, period=period, version=1)
    assessment.status = AssessmentStatus.PROPOSED
    assessment.proposed_rating, assessment.proposed_by, assessment.proposed_at = proposed_rating, actor, now
    assessment.review_comment, assessment.reviewed_by, assessment.reviewed_at = "", None, None
    clean_or_raise(assessment)
    save_with_actor(assessment, actor=actor)
    return update


@transaction.atomic
def rag_review(*, assessment: RagAssessment, decision: str, comment: str, actor: Any) -> RagAssessment:
    """The chair of the overseeing board endorses or challenges a proposed rating.

    A challenge needs a comment. The chair may change their decision until the rating is published.
    """
    assessment = _lock(assessment)
    rules.require_reviewer(actor, assessment.commitment)
    rules.require_not_proposer(actor, assessment)
    rules.require_one_step(actor, assessment, step="review")
    if decision not in REVIEW_DECISIONS:
        raise ApplicationError("Choose whether to endorse or challenge.", {"decision": ["Choose a decision."]})
    if assessment.is_published:
        raise ApplicationError("This rating has been published: it can no longer be reviewed.")
    comment = (comment or "").strip()
    if decision == "challenge" and not comment:
        raise ApplicationError("Say why you challenge the proposed rating.", {"comment": ["Enter a comment."]})

    assessment.status = REVIEW_DECISIONS[decision]
    assessment.review_comment, assessment.reviewed_by, assessment.reviewed_at = comment, actor, timezone.now()
    clean_or_raise(assessment)
    save_with_actor(assessment, actor=actor)
    return assessment


def _evidence_checked(assessment: RagAssessment, rating: str, acknowledge_conflict: bool) -> dict[str, Any]:
    """The quarter's evidence judged against ``rating``; refused when it conflicts and the publisher
    has not acknowledged it. Nothing else is blocked: the OPCC decides, having seen the evidence."""
    checked = evidence_reads.with_conflicts(
        evidence_reads.commitment_evidence(commitment=assessment.commitment, period=assessment.period.key, trend=False),
        rating,
    )
    if checked["conflicts"] and not acknowledge_conflict:
        message = (
            "The evidence conflicts with a Green rating: "
            + " ".join(checked["conflicts"])
            + " Confirm that you have seen it, and say in the rationale why Green stands."
        )
        raise ApplicationError(message, {"acknowledge_conflict": [f"Tick “{rules.CONFLICT_ACKNOWLEDGEMENT}”."]})
    return checked


def published_evidence_store(
    *, assessment: RagAssessment, evidence: dict[str, Any], acknowledged: bool, actor: Any
) -> PublishedEvidence:
    """Store the figures shown with a published rating (also used by the demo seed). Called inside
    the publishing transaction; a correction, being a new version, stores its own."""
    stored = PublishedEvidence(
        assessment=assessment,
        indicators=evidence_reads.stored_indicators(evidence),
        audit_compliance=evidence["audit_compliance"],
        board_actions={"open": evidence["open_actions"], "overdue": evidence["overdue_actions"]},
        conflicts=evidence.get("conflicts", []),
        conflict_acknowledged=acknowledged and bool(evidence.get("conflicts")),
        recorded_at=timezone.now(),
    )
    clean_or_raise(stored)
    return save_with_actor(stored, actor=actor)


@transaction.atomic
def rag_publish(
    *, assessment: RagAssessment, rating: str, rationale: str, actor: Any, acknowledge_conflict: bool = False
) -> RagAssessment:
    """The OPCC assigns and publishes the quarter's rating (it may differ from the proposal).

    Needs a rationale, and the board's review first (unless no board oversees the commitment).
    When the evidence conflicts with the rating (``rules.evidence_conflicts``) the publisher must
    acknowledge it (``acknowledge_conflict``) and give their reasons in the rationale. The figures
    shown are stored with the rating. Once published the row is immutable.
    """
    require_capability(actor, Cap.RAG_PUBLISH)
    assessment = _lock(assessment)
    rules.require_not_proposer(actor, assessment)
    rules.require_one_step(actor, assessment, step="publish")
    if assessment.is_published:
        raise ApplicationError(
            "This rating is already published and cannot change: record a correction with a reason instead."
        )
    _require_current(assessment)
    board = assessment.commitment.board
    if assessment.status == AssessmentStatus.PROPOSED and board is not None:
        raise ApplicationError(
            f"{board.name} has not reviewed this proposal yet.",
            {"status": ["Awaiting board review."]},
        )
    assessment.rating = _rating(rating)
    assessment.rationale = _required_text(rationale, "rationale", "Enter the rationale for the published rating.")
    checked = _evidence_checked(assessment, assessment.rating, acknowledge_conflict)
    assessment.status = AssessmentStatus.PUBLISHED
    assessment.published_by, assessment.published_at = actor, timezone.now()
    clean_or_raise(assessment)
    save_with_actor(assessment, actor=actor)
    published_evidence_store(assessment=assessment, evidence=checked, acknowledged=acknowledge_conflict, actor=actor)
    return assessment


@transaction.atomic
def rag_correct(
    *,
    assessment: RagAssessment,
    rating: str,
    rationale: str,
    reason: str,
    actor: Any,
    acknowledge_conflict: bool = False,
) -> RagAssessment:
    """Correct a published rating: a new published version with a reason; the old one is kept as it was.

    The correction stores the evidence as it stands now (the corrected data), with the same
    acknowledgement rule as publishing.
    """
    require_capability(actor, Cap.RAG_PUBLISH)
    assessment = _lock(assessment)
    rules.require_not_proposer(actor, assessment)
    rules.require_one_step(actor, assessment, step="publish")
    if not assessment.is_published:
        raise ApplicationError("Only a published rating can be corrected: publish this one instead.")
    _require_current(assessment)
    reason = _required_text(reason, "reason", "Give the reason for the correction.")
    correction = RagAssessment(
        commitment=assessment.commitment,
        period=assessment.period,
        version=assessment.version + 1,
        status=AssessmentStatus.PUBLISHED,
        proposed_rating=assessment.proposed_rating,
        proposed_by_id=assessment.proposed_by_id,
        proposed_at=assessment.proposed_at,
        review_comment=assessment.review_comment,
        reviewed_by_id=assessment.reviewed_by_id,
        reviewed_at=assessment.reviewed_at,
        rating=_rating(rating),
        rationale=_required_text(rationale, "rationale", "Enter the rationale for the corrected rating."),
        published_by=actor,
        published_at=timezone.now(),
        corrects=assessment,
        correction_reason=reason,
    )
    checked = _evidence_checked(assessment, correction.rating, acknowledge_conflict)
    clean_or_raise(correction)
    save_with_actor(correction, actor=actor)
    published_evidence_store(assessment=correction, evidence=checked, acknowledged=acknowledge_conflict, actor=actor)
    return correction


@transaction.atomic
def reporting_period_open(*, plan: Plan, period_key: str, actor: Any) -> Plan:
    """The OPCC opens the quarter leads now report on (shown as "due" on their pages)."""
    require_capability(actor, Cap.RAG_PUBLISH)
    plan.reporting_period = period_for_reporting(period_key, actor=actor)
    clean_or_raise(plan)
    save_with_actor(plan, actor=actor, update_fields=["reporting_period"])
    return plan


# --- boards and meetings -------------------------------------------------------------------


def _board_commitments(board: Board, commitments: Iterable[Commitment]) -> list[Commitment]:
    chosen = list(commitments)
    foreign = [c.action_ref for c in chosen if c.board_id != board.pk]
    if foreign:
        raise ApplicationError(
            f"{board.name} does not oversee commitment {', '.join(foreign)}.",
            {"commitments_reviewed": ["Not overseen by this board."]},
        )
    return chosen


@transaction.atomic
def board_update(
    *,
    board: Board,
    actor: Any,
    cadence: str | None = None,
    description: str | None = None,
    remit: list[str] | None = None,
    members: Iterable[Any] | None = None,
) -> Board:
    """The chair updates their board's cadence, remit, description and members."""
    rules.require_board_manager(actor, board)
    if cadence is not None:
        board.cadence = cadence
    if description is not None:
        board.description = description
    if remit is not None:
        board.remit = remit
    clean_or_raise(board)
    save_with_actor(board, actor=actor)
    if members is not None:
        board.members.set(list(members))
    return board


@transaction.atomic
def meeting_record(
    *,
    board: Board,
    date: date,
    actor: Any,
    minutes: str = "",
    decisions: str = "",
    other_attendees: str = "",
    attendees: Iterable[Any] = (),
    commitments_reviewed: Iterable[Commitment] = (),
) -> BoardMeeting:
    """The chair records a meeting of their board."""
    rules.require_board_manager(actor, board)
    reviewed = _board_commitments(board, commitments_reviewed)
    meeting = BoardMeeting(
        board=board,
        date=date,
        minutes=minutes,
        decisions=decisions,
        other_attendees=other_attendees,
        recorded_by=actor,
    )
    clean_or_raise(meeting)
    save_with_actor(meeting, actor=actor)
    meeting.attendees.set(list(attendees))
    meeting.commitments_reviewed.set(reviewed)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: BoardMeeting,
    actor: Any,
    attendees: Iterable[Any] | None = None,
    commitments_reviewed: Iterable[Commitment] | None = None,
    **fields: Any,
) -> BoardMeeting:
    """The chair corrects a meeting record of their board (date, minutes, decisions, attendees)."""
    rules.require_board_manager(actor, meeting.board)
    allowed = {"date", "minutes", "decisions", "other_attendees"}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(meeting, name, value)
    clean_or_raise(meeting)
    save_with_actor(meeting, actor=actor)
    if attendees is not None:
        meeting.attendees.set(list(attendees))
    if commitments_reviewed is not None:
        meeting.commitments_reviewed.set(_board_commitments(meeting.board, commitments_reviewed))
    return meeting


@transaction.atomic
def board_action_add(
    *, meeting: BoardMeeting, description: str, actor: Any, owner: Any = None, due_date: date | None = None
) -> BoardAction:
    """The chair records an action set at a meeting of their board."""
    rules.require_board_manager(actor, meeting.board)
    action = BoardAction(
        meeting=meeting,
        description=_required_text(description, "description", "Describe the action."),
        owner=owner,
        due_date=due_date,
    )
    clean_or_raise(action)
    save_with_actor(action, actor=actor)
    return action


@transaction.atomic
def board_action_set_status(*, action: BoardAction, status: str, actor: Any) -> BoardAction:
    """The chair moves a board action on (open, in progress, completed)."""
    rules.require_board_manager(actor, action.meeting.board)
    if status not in BoardActionStatus.values:
        raise ApplicationError("Choose a status.", {"status": ["Choose a status."]})
    action.status = status
    action.completed_at = timezone.now() if status == BoardActionStatus.COMPLETED else None
    clean_or_raise(action)
    save_with_actor(action, actor=actor)
    return action


# --- plan structure (system owner) ------------------------------------------------------------


@transaction.atomic
def commitment_save(*, commitment: Commitment, actor: Any) -> Commitment:
    """The system owner adds or edits a commitment (text, order, lead, board, strands)."""
    require_capability(actor, Cap.ADMIN_SITE)
    clean_or_raise(commitment)
    save_with_actor(commitment, actor=actor)
    return commitment


@transaction.atomic
def board_save(*, board: Board, actor: Any, members: Iterable[Any] | None = None) -> Board:
    """The system owner adds a board or changes its name or chair."""
    require_capability(actor, Cap.ADMIN_SITE)
    clean_or_raise(board)
    save_with_actor(board, actor=actor)
    if members is not None:
        board.members.set(list(members))
    return board


# --- indicators (the system owner or the commitment's lead) -------------------------------------

INDICATOR_FIELDS = {
    "name",
    "metric",
    "strand",
    "offence_group",
    "victim_age_group",
    "lpa",
    "team",
    "flag",
    "baseline_period",
    "baseline_value",
    "target",
    "direction",
    "order",
    "is_active",
    "audit_areas",
}


@transaction.atomic
def indicator_save(
    *,
    commitment: Commitment,
    actor: Any,
    indicator: CommitmentIndicator | None = None,
    board_actions: Iterable[BoardAction] | None = None,
    **fields: Any,
) -> CommitmentIndicator:
    """Add an indicator to ``commitment`` or change one (``indicator``): its KPI slice, baseline,
    target, direction and links. Its values are never entered: the KPI engine computes them.

    Linked board actions must come from boards that oversee the commitment.
    """
    rules.require_indicator_editor(actor, commitment)
    unknown = set(fields) - INDICATOR_FIELDS
    if unknown:
        raise ApplicationError(f"These fields cannot be set: {', '.join(sorted(unknown))}.")
    if indicator is None:
        indicator = CommitmentIndicator(commitment=commitment)
    elif indicator.commitment_id != commitment.pk:
        raise ApplicationError("This indicator belongs to another commitment.")
    for name, value in fields.items():
        setattr(indicator, name, value)
    if "name" in fields:
        indicator.name = _required_text(fields["name"], "name", "Give the indicator a name.")
    clean_or_raise(indicator)
    save_with_actor(indicator, actor=actor)
    if board_actions is not None:
        chosen = list(board_actions)
        foreign = [a for a in chosen if a.meeting.board_id != commitment.board_id]
        if foreign:
            raise ApplicationError(
                "Link only actions of the board that oversees this commitment.",
                {"board_actions": ["Not an action of this commitment's board."]},
            )
        indicator.board_actions.set(chosen)
    return indicator
