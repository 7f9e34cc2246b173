"""Reads of the OPCC's scrutiny: scrutiny queries and the inspection tracker.

Every role that reads commitments reads queries and tracker items (they hold no case-level data).
``overdue_queries_by_owner`` and ``query_counts`` are plain functions (no user) for the daily digest
and the monthly summary.

Overdue (a query): due before today and still waiting for its owner, i.e. open or reopened.
Answering stops the clock; reopening starts it again (against a due date that has not passed).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from oversight.roles import Cap, require_capability

from .choices import QUERY_AWAITING_OWNER, QueryStatus, RecommendationStatus
from .models import (
    Commitment,
    InspectionRecommendation,
    InspectionReport,
    RecommendationEvidence,
    ScrutinyQuery,
    ScrutinyQueryQuerySet,
)

TRACKER_OPEN_STATUSES = (RecommendationStatus.NOT_STARTED, RecommendationStatus.IN_PROGRESS)


def query_queryset(today: date) -> ScrutinyQueryQuerySet:
    return ScrutinyQuery.objects.select_related(
        "commitment", "board", "recommendation__report", "owner", "raised_by"
    ).with_overdue(today)


def query_list(*, user: Any, today: date) -> ScrutinyQueryQuerySet:
    """Every query (narrowed by :class:`commitments.scrutiny_forms.QueryFilter`), overdue annotated,
    soonest due first. Two joins, one query."""
    require_capability(user, Cap.COMMITMENTS_VIEW)
    return query_queryset(today).order_by("due_date", "pk")


def query_detail(*, user: Any, pk: int, today: date) -> ScrutinyQuery:
    require_capability(user, Cap.COMMITMENTS_VIEW)
    return query_queryset(today).get(pk=pk)


def queries_about(*, user: Any, today: date, **subject: Any) -> list[ScrutinyQuery]:
    """The queries on one commitment, board or recommendation (``commitment=…``), latest first."""
    require_capability(user, Cap.COMMITMENTS_VIEW)
    return list(query_queryset(today).filter(**subject).order_by("-raised_at", "-pk"))


def query_home_counts(*, user: Any, today: date) -> dict[str, int]:
    """Counts for the home panels, in one query: every query waiting for an answer and those overdue
    (the OPCC's view), and the ones the user owns."""
    awaiting = Q(status__in=QUERY_AWAITING_OWNER)
    overdue = awaiting & Q(due_date__lt=today)
    mine = Q(owner=user)
    return ScrutinyQuery.objects.aggregate(
        awaiting=Count("pk", filter=awaiting),
        overdue=Count("pk", filter=overdue),
        answered=Count("pk", filter=Q(status=QueryStatus.ANSWERED)),
        mine_awaiting=Count("pk", filter=mine & awaiting),
        mine_overdue=Count("pk", filter=mine & overdue),
    )


def overdue_queries_by_owner(*, today: date) -> list[dict[str, Any]]:
    """Overdue queries grouped by owner, for the daily digest (one query). No case-level data.

    → ``[{"owner_id", "owner_name", "owner_email", "count", "queries": [{"id", "subject",
    "question", "due_date", "days_overdue", "status"}]}]``, owners by name.
    """
    queries = (
        ScrutinyQuery.objects.overdue(today)
        .select_related("owner", "commitment", "board", "recommendation__report")
        .order_by("owner__full_name", "owner_id", "due_date", "pk")
    )
    grouped: dict[int, dict[str, Any]] = {}
    for query in queries:
        entry = grouped.setdefault(
            query.owner_id,
            {
                "owner_id": query.owner_id,
                "owner_name": str(query.owner),
                "owner_email": query.owner.email,
                "count": 0,
                "queries": [],
            },
        )
        entry["count"] += 1
        entry["queries"].append(
            {
                "id": query.pk,
                "subject": query.subject_label,
                "question": query.question,
                "due_date": query.due_date,
                "days_overdue": (today - query.due_date).days,
                "status": query.status,
            }
        )
    return list(grouped.values())


def query_counts(*, start: date, end: date, today: date) -> dict[str, int]:
    """Queries raised, answered and closed in [start, end]; waiting and overdue as of ``today``. One query."""
    return ScrutinyQuery.objects.aggregate(
        raised=Count("pk", filter=Q(raised_at__date__range=(start, end))),
        answered=Count("pk", filter=Q(answered_at__date__range=(start, end))),
        closed=Count("pk", filter=Q(closed_at__date__range=(start, end))),
        awaiting=Count("pk", filter=Q(status__in=QUERY_AWAITING_OWNER)),
        overdue=Count("pk", filter=Q(status__in=QUERY_AWAITING_OWNER, due_date__lt=today)),
    )


# --- the inspection tracker -------------------------------------------------------------------------


def recommendation_queryset() -> QuerySet[InspectionRecommendation]:
    return InspectionRecommendation.objects.select_related("report", "owner", "board")


def recommendation_list(*, user: Any) -> QuerySet[InspectionRecommendation]:
    """Tracker items, newest report first then by number (narrowed by ``RecommendationFilter``);
    linked commitments prefetched (two queries)."""
    require_capability(user, Cap.COMMITMENTS_VIEW)
    return (
        recommendation_queryset()
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.order_by("order")))
        .order_by("-report__published_on", "report__title", "number")
    )


def recommendation_detail(*, user: Any, pk: int) -> InspectionRecommendation:
    require_capability(user, Cap.COMMITMENTS_VIEW)
    return (
        recommendation_queryset()
        .prefetch_related(
            Prefetch("commitments", queryset=Commitment.objects.order_by("order")),
            Prefetch("evidence", queryset=RecommendationEvidence.objects.select_related("author")),
        )
        .get(pk=pk)
    )


def report_list(*, user: Any) -> QuerySet[InspectionReport]:
    """Inspection reports with how many items each has and how many are still open."""
    require_capability(user, Cap.COMMITMENTS_VIEW)
    return InspectionReport.objects.annotate(
        items=Count("recommendations"),
        open_items=Count("recommendations", filter=Q(recommendations__status__in=TRACKER_OPEN_STATUSES)),
    ).order_by("-published_on", "title")


def report_detail(*, user: Any, pk: int) -> InspectionReport:
    require_capability(user, Cap.COMMITMENTS_VIEW)
    return InspectionReport.objects.prefetch_related(
        Prefetch(
            "recommendations", queryset=InspectionRecommendation.objects.select_related("owner").order_by("number")
        )
    ).get(pk=pk)
