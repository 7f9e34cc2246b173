"""Reads of the audits app: lists limited by role, and compliance figures computed with SQL counts.

Compliance (DESIGN.md §2) = compliant / (compliant + partial + non_compliant) × 100;
``not_applicable`` is left out and partial is not compliant. Rates are rounded
half-up to one decimal, a zero denominator gives ``None`` (:func:`oversight.numbers.percentage`).

The aggregate functions (``compliance_by_area``, ``compliance_trend``,
``assurance_counts``, ``learning_theme_counts``, ``action_counts``,
``overdue_actions_by_owner``) take periods or ids, not a user: they return no
crime references, and are what summaries and the OPCC overview use.
Aggregates count submitted and signed-off audits only (figures of an audit in
progress are provisional).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, When

from oversight.concurrency import version_token
from oversight.numbers import percentage
from oversight.periods import months_between, months_later, parse_financial_year
from oversight.roles import Cap, has_capability

from . import rules
from .choices import (
    ACTION_OPEN_STATUSES,
    ASSURANCE_THRESHOLDS,
    ActionStatus,
    AnswerValue,
    AssuranceLevel,
    AuditArea,
    AuditKind,
    AuditStatus,
    LearningKind,
    LearningTheme,
)
from .models import (
    Action,
    ActionNote,
    Answer,
    Audit,
    CaseReview,
    EvidenceAttachment,
    LearningPoint,
    PlannedAudit,
    Question,
    QuestionSet,
)

REPORTED_STATUSES = (AuditStatus.SUBMITTED, AuditStatus.SIGNED_OFF)
THEMATIC_KEY = "thematic"
ANSWER_KEYS = ("compliant", "partial", "non_compliant", "not_applicable")


# --- Arithmetic ----------------------------------------------------------------------------------


def compliance_rate(*, compliant: int, partial: int, non_compliant: int, **_: Any) -> float | None:
    return percentage(compliant, compliant + partial + non_compliant)


def suggested_assurance(rate: float | None) -> str:
    """The level for a compliance rate (≥ 90 substantial, ≥ 75 reasonable, ≥ 50 limited, else minimal)."""
    if rate is None:
        return ""
    for floor, level in ASSURANCE_THRESHOLDS:
        if rate >= floor:
            return str(level)
    return str(AssuranceLevel.MINIMAL)


def effective_assurance(audit: Audit, rate: float | None) -> str:
    """The stored level once signed off; before that the override, or the suggestion."""
    if audit.assurance_level:
        return audit.assurance_level
    return audit.assurance_override or suggested_assurance(rate)


def _answer_counts(prefix: str) -> dict[str, Count]:
    """Conditional counts of answers by value; ``prefix`` is the path to the Answer rows ('' on Answer)."""
    value = f"{prefix}__value" if prefix else "value"
    target = prefix or "pk"
    return {key: Count(target, filter=Q(**{value: key})) for key in ANSWER_KEYS}


def _with_rate(row: dict[str, Any]) -> dict[str, Any]:
    for key in ANSWER_KEYS:
        row[key] = row.get(key) or 0
    row["assessed"] = row["compliant"] + row["partial"] + row["non_compliant"]
    row["compliance_rate"] = compliance_rate(**row)
    return row


# --- Audits (case level: AUDITS_VIEW) --------------------------------------------------------------


def _require_view(user: Any) -> None:
    if not rules.can_view_audits(user):
        raise PermissionDenied("Your role sees the audit overview only.")


def audit_list(*, user: Any) -> QuerySet[Audit]:
    """Audits with answer counts (one query), newest month first; pages and the API narrow it with
    :class:`audits.filters.AuditFilter`."""
    _require_view(user)
    qs = Audit.objects.select_related("lead_auditor", "question_set").with_answer_counts()
    return qs.order_by("-month", "area", "theme", "pk")


def audit_rows(audits: Any) -> list[dict[str, Any]]:
    """Rate and assurance for audits annotated by ``with_answer_counts``."""
    rows = []
    for audit in audits:
        counts = _with_rate(
            {
                "compliant": audit.n_compliant,
                "partial": audit.n_partial,
                "non_compliant": audit.n_non_compliant,
                "not_applicable": audit.n_not_applicable,
            }
        )
        rows.append(
            {
                "audit": audit,
                **counts,
                "reviews": audit.n_reviews,
                "suggested_assurance": suggested_assurance(counts["compliance_rate"]),
                "assurance": effective_assurance(audit, counts["compliance_rate"]),
            }
        )
    return rows


def audit_detail(*, user: Any, pk: int) -> Audit:
    _require_view(user)
    return Audit.objects.select_related(
        "lead_auditor", "question_set", "submitted_by", "signed_off_by", "returned_by"
    ).get(pk=pk)


def review_list(*, user: Any, audit_id: int) -> QuerySet[CaseReview]:
    """The audit's sample with answer counts per case (one query)."""
    _require_view(user)
    return (
        CaseReview.objects.filter(audit_id=audit_id)
        .select_related("investigation", "subject", "reviewed_by")
        .annotate(**_answer_counts("answers"), n_answers=Count("answers"))
        .order_by("position")
    )


