"""Writes of the OPCC's scrutiny: scrutiny queries and the inspection tracker.

Scrutiny queries: the OPCC raises one (:func:`query_raise`), its owner answers (:func:`query_answer`),
the OPCC closes (:func:`query_close`) or reopens it (:func:`query_reopen`). The owner defaults to the
commitment's lead, the board's chair or the recommendation's owner. A query carries no case-level data:
its text is refused when it holds something shaped like a crime reference.

Inspection tracker: the OPCC or an administrator records reports and items; the item's owner adds dated
evidence and moves it up to implemented; the OPCC accepts the evidence or returns it to in progress.

Every service takes the acting user, checks permission itself, validates, records the actor as the
history user and runs in one transaction. Bad input raises ``ApplicationError``; a refusal ``PermissionDenied``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from audits.choices import AuditArea
from cases.kpis import FILTER_PARAMS, METRIC_LABELS, resolve_filters
from cases.models import LocalPolicingArea, Team
from oversight.errors import ApplicationError, clean_or_raise
from oversight.history import save_with_actor
from oversight.periods import parse_quarter
from oversight.roles import Cap, require_capability

from . import rules
from .choices import (
    RECOMMENDATION_OWNER_STEPS,
    EvidenceKind,
    QueryStatus,
    QuerySubject,
    RecommendationStatus,
)
from .models import (
    Board,
    Commitment,
    InspectionRecommendation,
    InspectionReport,
    RecommendationEvidence,
    ScrutinyQuery,
)

# Shaped like a records-system crime reference (``20/123456/25``): never stored in a query.
CRIME_REFERENCE = re.compile(r"\b\d{2}/\d{4,8}/\d{2}\b")
# C0 control characters other than tab, line feed and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any, *, field: str, label: str, required: bool = True, case_free: bool = False) -> str:
    """``value`` stripped; refused when missing (if ``required``), holding control characters, or
    (``case_free``) holding something shaped like a crime reference."""
    if value is not None and not isinstance(value, str):
        raise ApplicationError(f"{label} must be text.", {field: ["Enter text."]})
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(f"Enter the {label.lower()}.", {field: [f"Enter the {label.lower()}."]})
    if CONTROL_CHARACTERS.search(text):
        message = f"The {label.lower()} contains control characters: remove them."
        raise ApplicationError(message, {field: [message]})
    if case_free and CRIME_REFERENCE.search(text):
        message = (
            f"The {label.lower()} must not carry a crime reference (it looked like NN/NNNNNN/NN): "
            "scrutiny queries hold no case-level data."
        )
        raise ApplicationError(message, {field: [message]})
    return text


def _not_before_today(value: date | None, *, field: str, label: str, today: date) -> date:
    if value is None:
        raise ApplicationError(f"Enter the {label.lower()}.", {field: [f"Enter the {label.lower()}."]})
    if value < today:
        message = f"The {label.lower()} cannot be in the past."
        raise ApplicationError(message, {field: [message]})
    return value


def _not_in_future(value: date | None, *, field: str, label: str, today: date) -> date | None:
    if value is not None and value > today:
        message = f"The {label.lower()} cannot be in the future."
        raise ApplicationError(message, {field: [message]})
    return value


def _active_owner(owner: Any) -> Any:
    if owner is not None and not owner.is_active:
        raise ApplicationError(
            f"{owner} no longer has an active account: choose another owner.", {"owner": ["Inactive."]}
        )
    return owner


# --- scrutiny queries ------------------------------------------------------------------------------


def default_owner(
    *,
    commitment: Commitment | None = None,
    board: Board | None = None,
    recommendation: InspectionRecommendation | None = None,
) -> Any:
    """Who answers a query by default: the commitment's lead, the board's chair, the recommendation's
    owner. ``None`` for a KPI or an audit area (the OPCC names the owner) or when the post is vacant."""
    if commitment is not None:
        return commitment.lead
    if board is not None:
        return board.chair
    if recommendation is not None:
        return recommendation.owner
    return None


def _kpi_filters(raw: Any) -> dict[str, str]:
    """Validated filter codes of a KPI slice (the KPI engine's names), stored as codes."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
        message = f"KPI filters must map filter names ({', '.join(FILTER_PARAMS)}) to codes."
        raise ApplicationError(message, {"kpi_filters": [message]})
    cleaned = {str(name): value.strip() for name, value in raw.items() if value.strip()}
    for value in cleaned.values():
        clean_text(value, field="kpi_filters", label="KPI filter", case_free=True)
    resolve_filters(cleaned)  # ApplicationError naming every unknown name or code
    for name, model in (("lpa", LocalPolicingArea), ("team", Team)):
        if name in cleaned:
            record = model.objects.by_code_or_name(cleaned[name])
            cleaned[name] = record.code if record is not None else cleaned[name]
    return {name: value.lower() for name, value in sorted(cleaned.items())}


def _subject(
    *,
    commitment: Commitment | None,
    board: Board | None,
    recommendation: InspectionRecommendation | None,
    kpi_metric: str,
    audit_area: str,
) -> str:
    given = [
        subject
        for subject, value in (
            (QuerySubject.COMMITMENT, commitment),
            (QuerySubject.BOARD, board),
            (QuerySubject.RECOMMENDATION, recommendation),
            (QuerySubject.KPI, kpi_metric),
            (QuerySubject.AUDIT_AREA, audit_area),
        )
        if value
    ]
    if len(given) != 1:
        message = "Say what the query is about: one commitment, board, inspection recommendation, KPI or audit area" + (
            f" (not {len(given)})." if given else "."
        )
        raise ApplicationError(message, {"subject": [message]})
    return given[0]


@transaction.atomic
def query_raise(
    *,
    actor: Any,
    question: Any,
    due_date: date | None,
    commitment: Commitment | None = None,
    board: Board | None = None,
    recommendation: InspectionRecommendation | None = None,
    kpi_metric: str = "",
    kpi_filters: Mapping[str, str] | None = None,
    kpi_period: str = "",
    audit_area: str = "",
    owner: Any = None,
    today: date | None = None,
) -> ScrutinyQuery:
    """The OPCC raises a query on one subject, for its owner to answer by ``due_date`` (today or later).

    ``owner`` defaults to :func:`default_owner`; a KPI or audit-area query names its owner. The person
    raising a query cannot own it.
    """
    require_capability(actor, Cap.SCRUTINY_QUERIES)
    today = today or timezone.localdate()
    subject = _subject(
        commitment=commitment,
        board=board,
        recommendation=recommendation,
        kpi_metric=kpi_metric,
        audit_area=audit_area,
    )
    query = ScrutinyQuery(subject_type=subject, commitment=commitment, board=board, recommendation=recommendation)
    if subject == QuerySubject.KPI:
        if kpi_metric not in METRIC_LABELS:
            message = f"'{kpi_metric}' is not a KPI: use one of {', '.join(METRIC_LABELS)}."
            raise ApplicationError(message, {"kpi_metric": [message]})
        if not kpi_period:
            raise ApplicationError("Give the KPI's quarter, e.g. 2025-26-Q2.", {"kpi_period": ["Enter a quarter."]})
        quarter = parse_quarter(kpi_period)
        if quarter.start > today:
            message = f"{quarter.key} has not started yet."
            raise ApplicationError(message, {"kpi_period": [message]})
        query.kpi_metric, query.kpi_period, query.kpi_filters = kpi_metric, quarter.key, _kpi_filters(kpi_filters)
    elif kpi_filters or kpi_period:
        message = "KPI filters and quarter belong to a KPI query only."
        raise ApplicationError(message, {"kpi_filters": [message]})
    if subject == QuerySubject.AUDIT_AREA:
        if audit_area not in AuditArea.values:
            message = f"'{audit_area}' is not an audit area: use one of {', '.join(AuditArea.values)}."
            raise ApplicationError(message, {"audit_area": [message]})
        query.audit_area = audit_area

    owner = _active_owner(owner or default_owner(commitment=commitment, board=board, recommendation=recommendation))
    if owner is None:
        message = f"Choose who must answer: {query.subject_label} has no lead, chair or owner to default to."
        raise ApplicationError(message, {"owner": ["Choose an owner."]})
    if owner.pk == actor.pk:
        message = "You cannot own a query you raise: choose the person who must answer it."
        raise ApplicationError(message, {"owner": [message]})
    query.owner = owner
    query.question = clean_text(question, field="question", label="Question", case_free=True)
    query.due_date = _not_before_today(due_date, field="due_date", label="Due date", today=today)
    query.raised_by, query.raised_at, query.status = actor, timezone.now(), QueryStatus.OPEN
    clean_or_raise(query)
    return save_with_actor(query, actor=actor)


def _lock_query(query: ScrutinyQuery) -> ScrutinyQuery:
    """Re-read ``query`` under a row lock so an answer and a close cannot race."""
    return (
        ScrutinyQuery.objects.select_for_update(of=("self",))
        .select_related("owner", "commitment", "board", "recommendation__report")
        .get(pk=query.pk)
    )


@transaction.atomic
def query_answer(*, query: ScrutinyQuery, response: Any, actor: Any) -> ScrutinyQuery:
    """The owner answers an open or reopened query (answering stops the overdue clock)."""
    query = _lock_query(query)
    rules.require_query_owner(actor, query)
    if not query.awaiting_owner:
        raise ApplicationError(
            f"This query is {query.get_status_display().lower()}: only an open or reopened query can be answered"
            " (the OPCC may reopen it).",
            {"status": ["Not waiting for an answer."]},
        )
    query.response = clean_text(response, field="response", label="Response", case_free=True)
    query.status, query.answered_at = QueryStatus.ANSWERED, timezone.now()
    clean_or_raise(query)
    return save_with_actor(query, actor=actor)


@transaction.atomic
def query_close(*, query: ScrutinyQuery, actor: Any, comment: Any = "") -> ScrutinyQuery:
    """The OPCC closes a query (usually once answered; an open one may be withdrawn)."""
    require_capability(actor, Cap.SCRUTINY_QUERIES)
    query = _lock_query(query)
    if query.status == QueryStatus.CLOSED:
        raise ApplicationError("This query is already closed.", {"status": ["Already closed."]})
    comment_text = clean_text(comment, field="comment", label="Comment", required=False, case_free=True)
    if comment_text:
        query.opcc_comment = comment_text
    query.status, query.closed_at = QueryStatus.CLOSED, timezone.now()
    clean_or_raise(query)
    return save_with_actor(query, actor=actor)


@transaction.atomic
def query_reopen(
    *, query: ScrutinyQuery, actor: Any, reason: Any, due_date: date | None = None, today: date | None = None
) -> ScrutinyQuery:
    """The OPCC reopens an answered or closed query, saying what is still missing.

    The owner answers again by ``due_date`` (kept when not given, unless it has passed).
    """
    require_capability(actor, Cap.SCRUTINY_QUERIES)
    today = today or timezone.localdate()
    query = _lock_query(query)
    if query.awaiting_owner:
        raise ApplicationError(
            f"This query is {query.get_status_display().lower()} and still waiting for its owner: nothing to reopen.",
            {"status": ["Still waiting for an answer."]},
        )
    query.opcc_comment = clean_text(reason, field="reason", label="Reason for reopening", case_free=True)
    if due_date is not None:
        query.due_date = _not_before_today(due_date, field="due_date", label="New due date", today=today)
    elif query.due_date < today:
        message = f"The due date ({date_format(query.due_date)}) has passed: give a new due date."
        raise ApplicationError(message, {"due_date": [message]})
    query.status, query.closed_at = QueryStatus.REOPENED, None
    clean_or_raise(query)
    return save_with_actor(query, actor=actor)


# --- the inspection tracker -------------------------------------------------------------------------


@transaction.atomic
def inspection_report_save(*, report: InspectionReport, actor: Any, today: date | None = None) -> InspectionReport:
    """The OPCC or an administrator records an inspection report, and later the PCC's published response."""
    require_capability(actor, Cap.INSPECTIONS_MANAGE)
    today = today or timezone.localdate()
    report.title = clean_text(report.title, field="title", label="Report title")
    report.inspectorate = clean_text(report.inspectorate, field="inspectorate", label="Inspectorate")
    report.pcc_response = clean_text(report.pcc_response, field="pcc_response", label="PCC's response", required=False)
    if report.published_on is None:
        raise ApplicationError("Enter the report's publication date.", {"published_on": ["Enter a date."]})
    _not_in_future(report.published_on, field="published_on", label="Publication date", today=today)
    _not_in_future(
        report.pcc_response_published_on,
        field="pcc_response_published_on",
        label="Date the PCC's response was published",
        today=today,
    )
    if report.pcc_response_published_on and not report.pcc_response:
        message = "Enter the PCC's response, or leave its publication date empty."
        raise ApplicationError(message, {"pcc_response": [message]})
    clean_or_raise(report)
    return save_with_actor(report, actor=actor)


@transaction.atomic
def recommendation_save(
    *, recommendation: InspectionRecommendation, actor: Any, commitments: Iterable[Commitment] | None = None
) -> InspectionRecommendation:
    """The OPCC or an administrator records or edits a tracker item (its text, type, owner, due date,
    links). Its status moves only through the workflow services below."""
    require_capability(actor, Cap.INSPECTIONS_MANAGE)
    if recommendation.pk is None:
        recommendation.status = RecommendationStatus.NOT_STARTED
    elif (
        InspectionRecommendation.objects.filter(pk=recommendation.pk).values_list("status", flat=True).first()
        != recommendation.status
    ):
        raise ApplicationError("The status moves through the owner's updates and the OPCC's decision, not here.")
    recommendation.text = clean_text(recommendation.text, field="text", label="Text")
    recommendation.response = clean_text(
        recommendation.response, field="response", label="Force response", required=False
    )
    _active_owner(recommendation.owner)
    clean_or_raise(recommendation)
    save_with_actor(recommendation, actor=actor)
    if commitments is not None:
        recommendation.commitments.set(list(commitments))
    return recommendation


def _lock_recommendation(recommendation: InspectionRecommendation) -> InspectionRecommendation:
    return (
        InspectionRecommendation.objects.select_for_update(of=("self",))
        .select_related("owner", "report")
        .get(pk=recommendation.pk)
    )


def _move(recommendation: InspectionRecommendation, status: str) -> None:
    """The owner moves an item up (never back, never past implemented); implemented needs evidence."""
    if status not in RECOMMENDATION_OWNER_STEPS:
        allowed = ", ".join(RecommendationStatus(s).label.lower() for s in RECOMMENDATION_OWNER_STEPS)
        message = f"The owner can set {allowed}; only the OPCC accepts evidence."
        raise ApplicationError(message, {"status": [message]})
    current = recommendation.status
    if current not in RECOMMENDATION_OWNER_STEPS:
        message = "The OPCC has accepted the evidence: the item is finished."
        raise ApplicationError(message, {"status": [message]})
    if RECOMMENDATION_OWNER_STEPS.index(status) <= RECOMMENDATION_OWNER_STEPS.index(current):
        message = (
            f"The item is already {recommendation.get_status_display().lower()}: "
            f"it cannot move to {RecommendationStatus(status).label.lower()}."
        )
        raise ApplicationError(message, {"status": [message]})
    if (
        status == RecommendationStatus.IMPLEMENTED
        and not recommendation.evidence.filter(kind=EvidenceKind.UPDATE).exists()
    ):
        message = "Add an evidence update before marking the item implemented."
        raise ApplicationError(message, {"status": [message]})
    recommendation.status = status


@transaction.atomic
def recommendation_add_evidence(
    *,
    recommendation: InspectionRecommendation,
    text: Any,
    actor: Any,
    date: date | None = None,
    status: str = "",
    today: date | None = None,
) -> RecommendationEvidence:
    """The owner records a dated evidence update and, optionally, moves the item up (to implemented at most)."""
    today = today or timezone.localdate()
    recommendation = _lock_recommendation(recommendation)
    rules.require_recommendation_owner(actor, recommendation)
    if recommendation.status == RecommendationStatus.EVIDENCE_ACCEPTED:
        raise ApplicationError("The OPCC has accepted the evidence: the item is finished.", {"text": ["Finished."]})
    entry = RecommendationEvidence(
        recommendation=recommendation,
        date=_not_in_future(date or today, field="date", label="Date of the evidence", today=today) or today,
        text=clean_text(text, field="text", label="Evidence"),
        kind=EvidenceKind.UPDATE,
        author=actor,
    )
    clean_or_raise(entry)
    save_with_actor(entry, actor=actor)
    if status and status != recommendation.status:
        _move(recommendation, status)
        clean_or_raise(recommendation)
        save_with_actor(recommendation, actor=actor, update_fields=["status"])
    return entry


@transaction.atomic
def recommendation_set_status(
    *, recommendation: InspectionRecommendation, status: str, actor: Any
) -> InspectionRecommendation:
    """The owner moves the item up: not started → in progress → implemented (which needs evidence)."""
    recommendation = _lock_recommendation(recommendation)
    rules.require_recommendation_owner(actor, recommendation)
    _move(recommendation, status)
    clean_or_raise(recommendation)
    return save_with_actor(recommendation, actor=actor, update_fields=["status"])


def _decide(
    recommendation: InspectionRecommendation, *, actor: Any, kind: str, status: str, text: str
) -> InspectionRecommendation:
    if recommendation.status != RecommendationStatus.IMPLEMENTED:
        message = (
            f"The item is {recommendation.get_status_display().lower()}: the OPCC decides on evidence only once "
            "the owner has marked it implemented."
        )
        raise ApplicationError(message, {"status": [message]})
    entry = RecommendationEvidence(
        recommendation=recommendation, date=timezone.localdate(), text=text, kind=kind, author=actor
    )
    clean_or_raise(entry)
    save_with_actor(entry, actor=actor)
    recommendation.status = status
    clean_or_raise(recommendation)
    return save_with_actor(recommendation, actor=actor, update_fields=["status"])


@transaction.atomic
def recommendation_accept(
    *, recommendation: InspectionRecommendation, actor: Any, comment: Any = ""
) -> InspectionRecommendation:
    """The OPCC accepts the evidence of an implemented item (never its own owner)."""
    recommendation = _lock_recommendation(recommendation)
    rules.require_evidence_decider(actor, recommendation)
    text = clean_text(comment, field="comment", label="Comment", required=False) or "Evidence accepted."
    return _decide(
        recommendation,
        actor=actor,
        kind=EvidenceKind.ACCEPTED,
        status=RecommendationStatus.EVIDENCE_ACCEPTED,
        text=text,
    )


@transaction.atomic
def recommendation_return(
    *, recommendation: InspectionRecommendation, actor: Any, comment: Any
) -> InspectionRecommendation:
    """The OPCC returns the evidence of an implemented item to in progress, saying what is missing."""
    recommendation = _lock_recommendation(recommendation)
    rules.require_evidence_decider(actor, recommendation)
    text = clean_text(comment, field="comment", label="Reason for returning the evidence")
    return _decide(
        recommendation, actor=actor, kind=EvidenceKind.RETURNED, status=RecommendationStatus.IN_PROGRESS, text=text
    )
