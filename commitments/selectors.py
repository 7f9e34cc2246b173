"""Reads of the commitments app. Commitments, ratings and boards are readable by every role
holding ``COMMITMENTS_VIEW`` / ``BOARDS_VIEW``; the work queues are limited to the user's own work.

``rag_report`` and ``rag_changes`` are plain functions (no user): the quarterly RAG summary task
calls them; pages and the API check the reader's role before calling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from oversight.errors import ApplicationError
from oversight.periods import Period, next_quarter, parse_quarter, previous_quarter, quarter_of
from oversight.roles import Cap, require_capability

from .choices import RAG_DEFINITIONS, AssessmentStatus, Rating
from .models import (
    Board,
    BoardAction,
    BoardMeeting,
    Commitment,
    Plan,
    ProgressUpdate,
    RagAssessment,
    RagAssessmentQuerySet,
    ReportingPeriod,
    period_label,
)

GRID_QUARTERS = 8
RATING_ORDER = {Rating.GREEN: 0, Rating.AMBER: 1, Rating.RED: 2}
AWAITING_PUBLICATION = Q(status__in=[AssessmentStatus.ENDORSED, AssessmentStatus.CHALLENGED]) | Q(
    status=AssessmentStatus.PROPOSED, commitment__board__isnull=True
)


def current_plan() -> Plan | None:
    return Plan.objects.select_related("reporting_period").order_by("-start_date").first()


def reporting_key(plan: Plan | None = None, *, today: date | None = None) -> str:
    """The quarter leads are reporting on now (the plan's open round, else the quarter before today's)."""
    plan = plan if plan is not None else current_plan()
    if plan is not None and plan.reporting_period is not None:
        return plan.reporting_period.key
    return previous_quarter(quarter_of(today or timezone.localdate())).key


def known_quarter(key: str, *, today: date | None = None) -> Period:
    """A quarter the app can report on, without writing anything.

    Malformed → ApplicationError. Well-formed but *unknown* → ApplicationError too: a quarter that
    has not started yet, or one that no plan covers and for which nothing has been reported.
    """
    quarter = parse_quarter(key)
    if quarter.start > (today or timezone.localdate()):
        raise ApplicationError(f"Unknown period: {key} has not started yet.", {"period": ["Unknown period."]})
    covered = Plan.objects.filter(start_date__lte=quarter.end, end_date__gte=quarter.start).exists()
    if not covered and not ReportingPeriod.objects.filter(key=quarter.key).exists():
        raise ApplicationError(
            f"Unknown period: no plan covers {key} and nothing was reported for it.", {"period": ["Unknown period."]}
        )
    return quarter


def _commitments() -> QuerySet[Commitment]:
    return Commitment.objects.select_related("plan", "chapter", "lead", "board", "board__chair").order_by(
        "plan__start_date", "plan_id", "order"
    )


def commitment_list(*, user: Any) -> QuerySet[Commitment]:
    """Commitments in plan order; the overview and the API narrow them with
    :class:`commitments.filters.CommitmentFilter`."""
    require_capability(user, Cap.COMMITMENTS_VIEW)
    return _commitments()


def commitment_detail(*, user: Any, pk: int) -> Commitment:
    require_capability(user, Cap.COMMITMENTS_VIEW)
    return (
        _commitments()
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("period", "author").order_by("-period__start_date"),
            ),
            Prefetch("assessments", queryset=assessment_queryset().order_by("-period__start_date", "-version")),
        )
        .get(pk=pk)
    )


def assessment_queryset() -> RagAssessmentQuerySet:
    return RagAssessment.objects.select_related(
        "commitment",
        "commitment__board",
        "commitment__lead",
        "period",
        "proposed_by",
        "reviewed_by",
        "published_by",
        "corrects",
    )


def assessment_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[RagAssessment]:
    require_capability(user, Cap.COMMITMENTS_VIEW)
    qs = assessment_queryset().order_by("commitment__order", "period__start_date", "version")
    filters = filters or {}
    if filters.get("period"):
        qs = qs.filter(period__key=parse_quarter(filters["period"]).key)
    if filters.get("commitment"):
        qs = qs.filter(commitment_id=filters["commitment"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("current"):
        qs = qs.current()
    return qs


def progress_update_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[ProgressUpdate]:
    require_capability(user, Cap.COMMITMENTS_VIEW)
    qs = ProgressUpdate.objects.select_related("commitment", "period", "author").order_by(
        "commitment__order", "period__start_date"
    )
    filters = filters or {}
    if filters.get("period"):
        qs = qs.filter(period__key=parse_quarter(filters["period"]).key)
    if filters.get("commitment"):
        qs = qs.filter(commitment_id=filters["commitment"])
    return qs


# --- the RAG grid -----------------------------------------------------------------------------


@dataclass
class GridCell:
    period: str
    rating: str | None
    status: str | None  # status of the current version (published, proposed, ...)


def grid_quarters(end_key: str, count: int = GRID_QUARTERS) -> list[Period]:
    quarters = [parse_quarter(end_key)]
    while len(quarters) < count:
        quarters.insert(0, previous_quarter(quarters[0]))
    return quarters


def rag_grid(
    *,
    user: Any,
    end_key: str | None = None,
    commitments: QuerySet[Commitment] | None = None,
) -> dict[str, Any]:
    """Commitments × the 8 quarters ending ``end_key`` (default: the quarter being reported on).

    The rows are ``commitments`` (narrowed from :func:`commitment_list` by the page's filters) or
    else every commitment the user may see.
    Two queries: the commitments, then the current assessments of those quarters.
    """
    chosen = list(commitment_list(user=user) if commitments is None else commitments)
    end_key = end_key or reporting_key()
    quarters = grid_quarters(end_key)
    keys = [q.key for q in quarters]
    current = (
        RagAssessment.objects.current()
        .filter(period__key__in=keys, commitment__in=[c.pk for c in chosen])
        .values_list("commitment_id", "period__key", "status", "rating")
    )
    found = {(cid, key): (status, rating or None) for cid, key, status, rating in current}
    rows = []
    for commitment in chosen:
        cells = []
        for key in keys:
            status, rating = found.get((commitment.pk, key), (None, None))
            cells.append(
                GridCell(period=key, rating=rating if status == AssessmentStatus.PUBLISHED else None, status=status)
            )
        rows.append({"commitment": commitment, "cells": cells})
    return {
        "quarters": [{"key": q.key, "label": period_label(q.key)} for q in quarters],
        "rows": rows,
        "end_key": end_key,
        "end_label": period_label(end_key),
        "previous_key": previous_quarter(quarters[-1]).key,
        "next_key": next_quarter(quarters[-1]).key,
    }


# --- the report to the Commissioner -------------------------------------------------------------


def _published_rating(period_key: str) -> Subquery:
    return Subquery(
        RagAssessment.objects.filter(
            commitment=OuterRef("pk"), period__key=period_key, status=AssessmentStatus.PUBLISHED
        )
        .order_by("-version")
        .values("rating")[:1]
    )


def rag_report(*, period_key: str) -> dict[str, Any]:
    """The RAG report of DESIGN.md §4: every commitment in plan order with its published rating
    for the quarter and the quarter before (``null`` when none). One query.
    """
    quarter = known_quarter(period_key)
    previous = previous_quarter(quarter)
    rows = (
        _commitments()
        .annotate(rating=_published_rating(quarter.key), previous_rating=_published_rating(previous.key))
        .values_list(
            "action_ref", "text", "chapter__title", "lead__full_name", "board__name", "rating", "previous_rating"
        )
    )
    return {
        "period": quarter.key,
        "definitions": {rating: RAG_DEFINITIONS[rating] for rating in Rating.values},
        "rows": [
            {
                "action_ref": action_ref,
                "commitment": text,
                "chapter": chapter,
                "lead": lead,
                "board": board,
                "rating": rating,
                "previous_rating": previous_rating,
            }
            for action_ref, text, chapter, lead, board, rating, previous_rating in rows
        ],
    }


def rag_changes(*, period_key: str) -> list[dict[str, Any]]:
    """Commitments whose published rating differs from the quarter before, with the direction:
    ``improved``, ``worsened``, ``new`` (no previous rating) or ``not_published`` (no rating now).
    """
    changes = []
    for row in rag_report(period_key=period_key)["rows"]:
        before, now = row["previous_rating"], row["rating"]
        if before == now:
            continue
        if before is None:
            direction = "new"
        elif now is None:
            direction = "not_published"
        else:
            direction = "improved" if RATING_ORDER[now] < RATING_ORDER[before] else "worsened"
        changes.append({**row, "direction": direction})
    return changes


def report_document(*, user: Any, period_key: str) -> dict[str, Any]:
    """Everything the report to the Commissioner needs: sections (commitment + the quarter's
    narrative, plan order), the annex rows and the RAG key. Three queries.
    """
    require_capability(user, Cap.COMMITMENTS_VIEW)
    report = rag_report(period_key=period_key)
    plan = current_plan()
    updates = {
        update.commitment.action_ref: update
        for update in ProgressUpdate.objects.filter(period__key=report["period"]).select_related("commitment")
    }
    sections = [
        {**row, "paragraphs": _paragraphs(updates[row["action_ref"]].narrative if row["action_ref"] in updates else "")}
        for row in report["rows"]
    ]
    return {
        **report,
        "plan": plan,
        "label": period_label(report["period"]),
        "sections": sections,
        "chapters": list(plan.chapters.values_list("title", flat=True)) if plan else [],
    }


def _paragraphs(narrative: str) -> list[str]:
    """Blank-line separated paragraphs; single line breaks inside a paragraph are joined."""
    blocks = [" ".join(line.strip() for line in block.splitlines()).strip() for block in narrative.split("\n\n")]
    return [b for b in blocks if b]


def latest_published_key() -> str | None:
    """The most recent quarter with a published rating (the report page's default)."""
    return (
        RagAssessment.objects.filter(status=AssessmentStatus.PUBLISHED)
        .order_by("-period__start_date")
        .values_list("period__key", flat=True)
        .first()
    )


# --- work queues ----------------------------------------------------------------------------


def my_commitments(*, user: Any, period_key: str) -> list[dict[str, Any]]:
    """The user's own commitments with this quarter's update and current rating. Two queries."""
    require_capability(user, Cap.PROGRESS_WRITE_OWN)
    commitments = list(_commitments().filter(lead=user))
    assessments = {
        a.commitment_id: a
        for a in RagAssessment.objects.current()
        .filter(commitment__lead=user, period__key=period_key)
        .select_related("reviewed_by")
    }
    rows = []
    for commitment in commitments:
        assessment = assessments.get(commitment.pk)
        if assessment is None:
            state, due = "Update due", True
        elif assessment.status == AssessmentStatus.CHALLENGED:
            state, due = "Challenged – revise your update", True
        else:
            state, due = assessment.get_status_display(), False
        rows.append({"commitment": commitment, "assessment": assessment, "state": state, "due": due})
    return rows


def pending_reviews(*, user: Any) -> QuerySet[RagAssessment]:
    """Proposed ratings of commitments overseen by boards the user chairs."""
    require_capability(user, Cap.RAG_REVIEW_OWN_BOARD)
    return (
        assessment_queryset()
        .current()
        .filter(status=AssessmentStatus.PROPOSED, commitment__board__chair=user)
        .order_by("period__start_date", "commitment__order")
    )


def scrutiny_queue(*, user: Any) -> QuerySet[RagAssessment]:
    """Ratings reviewed by their board (or with no board) and waiting for the OPCC to publish."""
    require_capability(user, Cap.RAG_PUBLISH)
    return (
        assessment_queryset().current().filter(AWAITING_PUBLICATION).order_by("period__start_date", "commitment__order")
    )


def awaiting_board_count() -> int:
    return (
        RagAssessment.objects.current()
        .filter(status=AssessmentStatus.PROPOSED)
        .exclude(commitment__board__isnull=True)
        .count()
    )


# --- boards -----------------------------------------------------------------------------------


def board_list(*, user: Any) -> QuerySet[Board]:
    require_capability(user, Cap.BOARDS_VIEW)
    pending = RagAssessment.objects.current().filter(status=AssessmentStatus.PROPOSED)
    return (
        Board.objects.select_related("chair")
        .annotate(
            commitment_count=Count("commitments", distinct=True),
            meeting_count=Count("meetings", distinct=True),
            pending_count=Subquery(
                pending.filter(commitment__board=OuterRef("pk"))
                .order_by()
                .values("commitment__board")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .order_by("name")
    )


def board_detail(*, user: Any, pk: int) -> Board:
    require_capability(user, Cap.BOARDS_VIEW)
    return (
        Board.objects.select_related("chair")
        .prefetch_related(
            "members",
            Prefetch("commitments", queryset=Commitment.objects.select_related("lead").order_by("order")),
            Prefetch(
                "meetings",
                queryset=BoardMeeting.objects.prefetch_related(
                    "attendees",
                    Prefetch("commitments_reviewed", queryset=Commitment.objects.order_by("order")),
                    Prefetch("actions", queryset=BoardAction.objects.select_related("owner")),
                ).order_by("-date"),
            ),
        )
        .get(pk=pk)
    )


def board_pending(*, board: Board) -> QuerySet[RagAssessment]:
    return (
        assessment_queryset()
        .current()
        .filter(status=AssessmentStatus.PROPOSED, commitment__board=board)
        .order_by("period__start_date", "commitment__order")
    )


def meeting_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[BoardMeeting]:
    require_capability(user, Cap.BOARDS_VIEW)
    qs = BoardMeeting.objects.select_related("board", "recorded_by").prefetch_related(
        "attendees", "commitments_reviewed", "actions"
    )
    filters = filters or {}
    if filters.get("board"):
        qs = qs.filter(board_id=filters["board"])
    return qs.order_by("-date", "board__name")


def meeting_detail(*, user: Any, pk: int) -> BoardMeeting:
    require_capability(user, Cap.BOARDS_VIEW)
    return (
        BoardMeeting.objects.select_related("board", "board__chair", "recorded_by")
        .prefetch_related(
            "attendees",
            Prefetch("commitments_reviewed", queryset=Commitment.objects.order_by("order")),
            Prefetch("actions", queryset=BoardAction.objects.select_related("owner")),
        )
        .get(pk=pk)
    )