def review_answer_histories(review: CaseReview) -> list[QuerySet[Any]]:
    """The parts of a case review's version besides the review itself: the history of its answers
    (``oversight.concurrency``: pass as ``also``)."""
    return [Answer.history.filter(review_id=review.pk)]


def review_version(review: CaseReview) -> str:
    """The version of a case's answers, carried by the answer page and the API (read from the
    annotations of :func:`with_review_versions` when the review comes from a list)."""
    annotated = getattr(review, "review_history_id", None), getattr(review, "answers_history_id", None)
    if annotated[0] is not None:
        return f"{annotated[0]}.{annotated[1] or 0}"
    return version_token(review, also=review_answer_histories(review))


def with_review_versions(queryset: QuerySet[CaseReview]) -> QuerySet[CaseReview]:
    """Each review's version in two correlated subqueries (no query per row in a list)."""
    latest = "-history_id"
    reviews = CaseReview.history.filter(id=OuterRef("pk")).order_by(latest).values("history_id")[:1]
    answers = Answer.history.filter(review_id=OuterRef("pk")).order_by(latest).values("history_id")[:1]
    return queryset.annotate(review_history_id=Subquery(reviews), answers_history_id=Subquery(answers))


def review_detail(*, user: Any, pk: int) -> CaseReview:
    _require_view(user)
    return (
        CaseReview.objects.select_related(
            "audit__question_set",
            "audit__lead_auditor",
            "investigation__lpa",
            "investigation__team",
            "subject__lpa",
            "subject__team",
        )
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("answered_by")))
        .get(pk=pk)
    )


def weighted_compliance(*, weighted_compliant: int | None, weighted_assessed: int | None, **_: Any) -> float | None:
    """The weighted score: each assessed answer counts its question's weight (1-5, set in the builder),
    so 100 × Σ weight of compliant answers / Σ weight of compliant, partial and not compliant ones. As
    in the compliance rate (DESIGN.md §2, the published figure, unweighted) partial is not compliant
    and not applicable is left out; shown beside the rate, never instead of it."""
    return percentage(weighted_compliant, weighted_assessed)


def audit_compliance(*, audit_id: int) -> dict[str, Any]:
    """Answer counts, compliance rate and weighted score of one audit (one query)."""
    assessed = (AnswerValue.COMPLIANT, AnswerValue.PARTIAL, AnswerValue.NON_COMPLIANT)
    row = Answer.objects.filter(review__audit_id=audit_id).aggregate(
        **_answer_counts(""),
        weighted_compliant=Sum("question__weight", filter=Q(value=AnswerValue.COMPLIANT)),
        weighted_assessed=Sum("question__weight", filter=Q(value__in=assessed)),
    )
    row = _with_rate(row)
    row["weighted_compliance"] = weighted_compliance(**row)
    return row


def compliance_by_question(*, audit_id: int) -> list[dict[str, Any]]:
    """Per question of the audit's question set, in order: answer counts and compliance rate (one query)."""
    in_audit = Q(answers__review__audit_id=audit_id)
    rows = (
        Question.objects.filter(question_set__audits__pk=audit_id)
        .filter(Q(is_retired=False) | in_audit)
        .distinct()
        .annotate(**{key: Count("answers", filter=in_audit & Q(answers__value=key)) for key in ANSWER_KEYS})
        .order_by("order")
        .values("pk", "order", "text", *ANSWER_KEYS)
    )
    return [_with_rate(dict(row)) for row in rows]


