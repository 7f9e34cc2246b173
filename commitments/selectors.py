"""Reads of the commitments app. Commitments, ratings and boards are readable by every role
holding ``COMMITMENTS_VIEW`` / ``BOARDS_VIEW``; the work queues are limited to the user's own work.

``rag_report`` and ``rag_changes`` are plain functions (no user): the quarterly RAG summary task
calls them; pages and the API check the reader's role before calling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.template.defaultfilters import pluralize
from django.utils import timezone

from cases.choices import Strand
from cases.kpis import kpi_rows
from oversight.concurrency import with_versions
from oversight.errors import ApplicationError
from oversight.exports import Table
from oversight.periods import (
    Period,
    next_quarter,
    parse_quarter,
    previous_quarter,
    quarter_of,
    same_period_last_year,
)
from oversight.roles import Cap, has_capability, require_capability

from . import narrative
from .choices import RAG_DEFINITIONS, AssessmentStatus, Rating
from .evidence import report_indicators
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
NOT_PUBLISHED = "Not published"
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


def _published(period_key: str, field: str = "rating") -> Subquery:
    return Subquery(
        RagAssessment.objects.filter(
            commitment=OuterRef("pk"), period__key=period_key, status=AssessmentStatus.PUBLISHED
        )
        .order_by("-version")
        .values(field)[:1]
    )


def rag_report(*, period_key: str) -> dict[str, Any]:
    """The RAG report of DESIGN.md §4: every commitment in plan order with its published rating
    for the quarter and the quarter before (``null`` when none), and its ``indicators``: the
    figures stored with the published rating, or live figures from the KPI engine while the
    quarter is unpublished (:func:`commitments.evidence.report_indicators`). Three queries plus
    the engine's for unpublished commitments with indicators.
    """
    quarter = known_quarter(period_key)
    previous = previous_quarter(quarter)
    rows = list(
        _commitments()
        .annotate(
            rating=_published(quarter.key),
            previous_rating=_published(previous.key),
            published_id=_published(quarter.key, "pk"),
        )
        .values_list(
            "pk",
            "action_ref",
            "text",
            "chapter__title",
            "lead__full_name",
            "board__name",
            "rating",
            "previous_rating",
            "published_id",
        )
    )
    indicators = report_indicators(
        period=quarter, rows=[{"commitment_id": row[0], "published_id": row[-1]} for row in rows]
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
                "indicators": indicators.get(pk, []),
            }
            for pk, action_ref, text, chapter, lead, board, rating, previous_rating, _published_id in rows
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


REPORT_TITLE = "Report to the Police and Crime Commissioner"
NO_EVIDENCE = "No indicators are linked to this commitment."
EVIDENCE_HEADERS = ["Indicator", "Value", "Target", "Same quarter last year", "On track"]
# The headline KPIs of the report's appendix (cases.kpis metrics), by strand.
HEADLINE_METRICS = ("recorded_offences", "positive_outcome_rate", "charged_pct", "victim_withdrawal_pct")


def _figure(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        return f"{value:,.1f}"
    return str(value)


def evidence_cells(rows: list[dict[str, Any]]) -> list[list[str]]:
    """The evidence table as it is shown, under :data:`EVIDENCE_HEADERS` (page and Word alike)."""
    on_track = {True: "On track", False: "Off track", None: "No value yet"}
    return [
        [
            str(row["name"]),
            _figure(row.get("value")),
            _figure(row.get("target")),
            _figure(row.get("same_quarter_last_year")),
            on_track.get(row.get("on_track"), "No value yet"),
        ]
        for row in rows
    ]


def quarter_heading(quarter: Period) -> str:
    """``2025-26-Q2`` → ``Quarter 2, 2025/26: 1 July – 30 September 2025``."""
    start, end = quarter.start, quarter.end
    return (
        f"Quarter {quarter.key[-1]}, {quarter.key[:4]}/{quarter.key[5:7]}: "
        f"{start.day} {start:%B} – {end.day} {end:%B} {end.year}"
    )


def _author(user: Any) -> dict[str, str]:
    """The report-author settings, else the person generating the report (name and job title)."""
    if settings.REPORT_AUTHOR_NAME:
        return {"name": settings.REPORT_AUTHOR_NAME, "job_title": settings.REPORT_AUTHOR_JOB_TITLE}
    return {
        "name": getattr(user, "full_name", "") or getattr(user, "email", ""),
        "job_title": getattr(user, "job_title", ""),
    }


def _issue(period_key: str, unpublished: int) -> dict[str, Any]:
    """Version (1 + the quarter's published corrections), date of issue (the last publication once
    every commitment has a published rating, else today) and status (final or draft). One query."""
    published = RagAssessment.objects.filter(period__key=period_key, status=AssessmentStatus.PUBLISHED).aggregate(
        corrections=Count("pk", filter=Q(version__gt=1)), last=Max("published_at")
    )
    last = published["last"]
    return {
        "version": 1 + published["corrections"],
        "issued": timezone.localdate(last) if last and not unpublished else timezone.localdate(),
        "status": "Final"
        if not unpublished
        else f"Draft: {unpublished} rating{pluralize(unpublished)} not yet published",
    }


def headline_kpis(*, user: Any, quarter: Period) -> Table | None:
    """The appendix table: the headline KPIs of the quarter by strand, the same quarter last year's
    positive outcome rate beside it, and every strand together on the last row (cached KPI engine)."""
    if not has_capability(user, Cap.KPIS_VIEW):
        return None
    last_year = same_period_last_year(quarter)
    by_strand = kpi_rows(date_from=quarter.start, date_to=quarter.end, group_by="strand")
    before = {
        row["group"]: row["positive_outcome_rate"]
        for row in kpi_rows(date_from=last_year[0], date_to=last_year[1], group_by="strand")
    }
    total = kpi_rows(date_from=quarter.start, date_to=quarter.end)[0]
    total_before = kpi_rows(date_from=last_year[0], date_to=last_year[1])[0]["positive_outcome_rate"]
    labels, order = dict(Strand.choices), {code: index for index, code in enumerate(Strand.values)}
    rows = [
        [labels.get(row["group"], "Not recorded"), *(row[m] for m in HEADLINE_METRICS), before.get(row["group"])]
        for row in sorted(by_strand, key=lambda row: order.get(row["group"], len(order)))
    ]
    rows.append(["All strands", *(total[m] for m in HEADLINE_METRICS), total_before])
    return Table(
        key="kpis",
        caption=f"Headline indicators by strand, {period_label(quarter.key)}",
        headers=[
            "Strand",
            "Recorded offences",
            "Positive outcome rate",
            "Charged (% of outcomes)",
            "Victim withdrawal (% of outcomes)",
            "Positive outcome rate, same quarter last year",
        ],
        rows=rows,
        numeric={1, 2, 3, 4, 5},
        percent={2, 3, 4, 5},
    )


def report_document(*, user: Any, period_key: str, benchmark: Table | None = None) -> dict[str, Any]:
    """Everything the report to the Commissioner needs, for the page and the Word file alike: the title
    block, sections (commitment, the quarter's narrative as numbered blocks, its evidence; plan
    order), the annex rows with the previous quarter, the RAG key, the headline KPI appendix and
    ``benchmark`` (the live-SRO table, which the view reads from ``performance``: these selectors
    stay independent of that app).
    Eight queries, plus the KPI engine's when its cache is cold.
    """
    require_capability(user, Cap.COMMITMENTS_VIEW)
    report = rag_report(period_key=period_key)
    quarter = parse_quarter(report["period"])
    previous = previous_quarter(quarter)
    plan = current_plan()
    commitments = list(_commitments())  # the same rows, in the same order, as the report's
    updates = {
        update.commitment_id: update.narrative
        for update in ProgressUpdate.objects.filter(period__key=quarter.key).only("commitment_id", "narrative")
    }
    sections = []
    for number, (row, commitment) in enumerate(zip(report["rows"], commitments, strict=True), start=2):
        evidence = row["indicators"]  # stored with the published rating, else live (rag_report)
        sections.append(
            {
                **row,
                "number": number,
                "blocks": _numbered(narrative.parse(updates.get(commitment.pk, "")), number),
                "evidence": evidence,
                "evidence_cells": evidence_cells(evidence),
            }
        )
    unpublished = sum(1 for row in report["rows"] if not row["rating"])
    return {
        **report,
        **_issue(quarter.key, unpublished),
        "title": REPORT_TITLE,
        "marking": settings.PROTECTIVE_MARKING,
        "author": _author(user),
        "plan": plan,
        "label": period_label(quarter.key),
        "previous_label": period_label(previous.key),
        "last_year_label": period_label(quarter_of(same_period_last_year(quarter)[0]).key),
        "quarter_heading": quarter_heading(quarter),
        "sections": sections,
        "chapters": list(plan.chapters.values_list("title", flat=True)) if plan else [],
        "annex": annex_rows(report["rows"]),
        "kpis": headline_kpis(user=user, quarter=quarter),
        "kpis_intro": (
            f"Recorded offences, positive outcome rate, charges and victim withdrawal for "
            f"{quarter_heading(quarter)}, by VAWG strand, from the investigation register. The positive outcome "
            "rate is the positive outcomes assigned in the quarter per 100 offences recorded in it; charges and "
            "victim withdrawal are shares of the outcomes assigned. The last column is the same quarter a year "
            "earlier."
        ),
        "benchmark": benchmark,
    }


def annex_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Table 1 of Annex One as shown on the page and in the Word file: ``147 - Ensure …`` with this
    quarter's and the previous quarter's rating (``None`` and "Not published" when there is none)."""
    labels = dict(Rating.choices)
    return [
        {
            "action_ref": row["action_ref"],
            "commitment": f"{row['action_ref']} - {row['commitment']}",
            "rating": row["rating"],
            "rating_label": labels.get(row["rating"] or "", NOT_PUBLISHED),
            "previous_rating": row["previous_rating"],
            "previous_label": labels.get(row["previous_rating"] or "", NOT_PUBLISHED),
        }
        for row in rows
    ]