def compliance_by_review(*, user: Any, audit_id: int) -> list[dict[str, Any]]:
    """Per sampled case: counts and rate. ``crime_reference`` is blank for users who may not see it."""
    show = has_capability(user, Cap.CASE_REFERENCES_VIEW)
    rows = []
    for review in review_list(user=user, audit_id=audit_id):
        row = _with_rate({key: getattr(review, key) for key in ANSWER_KEYS})
        row.update(
            review=review,
            label=review.label,
            crime_reference=review.reference if show else "",
            answered=review.n_answers,  # type: ignore[attr-defined]  # annotated by the query above
        )
        rows.append(row)
    return rows


def learning_list(*, user: Any, audit_id: int) -> QuerySet[LearningPoint]:
    _require_view(user)
    return (
        LearningPoint.objects.filter(audit_id=audit_id)
        .select_related("review", "created_by")
        .annotate(n_evidence=Count("evidence"))
        .order_by("kind", "pk")
    )


def evidence_list(**target: Any) -> QuerySet[EvidenceAttachment]:
    """The evidence attached to one record: ``review=``, ``learning_point=`` or ``action=``."""
    return EvidenceAttachment.objects.filter(**target).select_related("uploaded_by").order_by("uploaded_at", "pk")


def evidence_detail(*, user: Any, pk: int) -> EvidenceAttachment:
    """One attachment, if ``user`` may download it (PermissionDenied otherwise)."""
    attachment = EvidenceAttachment.objects.select_related("action", "review", "learning_point", "audit").get(pk=pk)
    if not rules.can_view_evidence(user, attachment):
        raise PermissionDenied("Evidence files are case-level: your role may not download them.")
    return attachment


# --- Re-audit ------------------------------------------------------------------------------------


def reaudit_comparison(*, audit: Audit) -> dict[str, Any] | None:
    """For a re-audit (or an audit that was re-audited): the original's and the re-audit's compliance,
    the change in percentage points, and per question (same version, so the same questions). Three queries.

    On the same cases only, when the re-audit looked again at cases of the original.
    """
    original: Audit | None
    reaudit: Audit | None
    if audit.reaudit_of_id is not None:
        original, reaudit = audit.reaudit_of, audit
    else:
        original, reaudit = audit, audit.reaudits.order_by("-month", "-pk").first()
    if reaudit is None or original is None:
        return None
    before = audit_compliance(audit_id=original.pk)
    after = audit_compliance(audit_id=reaudit.pk)
    questions_before = {q["pk"]: q for q in compliance_by_question(audit_id=original.pk)}
    questions = []
    for row in compliance_by_question(audit_id=reaudit.pk):
        was = questions_before.get(row["pk"], {}).get("compliance_rate")
        questions.append({**row, "before": was, "change": _change(was, row["compliance_rate"])})
    return {
        "original": original,
        "reaudit": reaudit,
        "before": before["compliance_rate"],
        "after": after["compliance_rate"],
        "change": _change(before["compliance_rate"], after["compliance_rate"]),
        "questions": questions,
    }


def _change(before: float | None, after: float | None) -> float | None:
    """The change in percentage points, to one decimal (None when either side has no figure)."""
    if before is None or after is None:
        return None
    return round(after - before, 1)


# --- Question sets ---------------------------------------------------------------------------------


def question_set_list(*, user: Any) -> QuerySet[QuestionSet]:
    """Every version with its asked-question and audit counts (one query), by code then newest version."""
    _require_view(user)
    return QuestionSet.objects.annotate(
        n_questions=Count("questions", filter=Q(questions__is_retired=False), distinct=True),
        n_audits=Count("audits", distinct=True),
    ).order_by("code", "-version")


def question_set_detail(*, user: Any, pk: int) -> QuestionSet:
    _require_view(user)
    return QuestionSet.objects.select_related("published_by", "created_by").get(pk=pk)


def question_set_versions(*, user: Any, code: str) -> QuerySet[QuestionSet]:
    """Every version of a set, newest first, with how many audits used each."""
    _require_view(user)
    return QuestionSet.objects.filter(code=code).annotate(n_audits=Count("audits")).order_by("-version")


# --- Actions ---------------------------------------------------------------------------------------


def action_list(*, user: Any, today: date, audit_id: int | None = None) -> QuerySet[Action]:
    """Every action (of one audit, with ``audit_id``) for users who see audits; otherwise only their own.
    The tracker and the API narrow it with :class:`audits.filters.ActionFilter`."""
    qs = Action.objects.select_related("audit", "owner", "learning_point", "verified_by").with_overdue(today)
    if not rules.can_view_audits(user):
        qs = qs.filter(owner=user)
    if audit_id is not None:
        qs = qs.filter(audit_id=audit_id)
    return qs.order_by("due_date", "pk")


def my_actions(*, user: Any, today: date) -> QuerySet[Action]:
    return (
        Action.objects.filter(owner=user)
        .select_related("audit", "raised_by")
        .with_overdue(today)
        .order_by("status", "due_date", "pk")
    )


def action_detail(*, user: Any, pk: int, today: date) -> Action:
    action = (
        Action.objects.select_related("audit", "owner", "raised_by", "verified_by", "learning_point")
        .with_overdue(today)
        .prefetch_related(Prefetch("notes", queryset=ActionNote.objects.select_related("author")))
        .get(pk=pk)
    )
    if not rules.can_view_action(user, action):
        raise PermissionDenied("You may see your own actions only.")
    return action


# --- Aggregates (no case level data; any role with AUDIT_SUMMARIES_VIEW) ----------------------------


def _area_key(area: str) -> str:
    return area or THEMATIC_KEY


def area_label(key: str) -> str:
    if key == THEMATIC_KEY:
        return "Thematic (cross-cutting)"
    return AuditArea(key).label if key in AuditArea.values else key


def compliance_by_area(*, month_start: date, month_end: date) -> list[dict[str, Any]]:
    """Per area (``thematic`` for audits without one), over audits whose month is in the range.

    → ``[{"area", "area_label", "audits", "compliant", "partial", "non_compliant",
    "not_applicable", "assessed", "compliance_rate", "assurance": {level: n}}]`` in area order.
    Two grouped queries.
    """
    audits = Audit.objects.filter(month__range=(month_start, month_end), status__in=REPORTED_STATUSES)
    answers = (
        Answer.objects.filter(review__audit__in=audits)
        .values("review__audit__area")
        .annotate(**_answer_counts(""))
        .order_by()
    )
    levels = audits.values("area", "assurance_level").annotate(n=Count("pk")).order_by()
    by_area: dict[str, dict[str, Any]] = {}

    def row_for(area: str) -> dict[str, Any]:
        key = _area_key(area)
        return by_area.setdefault(
            key,
            {
                "area": key,
                "area_label": area_label(key),
                "audits": 0,
                "signed_off": 0,
                "assurance": {level: 0 for level in AssuranceLevel.values},
            },
        )

    for answer_counts in answers:
        counts: dict[str, Any] = dict(answer_counts)
        row = row_for(counts.pop("review__audit__area"))
        row.update(counts)
    for level in levels:
        row = row_for(level["area"])
        row["audits"] += level["n"]
        if level["assurance_level"]:
            row["signed_off"] += level["n"]
            row["assurance"][level["assurance_level"]] += level["n"]
    order = [*AuditArea.values, THEMATIC_KEY]
    return [_with_rate(by_area[k]) for k in order if k in by_area]


def compliance_trend(*, month_start: date, month_end: date) -> list[dict[str, Any]]:
    """Per (month, area): answer counts and compliance rate, ascending by month then area (one query)."""
    rows = (
        Answer.objects.filter(
            review__audit__month__range=(month_start, month_end), review__audit__status__in=REPORTED_STATUSES
        )
        .values("review__audit__month", "review__audit__area")
        .annotate(**_answer_counts(""))
        .order_by("review__audit__month", "review__audit__area")
    )
    out = []
    for values in rows:
        item: dict[str, Any] = dict(values)
        key = _area_key(item.pop("review__audit__area"))
        month = item.pop("review__audit__month")
        out.append(_with_rate({"month": month.strftime("%Y-%m"), "area": key, "area_label": area_label(key), **item}))
    return out