def _numbered(blocks: list[narrative.Block], section: int) -> list[dict[str, Any]]:
    """Paragraphs numbered ``2.1``, ``2.2`` … within their section; lists are not numbered."""
    numbered, count = [], 0
    for block in blocks:
        number = ""
        if block.kind == "paragraph":
            count += 1
            number = f"{section}.{count}"
        numbered.append({"number": number, "block": block})
    return numbered


def latest_published_key() -> str | None:
    """The most recent quarter with a published rating."""
    return (
        RagAssessment.objects.filter(status=AssessmentStatus.PUBLISHED)
        .order_by("-period__start_date")
        .values_list("period__key", flat=True)
        .first()
    )


def default_report_key(*, today: date | None = None) -> str:
    """The quarter the report opens on: the latest started quarter in which every commitment has a
    published rating; failing that, the latest in which most have; failing that, the quarter being
    reported on. Never a quarter that is mostly unpublished while a better one exists. Two queries.
    """
    total = Commitment.objects.count()
    quarters = (
        ReportingPeriod.objects.filter(start_date__lte=today or timezone.localdate())
        .annotate(
            published=Count(
                "assessments__commitment", filter=Q(assessments__status=AssessmentStatus.PUBLISHED), distinct=True
            )
        )
        .filter(published__gt=0)
        .order_by("-start_date")
        .values_list("key", "published")
    )
    mostly = None
    for key, published in quarters:
        if published >= total:
            return key
        if mostly is None and published * 2 > total:
            mostly = key
    return mostly or reporting_key(today=today)


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
                    Prefetch("actions", queryset=with_versions(BoardAction.objects.select_related("owner"))),
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
            Prefetch("actions", queryset=with_versions(BoardAction.objects.select_related("owner"))),
        )
        .get(pk=pk)
    )