def assurance_counts(*, month_start: date, month_end: date) -> dict[str, int]:
    """Signed-off audits in the range by assurance level (one query)."""
    counts = dict.fromkeys(AssuranceLevel.values, 0)
    rows = (
        Audit.objects.filter(month__range=(month_start, month_end), status=AuditStatus.SIGNED_OFF)
        .values("assurance_level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["assurance_level"]] = row["n"]
    return counts


def learning_theme_counts(*, month_start: date, month_end: date) -> list[dict[str, Any]]:
    """Learning points of audits in the range by theme: good practice and improvement counts (one query)."""
    rows = (
        LearningPoint.objects.filter(audit__month__range=(month_start, month_end))
        .values("theme")
        .annotate(
            good_practice=Count("pk", filter=Q(kind=LearningKind.GOOD_PRACTICE)),
            improvement=Count("pk", filter=Q(kind=LearningKind.IMPROVEMENT)),
            total=Count("pk"),
        )
        .order_by("-total", "theme")
    )
    return [{**row, "theme_label": LearningTheme(row["theme"]).label} for row in rows]


def action_counts(*, start: date, end: date, today: date) -> dict[str, int]:
    """Actions opened (raised), completed and verified in [start, end]; open and overdue as of ``today``.

    ``closed`` is an alias of ``verified``: an action is closed when an audit lead verifies it.
    One query.
    """
    in_range = {"__date__range": (start, end)}
    counts = Action.objects.aggregate(
        opened=Count("pk", filter=Q(**{f"created_at{k}": v for k, v in in_range.items()})),
        completed=Count("pk", filter=Q(**{f"completed_at{k}": v for k, v in in_range.items()})),
        verified=Count("pk", filter=Q(**{f"verified_at{k}": v for k, v in in_range.items()})),
        open=Count("pk", filter=Q(status__in=ACTION_OPEN_STATUSES)),
        awaiting_verification=Count("pk", filter=Q(status=ActionStatus.COMPLETED)),
        overdue=Count("pk", filter=Q(status__in=ACTION_OPEN_STATUSES, due_date__lt=today)),
    )
    counts["closed"] = counts["verified"]
    return counts


def overdue_actions_by_owner(*, today: date) -> list[dict[str, Any]]:
    """Overdue actions grouped by owner, for a daily digest (one query). No crime references.

    → ``[{"owner_id", "owner_name", "owner_email", "count", "actions": [{"id", "title",
    "due_date", "days_overdue", "audit_id", "audit_title", "status"}]}]``, owners by name.
    """
    actions = (
        Action.objects.overdue(today)
        .select_related("owner", "audit")
        .order_by("owner__full_name", "owner_id", "due_date", "pk")
    )
    grouped: dict[int, dict[str, Any]] = {}
    for action in actions:
        entry = grouped.setdefault(
            action.owner_id,
            {
                "owner_id": action.owner_id,
                "owner_name": str(action.owner),
                "owner_email": action.owner.email,
                "count": 0,
                "actions": [],
            },
        )
        entry["count"] += 1
        entry["actions"].append(
            {
                "id": action.pk,
                "title": action.title,
                "due_date": action.due_date,
                "days_overdue": (today - action.due_date).days,
                "audit_id": action.audit_id,
                "audit_title": action.audit.title,
                "status": action.status,
            }
        )
    return list(grouped.values())


# --- Question-level trends (aggregates: no case-level data) ------------------------------------------


def _trend_answers(*, month_start: date, month_end: date, area: str = "", team: str = "") -> QuerySet[Answer]:
    answers = Answer.objects.filter(
        review__audit__month__range=(month_start, month_end), review__audit__status__in=REPORTED_STATUSES
    )
    if area:
        answers = answers.filter(review__audit__area=area)
    if team:
        answers = answers.filter(Q(review__investigation__team__code=team) | Q(review__subject__team__code=team))
    return answers


def question_trends(*, month_start: date, month_end: date, area: str = "", team: str = "") -> dict[str, Any]:
    """Compliance per question (followed across versions by its key) per month, of submitted and
    signed-off audits in the range, optionally of one area and one team (the sampled case's team).

    → ``{"months": [...], "questions": [{"key", "text", "set", "area", "compliant", …, "compliance_rate",
    "failed", "months": [rate or None per month]}]}`` ordered by set then question order; ``failed`` =
    partial + not compliant. Two queries: the grouped counts, and the latest wording of each key.
    """
    rows = (
        _trend_answers(month_start=month_start, month_end=month_end, area=area, team=team)
        .values("question__key", "review__audit__month")
        .annotate(**_answer_counts(""))
        .order_by()
    )
    by_key: dict[str, dict[str, Any]] = {}
    months = [m.key for m in months_between(month_start, month_end)]
    for values in rows:
        row: dict[str, Any] = dict(values)
        key, month = row.pop("question__key"), row.pop("review__audit__month").strftime("%Y-%m")
        entry = by_key.setdefault(key, {"key": key, "by_month": {}, **dict.fromkeys(ANSWER_KEYS, 0)})
        for name in ANSWER_KEYS:
            entry[name] += row[name]
        entry["by_month"][month] = _with_rate(row)["compliance_rate"]
    latest = (
        Question.objects.filter(key__in=list(by_key))
        .order_by("key", "-question_set__version")
        .values("key", "text", "order", "question_set__title", "question_set__area", "question_set__code")
    )
    described: dict[str, dict[str, Any]] = {}
    for question in latest:
        described.setdefault(question["key"], dict(question))
    out = []
    for key, entry in by_key.items():
        info = described.get(key, {})
        entry = _with_rate(entry)
        out.append(
            {
                **entry,
                "text": info.get("text", ""),
                "order": info.get("order", 0),
                "set": info.get("question_set__title", ""),
                "code": info.get("question_set__code", ""),
                "area": info.get("question_set__area", ""),
                "failed": entry["partial"] + entry["non_compliant"],
                "months": [entry["by_month"].get(m) for m in months],
            }
        )
    out.sort(key=lambda r: (r["code"], r["order"], r["key"]))
    labels = [f"{m.start:%b %y}" for m in months_between(month_start, month_end)]
    return {"months": months, "month_labels": labels, "questions": out}


def most_failed_questions(trends: dict[str, Any], limit: int = 10) -> list[dict[str, Any]]:
    """The questions most often failed (partial or not compliant), most first; ties by the lower rate."""
    failed = [q for q in trends["questions"] if q["failed"]]
    failed.sort(key=lambda q: (-q["failed"], q["compliance_rate"] if q["compliance_rate"] is not None else 101))
    return failed[:limit]


def question_failures(
    *, user: Any, key: str, month_start: date, month_end: date, area: str = "", team: str = ""
) -> QuerySet[Answer]:
    """Case level, for roles that see audits: the answers to question ``key`` that were partial or not
    compliant, with their case review (drill-down from the trends)."""
    _require_view(user)
    return (
        _trend_answers(month_start=month_start, month_end=month_end, area=area, team=team)
        .filter(question__key=key, value__in=(AnswerValue.PARTIAL, AnswerValue.NON_COMPLIANT))
        .select_related("review__audit", "review__investigation", "review__subject", "question")
        .order_by("-review__audit__month", "review__audit_id", "review__position")
    )


# --- Annual plan and coverage (aggregates: no case-level data) --------------------------------------

PLAN_ROW_KEYS = (*AuditArea.values, AuditKind.THEMATIC.value, AuditKind.QATT.value, AuditKind.JOINT_DIP.value)
PLAN_ROW_LABELS = {
    **dict(AuditArea.choices),
    AuditKind.THEMATIC: "Thematic audits",
    AuditKind.QATT: "QATT",
    AuditKind.JOINT_DIP: "Joint police/CPS dip samples",
}
DONE_STATUSES = REPORTED_STATUSES
OPEN_AUDIT_STATUSES = (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS)


def overdue_cutoff(today: date) -> date:
    """The latest planned month that is overdue when not done by ``today``.

    An audit of month M reviews cases up to the end of M and is due by the end of the month after
    (M + 1); so on 30 November the audits of September and earlier are overdue, October's are not yet.
    """
    return months_later(today, -2).start


def _plan_row_key() -> Case:
    """Monthly audits by area; thematic audits and QATT each in one row."""
    return Case(When(kind=AuditKind.MONTHLY, then=F("area")), default=F("kind"), output_field=CharField())


def coverage_rag(*, overdue: int, due: int) -> str | None:
    """GREEN: nothing overdue; AMBER: one planned audit overdue; RED: two or more. None before anything is due."""
    if not due:
        return None
    return "GREEN" if overdue == 0 else "AMBER" if overdue == 1 else "RED"


def plan_coverage(*, financial_year: str, today: date) -> dict[str, Any]:
    """Planned vs done vs overdue per area (row) per month of the financial year, with a RAG per row.

    ``done`` = the planned audit's audit is submitted or signed off; ``in_progress`` = its audit is
    planned or in progress; ``overdue`` = not done and its month is on or before :func:`overdue_cutoff`;
    ``due`` = planned months on or before the cutoff, plus any done earlier. ``unplanned`` counts
    audits of the year (submitted or signed off) that no plan entry names. Two grouped queries.
    """
    year = parse_financial_year(financial_year)
    cutoff = overdue_cutoff(today)
    done = Q(audit__status__in=DONE_STATUSES)
    not_done = Q(audit__isnull=True) | Q(audit__status__in=OPEN_AUDIT_STATUSES)
    counts = (
        PlannedAudit.objects.filter(plan__financial_year=year.key)
        .annotate(row=_plan_row_key())
        .values("row", "month")
        .annotate(
            planned=Count("pk"),
            done=Count("pk", filter=done),
            in_progress=Count("pk", filter=Q(audit__status__in=OPEN_AUDIT_STATUSES)),
            overdue=Count("pk", filter=not_done & Q(month__lte=cutoff)),
            due=Count("pk", filter=done | Q(month__lte=cutoff)),
            sample=Sum("sample_size"),
        )
        .order_by()
    )
    unplanned = (
        Audit.objects.filter(month__range=(year.start, year.end), status__in=DONE_STATUSES, plan_item__isnull=True)
        .annotate(row=_plan_row_key())
        .values("row")
        .annotate(n=Count("pk"))
        .order_by()
    )
    months = months_between(year.start, year.end)
    grid: dict[tuple[str, date], dict[str, Any]] = {(c["row"], c["month"]): dict(c) for c in counts}
    extra = {u["row"]: u["n"] for u in unplanned}
    keys = ("planned", "done", "in_progress", "overdue", "due", "sample")
    rows = []
    for key in PLAN_ROW_KEYS:
        cells: list[dict[str, Any]] = []
        for month in months:
            found = grid.get((key, month.start), {})
            cell: dict[str, int] = {k: found.get(k) or 0 for k in keys}
            cells.append({"month": month.key, **cell, "status": _cell_status(cell)})
        totals = {k: sum(c[k] for c in cells) for k in keys}
        if not totals["planned"] and not extra.get(key):
            continue
        rows.append(
            {
                "key": key,
                "label": PLAN_ROW_LABELS[key],
                "cells": cells,
                **totals,
                "unplanned": extra.get(key, 0),
                "done_pct": percentage(totals["done"], totals["due"]),
                "rag": coverage_rag(overdue=totals["overdue"], due=totals["due"]),
            }
        )
    totals = {k: sum(r[k] for r in rows) for k in (*keys, "unplanned")}
    return {
        "financial_year": year.key,
        "months": [m.key for m in months],
        "month_labels": [f"{m.start:%b %y}" for m in months],
        "cutoff": cutoff,
        "rows": rows,
        "totals": {
            **totals,
            "done_pct": percentage(totals["done"], totals["due"]),
            "rag": coverage_rag(overdue=totals["overdue"], due=totals["due"]),
        },
        "by_month": [
            {k: sum(r["cells"][i][k] for r in rows) for k in keys} | {"month": m.key} for i, m in enumerate(months)
        ],
    }


def _cell_status(cell: dict[str, int]) -> str:
    if not cell["planned"]:
        return ""
    if cell["overdue"]:
        return "overdue"
    if cell["done"] == cell["planned"]:
        return "done"
    if cell["in_progress"]:
        return "in_progress"
    return "planned"


def plan_items(*, financial_year: str) -> QuerySet[PlannedAudit]:
    """The plan's entries with their audits (no case-level data), by month."""
    return (
        PlannedAudit.objects.filter(plan__financial_year=financial_year)
        .select_related("audit__lead_auditor")
        .order_by("month", "kind", "area", "theme", "pk")
    )


def plan_for_month(*, month: date, today: date) -> list[dict[str, Any]]:
    """The plan's audits of one month with their state, for the monthly summary (one query)."""
    cutoff = overdue_cutoff(today)
    rows = []
    for item in PlannedAudit.objects.filter(month=month).select_related("audit").order_by("kind", "area", "theme"):
        status = item.audit.status if item.audit else ""
        if status in DONE_STATUSES:
            state = "done"
        elif item.month <= cutoff:
            state = "overdue"
        else:
            state = "in_progress" if status else "planned"
        rows.append(
            {
                "audit": str(item.theme or item.get_area_display()),
                "kind": item.get_kind_display(),
                "sample_size": item.sample_size,
                "state": state,
            }
        )
    return rows


def overview_months(*, month_start: date, month_end: date) -> list[str]:
    """The keys (``2025-11``) of every month from ``month_start`` to ``month_end``."""
    return [month.key for month in months_between(month_start, month_end)]
