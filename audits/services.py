"""Writes of the audits app. Every service takes the acting user, checks the rules, records the actor
as the history user (also without a request: seeds, tasks, the shell) and runs in one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cases.models import Investigation
from oversight.concurrency import require_version
from oversight.errors import ApplicationError, clean_or_raise
from oversight.history import delete_with_actor, save_with_actor
from oversight.periods import months_between, parse_financial_year
from oversight.roles import Cap, require_capability

from . import evidence, joint, rules, sampling
from .choices import (
    ActionStatus,
    AnswerValue,
    AssuranceLevel,
    AuditKind,
    AuditStatus,
    DipFrame,
    FindingSeverity,
    LearningKind,
    LearningTheme,
    SampleMethod,
    Stratum,
    SubjectKind,
)
from .models import (
    Action,
    ActionNote,
    Answer,
    Audit,
    AuditPlan,
    AuditSubject,
    CaseReview,
    EvidenceAttachment,
    LearningPoint,
    PlannedAudit,
    Question,
    QuestionSet,
)
from .selectors import audit_compliance, effective_assurance

MAX_SAMPLE_SIZE = 200


def _save(instance: Any, *, actor: Any) -> None:
    """``full_clean()`` then save as ``actor``; a validation failure becomes an ApplicationError
    (400, nothing written)."""
    clean_or_raise(instance)
    save_with_actor(instance, actor=actor)


def _require_manager(audit: Audit, actor: Any) -> None:
    require_capability(actor, Cap.AUDITS_MANAGE)
    if not rules.can_manage_audit(actor, audit):
        raise PermissionDenied("Only the audit's lead auditor may change it.")


def _require_editable(audit: Audit) -> None:
    if audit.is_locked:
        raise ApplicationError("This audit is signed off and locked.")
    if not audit.is_editable:
        raise ApplicationError("This audit has been submitted: reopen it to change the sample or answers.")


# --- Question sets -----------------------------------------------------------------------------

QuestionSpec = str | tuple[str, str] | Mapping[str, Any]
QUESTION_FIELDS = ("text", "guidance", "answer_scale", "allow_not_applicable", "weight", "standard")
FROZEN = "A published version is frozen: make a new version to change it."


def _question_fields(item: QuestionSpec) -> dict[str, Any]:
    """A question given as its text, (text, guidance) or a mapping of ``QUESTION_FIELDS``."""
    if isinstance(item, str):
        return {"text": item}
    if isinstance(item, tuple):
        return {"text": item[0], "guidance": item[1]}
    unknown = set(item) - set(QUESTION_FIELDS) - {"key"}
    if unknown:
        raise ApplicationError(f"Unknown question fields: {', '.join(sorted(unknown))}.")
    return dict(item)


def _draft_for_update(question_set: QuestionSet, actor: Any) -> QuestionSet:
    require_capability(actor, Cap.AUDITS_MANAGE)
    question_set = QuestionSet.objects.select_for_update().get(pk=question_set.pk)
    if question_set.is_published:
        raise ApplicationError(FROZEN)
    return question_set


@transaction.atomic
def question_set_create(
    *,
    actor: Any,
    code: str,
    title: str,
    area: str = "",
    description: str = "",
    questions: Iterable[QuestionSpec] = (),
) -> QuestionSet:
    """Create version 1 of a question set as a draft, with its questions in the order given."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    if QuestionSet.objects.filter(code=code).exists():
        raise ApplicationError(
            f"A question set with the code '{code}' exists: make a new version of it instead.",
            {"code": ["This code is taken."]},
        )
    qs = QuestionSet(
        code=code, title=(title or "").strip(), area=area, description=description, version=1, created_by=actor
    )
    _save(qs, actor=actor)
    _replace_questions(qs, questions, actor=actor)
    return qs


def _replace_questions(question_set: QuestionSet, questions: Iterable[QuestionSpec], *, actor: Any) -> None:
    rows = []
    for order, item in enumerate(questions, start=1):
        fields = _question_fields(item)
        fields["text"] = (fields.get("text") or "").strip()
        if not fields["text"]:
            raise ApplicationError(f"Question {order} has no text.", {"questions": [f"Question {order} is empty."]})
        fields["text"] = fields["text"][:300]
        question = Question(question_set=question_set, order=order, **fields)
        clean_or_raise(question, exclude=["order", "key"])
        rows.append(question)
    for question in question_set.questions.all():  # one by one, so each deletion records its actor
        delete_with_actor(question, actor=actor)
    if rows:
        bulk_create_with_history(rows, Question, default_user=actor)


@transaction.atomic
def question_set_update_questions(
    *, question_set: QuestionSet, actor: Any, questions: Iterable[QuestionSpec], title: str | None = None
) -> QuestionSet:
    """Replace the questions of a draft version. A published version is frozen."""
    question_set = _draft_for_update(question_set, actor)
    if title is not None:
        question_set.title = title
        _save(question_set, actor=actor)
    _replace_questions(question_set, questions, actor=actor)
    return question_set


@transaction.atomic
def question_set_update_details(
    *, question_set: QuestionSet, actor: Any, title: str, area: str, description: str
) -> QuestionSet:
    """Change the title, area and description of a draft version."""
    question_set = _draft_for_update(question_set, actor)
    question_set.title, question_set.area, question_set.description = (title or "").strip(), area, description
    _save(question_set, actor=actor)
    return question_set


def _locked_question(question: Question, actor: Any) -> tuple[QuestionSet, Question]:
    question_set = _draft_for_update(question.question_set, actor)
    return question_set, Question.objects.select_for_update().get(pk=question.pk)


@transaction.atomic
def question_add(*, question_set: QuestionSet, actor: Any, text: str, **fields: Any) -> Question:
    """Add a question to a draft, after the questions already asked (retired ones stay last)."""
    question_set = _draft_for_update(question_set, actor)
    fields = _question_fields({"text": text, **fields})
    asked = list(question_set.questions.asked())
    question = Question(question_set=question_set, order=len(asked) + 1, **fields)
    question.text = (question.text or "").strip()
    clean_or_raise(question, exclude=["order"])
    # Make room: retired questions move one place down (highest first, so orders never clash).
    for retired in question_set.questions.filter(is_retired=True).order_by("-order"):
        retired.order += 1
        save_with_actor(retired, actor=actor, update_fields=["order"])
    save_with_actor(question, actor=actor)
    return question


@transaction.atomic
def question_edit(*, question: Question, actor: Any, **fields: Any) -> Question:
    """Change a draft's question (text, guidance, answer scale, weight, N/A allowed, standard)."""
    _question_set, question = _locked_question(question, actor)
    for name, value in _question_fields(fields).items():
        if name == "key":
            raise ApplicationError("A question's key cannot change.")
        setattr(question, name, value.strip() if isinstance(value, str) else value)
    _save(question, actor=actor)
    return question


def _reorder(question_set: QuestionSet, ordered: list[Question], *, actor: Any) -> None:
    """Give ``ordered`` the positions 1..n, in two passes so the unique (set, order) never clashes."""
    changed = [q for index, q in enumerate(ordered, start=1) if q.order != index]
    if not changed:
        return
    for question in changed:
        question.order += 100_000
    Question.objects.bulk_update(changed, ["order"])
    for question in changed:
        question.order = ordered.index(question) + 1
    bulk_update_with_history(changed, Question, ["order"], default_user=actor)


@transaction.atomic
def question_move(*, question: Question, actor: Any, direction: str) -> Question:
    """Move an asked question of a draft one place ``up`` or ``down`` among the asked questions."""
    question_set, question = _locked_question(question, actor)
    if direction not in ("up", "down"):
        raise ApplicationError("Move a question up or down.")
    if question.is_retired:
        raise ApplicationError("A retired question is not asked: restore it before moving it.")
    asked = list(question_set.questions.asked())
    index = next(i for i, q in enumerate(asked) if q.pk == question.pk)
    swap = index - 1 if direction == "up" else index + 1
    if not 0 <= swap < len(asked):
        raise ApplicationError(f"Question {question.order} is already the {'first' if swap < 0 else 'last'}.")
    asked[index], asked[swap] = asked[swap], asked[index]
    retired = list(question_set.questions.filter(is_retired=True).order_by("order"))
    _reorder(question_set, asked + retired, actor=actor)
    question.refresh_from_db()
    return question


@transaction.atomic
def question_retire(*, question: Question, actor: Any, retired: bool = True) -> Question:
    """Retire a draft's question (kept for the record, no longer asked) or restore it to the end."""
    question_set, question = _locked_question(question, actor)
    if question.is_retired == retired:
        raise ApplicationError("This question is already retired." if retired else "This question is asked.")
    question.is_retired = retired
    save_with_actor(question, actor=actor, update_fields=["is_retired"])
    asked = [q for q in question_set.questions.asked() if q.pk != question.pk]
    others = [q for q in question_set.questions.filter(is_retired=True).order_by("order") if q.pk != question.pk]
    _reorder(question_set, [*asked, question, *others], actor=actor)
    question.refresh_from_db()
    return question


@transaction.atomic
def question_set_publish(*, question_set: QuestionSet, actor: Any) -> QuestionSet:
    """Freeze a draft version so audits can use it."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    question_set = QuestionSet.objects.select_for_update().get(pk=question_set.pk)
    if question_set.is_published:
        raise ApplicationError("This version is already published.")
    if not question_set.questions.asked().exists():
        raise ApplicationError("Add at least one question before publishing.")
    question_set.published_at = timezone.now()
    question_set.published_by = actor
    _save(question_set, actor=actor)
    return question_set


def _copied_questions(question_set: QuestionSet, *, keep_keys: bool) -> list[dict[str, Any]]:
    """The asked questions of a version as specs for a copy (retired ones are left behind)."""
    return [
        {name: getattr(q, name) for name in (*QUESTION_FIELDS, *(("key",) if keep_keys else ()))}
        for q in question_set.questions.asked()
    ]


@transaction.atomic
def question_set_new_version(*, question_set: QuestionSet, actor: Any) -> QuestionSet:
    """A draft copy (next version number) of a question set, to edit and publish. Questions keep their keys."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    latest = QuestionSet.objects.filter(code=question_set.code).aggregate(v=Max("version"))["v"] or 0
    draft = QuestionSet.objects.filter(code=question_set.code, published_at__isnull=True).first()
    if draft is not None:
        raise ApplicationError(f"Version {draft.version} is already a draft: edit that one.")
    copy = QuestionSet(
        code=question_set.code,
        version=latest + 1,
        title=question_set.title,
        area=question_set.area,
        description=question_set.description,
        created_by=actor,
    )
    _save(copy, actor=actor)
    _replace_questions(copy, _copied_questions(question_set, keep_keys=True), actor=actor)
    return copy


@transaction.atomic
def question_set_copy(
    *, question_set: QuestionSet, actor: Any, code: str, title: str, area: str = "", description: str = ""
) -> QuestionSet:
    """Copy a version's questions into a new set (version 1, draft) under another code, e.g. a thematic
    audit built from a monthly set. The copy's questions are new questions (new keys)."""
    return question_set_create(
        actor=actor,
        code=code,
        title=title,
        area=area,
        description=description or question_set.description,
        questions=_copied_questions(question_set, keep_keys=False),
    )


# --- Annual plan -------------------------------------------------------------------------------


def _plan_for(financial_year: str, actor: Any) -> AuditPlan:
    parse_financial_year(financial_year)
    plan = AuditPlan.objects.select_for_update().filter(financial_year=financial_year).first()
    if plan is None:
        plan = AuditPlan(financial_year=financial_year, created_by=actor)
        _save(plan, actor=actor)
    return plan


@transaction.atomic
def plan_item_add(
    *,
    actor: Any,
    financial_year: str,
    kind: str,
    month: date,
    area: str = "",
    theme: str = "",
    sample_size: int = 10,
) -> PlannedAudit:
    """Put an audit in the plan of ``financial_year`` (the plan is made on its first item)."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    year = parse_financial_year(financial_year)
    month = month.replace(day=1)
    if not year.start <= month <= year.end:
        raise ApplicationError(
            f"{month:%B %Y} is not in the financial year {financial_year}.", {"month": ["Outside the year."]}
        )
    if kind not in (AuditKind.MONTHLY, AuditKind.JOINT_DIP) and not theme.strip():
        raise ApplicationError("A thematic audit or QATT needs a theme.", {"theme": ["Enter a theme."]})
    if not 1 <= sample_size <= MAX_SAMPLE_SIZE:
        raise ApplicationError(f"The sample size must be between 1 and {MAX_SAMPLE_SIZE}.")
    item = PlannedAudit(
        plan=_plan_for(financial_year, actor),
        kind=kind,
        area=area,
        theme=theme.strip(),
        month=month,
        sample_size=sample_size,
    )
    # An audit already planned for this slot carries out the new entry (planned before the plan was written).
    item.audit = (
        Audit.objects.filter(kind=kind, area=area, theme__iexact=item.theme, month=month, plan_item__isnull=True)
        .order_by("pk")
        .first()
    )
    _save(item, actor=actor)
    return item


@transaction.atomic
def plan_fill_monthly(*, actor: Any, financial_year: str, areas: Iterable[str], sample_size: int) -> list[PlannedAudit]:
    """A monthly audit of each area in every month of the year; months already planned are left as they are."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    year = parse_financial_year(financial_year)
    added = []
    for month in months_between(year.start, year.end):
        for area in areas:
            exists = PlannedAudit.objects.filter(kind=AuditKind.MONTHLY, area=area, theme="", month=month.start)
            if not exists.exists():
                added.append(
                    plan_item_add(
                        actor=actor,
                        financial_year=financial_year,
                        kind=AuditKind.MONTHLY,
                        area=area,
                        month=month.start,
                        sample_size=sample_size,
                    )
                )
    return added


@transaction.atomic
def plan_item_remove(*, item: PlannedAudit, actor: Any) -> None:
    """Take an audit out of the plan, while no audit carries it out yet (the history keeps it)."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    item = PlannedAudit.objects.select_for_update().get(pk=item.pk)
    if item.audit_id is not None:
        raise ApplicationError("This planned audit has started: it stays in the plan.")
    delete_with_actor(item, actor=actor)


def _matching_plan_item(audit: Audit) -> PlannedAudit | None:
    """The plan's unlinked entry for the audit's kind, area, theme and month, if there is one."""
    return (
        PlannedAudit.objects.select_for_update()
        .filter(kind=audit.kind, area=audit.area, month=audit.month, audit__isnull=True)
        .filter(theme__iexact=audit.theme)
        .first()
    )


# --- Audits ------------------------------------------------------------------------------------

DEFAULT_SAMPLE_SIZE = 10


def _default_sample_size(*, kind: str, area: str, theme: str, month: date) -> int:
    """The plan's sample size for this audit, else the area's sampling frame's, else the default."""
    planned = (
        PlannedAudit.objects.filter(kind=kind, area=area, month=month, theme__iexact=theme.strip())
        .values_list("sample_size", flat=True)
        .first()
    )
    if planned is not None:
        return planned
    frame = sampling.frame_for(area)
    return frame.sample_size if frame is not None else DEFAULT_SAMPLE_SIZE


@transaction.atomic
def audit_plan(
    *,
    actor: Any,
    kind: str,
    month: date,
    question_set: QuestionSet,
    area: str = "",
    theme: str = "",
    planned_sample_size: int | None = None,
) -> Audit:
    """Plan an audit led by ``actor`` (an audit lead), against a published question set. Without a
    ``planned_sample_size``: the annual plan's for this audit, else the area's sampling frame's, else 10."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    if not question_set.is_published:
        raise ApplicationError("Choose a published question set.", {"question_set": ["This version is a draft."]})
    if kind == AuditKind.MONTHLY and Audit.objects.filter(kind=kind, area=area, month=month).exists():
        raise ApplicationError(
            "There is already a monthly audit for this area and month.", {"month": ["Already planned."]}
        )
    if planned_sample_size is None:
        planned_sample_size = _default_sample_size(kind=kind, area=area, theme=theme, month=month.replace(day=1))
    if not 1 <= planned_sample_size <= MAX_SAMPLE_SIZE:
        raise ApplicationError(f"The sample size must be between 1 and {MAX_SAMPLE_SIZE}.")
    audit = Audit(
        kind=kind,
        area=area,
        theme=theme.strip(),
        month=month.replace(day=1),
        question_set=question_set,
        lead_auditor=actor,
        planned_sample_size=planned_sample_size,
    )
    _save(audit, actor=actor)
    # The audit carries out its entry in the annual plan, when there is one.
    item = _matching_plan_item(audit)
    if item is not None:
        item.audit = audit
        save_with_actor(item, actor=actor, update_fields=["audit"])
    return audit


@transaction.atomic
def audit_update(
    *,
    audit: Audit,
    actor: Any,
    theme: str | None = None,
    planned_sample_size: int | None = None,
    expected_version: str | None = None,
) -> Audit:
    """Change the theme or planned sample size of an audit that is not yet submitted; refused
    (``StaleEdit``) when the audit changed since ``expected_version`` was read."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    require_version(audit, expected_version, noun="audit")
    _require_manager(audit, actor)
    _require_editable(audit)
    if theme is not None:
        audit.theme = theme.strip()
    if planned_sample_size is not None:
        if not 1 <= planned_sample_size <= MAX_SAMPLE_SIZE:
            raise ApplicationError(f"The sample size must be between 1 and {MAX_SAMPLE_SIZE}.")
        audit.planned_sample_size = planned_sample_size
    _save(audit, actor=actor)
    return audit


def _next_position(audit: Audit) -> int:
    return (audit.reviews.aggregate(p=Max("position"))["p"] or 0) + 1


def _start(audit: Audit, *, actor: Any) -> None:
    if audit.status == AuditStatus.PLANNED:
        audit.status = AuditStatus.IN_PROGRESS
        save_with_actor(audit, actor=actor, update_fields=["status", "updated_at"])


@transaction.atomic
def audit_draw_sample(
    *,
    audit: Audit,
    actor: Any,
    size: int,
    window_start: date,
    window_end: date,
    seed: int | None = None,
    stratify_by: str = "",
) -> list[CaseReview]:
    """Draw a random sample of ``size`` from the area's sampling frame in the window: investigations
    recorded in it, or the area's pseudonymous subjects (managed offenders, missing episodes) starting in it.

    ``stratify_by`` (outcome group, team, LPA, or risk for subjects) shares the sample between the
    groups in proportion to their size. The draw replaces earlier random picks that have no answers
    yet (picked and answered cases stay). The seed and stratum are stored: the same seed, stratum,
    window and register give the same sample.
    """
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_manager(audit, actor)
    _require_editable(audit)
    if not 1 <= size <= MAX_SAMPLE_SIZE:
        raise ApplicationError(f"The sample size must be between 1 and {MAX_SAMPLE_SIZE}.", {"size": ["Out of range."]})
    if window_end < window_start:
        raise ApplicationError("The window must end on or after its start.", {"window_end": ["Before the start."]})
    if seed is None:
        seed = secrets.randbits(31)
    if not 0 <= seed < 2**63:
        raise ApplicationError("The seed must be a whole number from 0.", {"seed": ["Out of range."]})
    frame = sampling.frame_for(audit.area)
    kind = sampling.subject_kind_for(audit.area, frame)
    if stratify_by and stratify_by not in sampling.allowed_strata(kind):
        allowed = ", ".join(Stratum(s).label.lower() for s in sampling.allowed_strata(kind))
        raise ApplicationError(
            f"This area's sample can be stratified by {allowed}.", {"stratify_by": ["Not for this area."]}
        )

    drawn = (SampleMethod.RANDOM, SampleMethod.STRATIFIED)
    for unanswered in audit.reviews.filter(method__in=drawn, answers__isnull=True):
        delete_with_actor(unanswered, actor=actor)  # one by one, so each deletion records its actor
    if kind == SubjectKind.INVESTIGATIONS:
        kept = audit.reviews.filter(investigation__isnull=False).values_list("investigation_id", flat=True)
        candidates = sampling.investigation_candidates(
            area=audit.area,
            frame=frame,
            window_start=window_start,
            window_end=window_end,
            exclude=kept,
            stratify_by=stratify_by,
        )
        empty = "No investigations of this area's sampling frame were recorded in that window: widen the window."
    else:
        kept = audit.reviews.filter(subject__isnull=False).values_list("subject_id", flat=True)
        candidates = sampling.subject_candidates(
            kind=kind, window_start=window_start, window_end=window_end, exclude=kept, stratify_by=stratify_by
        )
        empty = f"No {SubjectKind(kind).label.split(' (')[0].lower()} of this area start in that window: widen it."
    if not candidates:
        raise ApplicationError(empty)
    chosen = sampling.draw(candidates, size=size, seed=seed, stratified=bool(stratify_by))

    audit.sample_seed = seed
    audit.sample_window_start = window_start
    audit.sample_window_end = window_end
    audit.sample_strata = stratify_by
    audit.planned_sample_size = size
    _save(audit, actor=actor)
    _renumber(audit, actor=actor)
    start = _next_position(audit)
    method = SampleMethod.STRATIFIED if stratify_by else SampleMethod.RANDOM
    link = "investigation_id" if kind == SubjectKind.INVESTIGATIONS else "subject_id"
    rows = [CaseReview(audit=audit, position=start + i, method=method, **{link: pk}) for i, pk in enumerate(chosen)]
    reviews = bulk_create_with_history(rows, CaseReview, default_user=actor)
    _start(audit, actor=actor)
    return reviews


@transaction.atomic
def audit_draw_dip_sample(
    *,
    audit: Audit,
    actor: Any,
    sizes: Mapping[str, int],
    window_start: date,
    window_end: date,
    seed: int | None = None,
) -> list[CaseReview]:
    """Draw a joint police/CPS dip sample: ``sizes[frame]`` cases at random from each of the three frames
    (``audits.joint``) in the window, frames in their fixed order, one seed for all (stored, so the same
    seed, window and register give the same sample). Earlier random picks with no answers are replaced."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_manager(audit, actor)
    _require_editable(audit)
    if audit.kind != AuditKind.JOINT_DIP:
        raise ApplicationError("Only a joint police/CPS dip sample draws from the dip-sample frames.")
    unknown = set(sizes) - set(DipFrame.values)
    if unknown:
        raise ApplicationError(f"Unknown frames: {', '.join(sorted(unknown))}.")
    total = sum(sizes.values())
    if any(n < 0 for n in sizes.values()) or not 1 <= total <= MAX_SAMPLE_SIZE:
        raise ApplicationError(
            f"Ask for between 1 and {MAX_SAMPLE_SIZE} cases in all, none negative.", {"sizes": ["Out of range."]}
        )
    if window_end < window_start:
        raise ApplicationError("The window must end on or after its start.", {"window_end": ["Before the start."]})
    if seed is None:
        seed = secrets.randbits(31)
    if not 0 <= seed < 2**63:
        raise ApplicationError("The seed must be a whole number from 0.", {"seed": ["Out of range."]})

    for unanswered in audit.reviews.filter(method=SampleMethod.RANDOM, answers__isnull=True):
        delete_with_actor(unanswered, actor=actor)
    taken = set(audit.reviews.filter(investigation__isnull=False).values_list("investigation_id", flat=True))
    picks: list[tuple[str, int, int | None]] = []  # (frame, investigation id, referral id)
    for index, frame in enumerate(DipFrame):
        wanted = sizes.get(frame.value, 0)
        if not wanted:
            continue
        if frame == DipFrame.UNREFERRED:
            candidates = joint.unreferred_candidates(
                area=audit.area, window_start=window_start, window_end=window_end, exclude=taken
            )
            chosen = sampling.draw(candidates, size=wanted, seed=seed + index, stratified=False)
            picks += [(frame.value, pk, None) for pk in sorted(chosen)]
            taken.update(chosen)
        else:
            pairs = joint.referral_candidates(
                frame=frame, area=audit.area, window_start=window_start, window_end=window_end, exclude=taken
            )
            by_referral = {candidate.pk: investigation for candidate, investigation in pairs}
            # One referral per investigation: the first (lowest id) of its referrals in the frame.
            first: dict[int, int] = {}
            for referral_id, investigation_id in by_referral.items():
                first.setdefault(investigation_id, referral_id)
            candidates = [sampling.Candidate(pk, "") for pk in sorted(first.values())]
            chosen = sampling.draw(candidates, size=wanted, seed=seed + index, stratified=False)
            picks += [(frame.value, by_referral[pk], pk) for pk in sorted(chosen)]
            taken.update(by_referral[pk] for pk in chosen)
    if not picks:
        raise ApplicationError("None of the three frames holds a case in that window: widen the window.")

    audit.sample_seed = seed
    audit.sample_window_start = window_start
    audit.sample_window_end = window_end
    audit.sample_strata = ""
    audit.planned_sample_size = total
    _save(audit, actor=actor)
    _renumber(audit, actor=actor)
    start = _next_position(audit)
    rows = [
        CaseReview(
            audit=audit,
            position=start + i,
            method=SampleMethod.RANDOM,
            dip_frame=frame,
            investigation_id=investigation_id,
            referral_id=referral_id,
        )
        for i, (frame, investigation_id, referral_id) in enumerate(picks)
    ]
    reviews = bulk_create_with_history(rows, CaseReview, default_user=actor)
    _start(audit, actor=actor)
    return reviews


def _renumber(audit: Audit, *, actor: Any) -> None:
    """Close gaps in positions after cases left the sample (keeps ``Case N`` labels tidy)."""
    reviews = list(audit.reviews.order_by("position"))
    changed = []
    for index, review in enumerate(reviews, start=1):
        if review.position != index:
            review.position = index
            changed.append(review)
    if changed:
        # Two passes avoid clashing with the unique (audit, position) constraint.
        for review in changed:
            review.position += 100_000
        CaseReview.objects.bulk_update(changed, ["position"])
        for review in changed:
            review.position -= 100_000
        bulk_update_with_history(changed, CaseReview, ["position"], default_user=actor)


@transaction.atomic
def audit_add_cases(*, audit: Audit, actor: Any, crime_references: Iterable[str]) -> list[CaseReview]:
    """Add named cases to the sample: crime references, or the subjects' references for an area that
    samples managed offenders or missing episodes. Any unknown or repeated reference → nothing added."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_manager(audit, actor)
    _require_editable(audit)
    refs = [r.strip() for r in crime_references if r and r.strip()]
    if not refs:
        raise ApplicationError("Enter at least one reference.", {"crime_references": ["Empty."]})
    kind = sampling.subject_kind_for(audit.area, sampling.frame_for(audit.area))
    found: dict[str, Any]
    if kind == SubjectKind.INVESTIGATIONS:
        found = {inv.crime_reference: inv for inv in Investigation.objects.filter(crime_reference__in=refs)}
        in_sample = set(
            audit.reviews.filter(investigation__crime_reference__in=refs).values_list(
                "investigation__crime_reference", flat=True
            )
        )
        unknown, link = "no investigation has this crime reference.", "investigation"
    else:
        found = {s.reference: s for s in AuditSubject.objects.filter(kind=kind, reference__in=refs)}
        in_sample = set(audit.reviews.filter(subject__reference__in=refs).values_list("subject__reference", flat=True))
        unknown, link = f"not a known {SubjectKind(kind).label.split(' (')[0].lower()[:-1]} reference.", "subject"
    errors = []
    seen: set[str] = set()
    for ref in refs:
        if ref not in found:
            errors.append(f"{ref}: {unknown}")
        elif ref in in_sample or ref in seen:
            errors.append(f"{ref}: already in the sample.")
        seen.add(ref)
    if errors:
        raise ApplicationError(errors[0], {"crime_references": errors})
    start = _next_position(audit)
    rows = [
        CaseReview(audit=audit, position=start + i, method=SampleMethod.PICKED, **{link: found[ref]})
        for i, ref in enumerate(refs)
    ]
    reviews = bulk_create_with_history(rows, CaseReview, default_user=actor)
    _start(audit, actor=actor)
    return reviews


@transaction.atomic
def audit_remove_case(*, review: CaseReview, actor: Any) -> None:
    """Take an unanswered case out of the sample."""
    audit = Audit.objects.select_for_update().get(pk=review.audit_id)
    _require_manager(audit, actor)
    _require_editable(audit)
    if review.answers.exists():
        raise ApplicationError("This case has answers: it cannot leave the sample.")
    delete_with_actor(review, actor=actor)
    _renumber(audit, actor=actor)


@transaction.atomic
def review_record_answers(*, review: CaseReview, actor: Any, answers: Mapping[int, tuple[str, str]]) -> CaseReview:
    """Record answers ``{question_id: (value, comment)}`` for one case; unanswered questions are left as they are."""
    audit = Audit.objects.select_for_update().get(pk=review.audit_id)
    _require_manager(audit, actor)
    _require_editable(audit)
    questions = {q.pk: q for q in audit.question_set.questions.asked()}
    errors: dict[str, list[str]] = {}
    for question_id, (value, _comment) in answers.items():
        if question_id not in questions:
            errors.setdefault("answers", []).append(f"Question {question_id} is not in this audit's question set.")
        elif value not in AnswerValue.values:
            errors[f"q{question_id}"] = [f"Question {questions[question_id].order}: choose an answer."]
        elif value not in questions[question_id].allowed_values:
            order, label = questions[question_id].order, AnswerValue(value).label
            errors[f"q{question_id}"] = [f"Question {order}: '{label}' is not an answer to this question."]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors)

    now = timezone.now()
    existing = {a.question_id: a for a in review.answers.all()}
    to_create, to_update = [], []
    for question_id, (value, comment) in answers.items():
        comment = (comment or "").strip()
        answer = existing.get(question_id)
        if answer is None:
            to_create.append(
                Answer(
                    review=review,
                    question_id=question_id,
                    value=value,
                    comment=comment,
                    answered_by=actor,
                    answered_at=now,
                )
            )
        elif answer.value != value or answer.comment != comment:
            answer.value, answer.comment, answer.answered_by, answer.answered_at = value, comment, actor, now
            to_update.append(answer)
    if to_create:
        bulk_create_with_history(to_create, Answer, default_user=actor)
    if to_update:
        bulk_update_with_history(
            to_update, Answer, ["value", "comment", "answered_by", "answered_at"], default_user=actor
        )
    answered = len(existing.keys() | answers.keys())
    if answered >= len(questions) and review.reviewed_at is None:
        review.reviewed_at, review.reviewed_by = now, actor
        save_with_actor(review, actor=actor, update_fields=["reviewed_at", "reviewed_by"])
    _start(audit, actor=actor)
    return review


@transaction.atomic
def audit_set_assurance(*, audit: Audit, actor: Any, override: str, reason: str) -> Audit:
    """Override the suggested assurance level with a written reason (``override=""`` clears it)."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_manager(audit, actor)
    if audit.is_locked:
        raise ApplicationError("This audit is signed off and locked.")
    reason = (reason or "").strip()
    if override and override not in AssuranceLevel.values:
        raise ApplicationError("Choose an assurance level.", {"assurance_override": ["Unknown level."]})
    if override and not reason:
        raise ApplicationError(
            "Give a reason for overriding the suggested assurance level.",
            {"assurance_override_reason": ["Enter a reason."]},
        )
    audit.assurance_override = override
    audit.assurance_override_reason = reason if override else ""
    _save(audit, actor=actor)
    return audit


@transaction.atomic
def audit_submit(*, audit: Audit, actor: Any) -> Audit:
    """The lead auditor submits a complete audit (every sampled case answered) for sign-off."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_manager(audit, actor)
    if audit.status != AuditStatus.IN_PROGRESS:
        raise ApplicationError(
            f"Only an audit in progress can be submitted (this one is {audit.get_status_display().lower()})."
        )
    reviews = audit.reviews.count()
    if not reviews:
        raise ApplicationError("Draw a sample and review it before submitting.")
    unfinished = audit.reviews.filter(reviewed_at__isnull=True).count()
    if unfinished:
        raise ApplicationError(f"{unfinished} of {reviews} sampled cases are not fully answered yet.")
    audit.status = AuditStatus.SUBMITTED
    audit.submitted_at, audit.submitted_by = timezone.now(), actor
    _save(audit, actor=actor)
    return audit


@transaction.atomic
def audit_reopen(*, audit: Audit, actor: Any) -> Audit:
    """Send a submitted audit back to in progress (before sign-off) to correct it."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_manager(audit, actor)
    if audit.status != AuditStatus.SUBMITTED:
        raise ApplicationError("Only a submitted audit can be reopened.")
    audit.status = AuditStatus.IN_PROGRESS
    _save(audit, actor=actor)
    return audit


def _require_independent(audit: Audit, actor: Any) -> None:
    require_capability(actor, Cap.AUDITS_MANAGE)
    if audit.lead_auditor_id == actor.pk:
        raise PermissionDenied("You led this audit: another audit lead must sign it off or return it.")
    if not rules.can_sign_off(actor, audit):
        raise PermissionDenied("You submitted this audit: another audit lead must sign it off or return it.")


@transaction.atomic
def audit_sign_off(*, audit: Audit, actor: Any) -> Audit:
    """An audit lead independent of the audit signs off a submitted audit: its assurance level is
    fixed and the audit is locked. The lead auditor (or whoever submitted it) is refused."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_independent(audit, actor)
    if audit.status != AuditStatus.SUBMITTED:
        raise ApplicationError("Only a submitted audit can be signed off.")
    level = effective_assurance(audit, audit_compliance(audit_id=audit.pk)["compliance_rate"])
    if not level:
        raise ApplicationError("Every answer is 'not applicable': set the assurance level with a reason first.")
    audit.assurance_level = level
    audit.status = AuditStatus.SIGNED_OFF
    audit.signed_off_at, audit.signed_off_by = timezone.now(), actor
    _save(audit, actor=actor)
    return audit


@transaction.atomic
def audit_return_for_rework(*, audit: Audit, actor: Any, reason: str) -> Audit:
    """An independent audit lead sends a submitted audit back to its lead auditor, saying why.
    The audit is in progress again; the reason stays on it (and every earlier one in its history)."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_independent(audit, actor)
    if audit.status != AuditStatus.SUBMITTED:
        raise ApplicationError("Only a submitted audit can be returned for rework.")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Say why the audit is returned for rework.", {"reason": ["Enter a reason."]})
    audit.status = AuditStatus.IN_PROGRESS
    audit.returned_at, audit.returned_by, audit.return_reason = timezone.now(), actor, reason
    _save(audit, actor=actor)
    return audit


# --- Re-audit ----------------------------------------------------------------------------------


@transaction.atomic
def audit_schedule_reaudit(*, audit: Audit, actor: Any, month: date, review_ids: Iterable[int] | None = None) -> Audit:
    """Schedule a re-audit of a submitted or signed-off audit, led by ``actor``, with the same question
    set version (so the compliance compares like with like).

    ``review_ids`` None → the failed cases (any answer partial or not compliant) are sampled again;
    a list → those cases; an empty list → the area is re-audited with a fresh sample drawn later.
    """
    require_capability(actor, Cap.AUDITS_MANAGE)
    original = Audit.objects.select_for_update().get(pk=audit.pk)
    if original.status not in (AuditStatus.SUBMITTED, AuditStatus.SIGNED_OFF):
        raise ApplicationError("Only a submitted or signed-off audit can be re-audited.")
    reviews = original.reviews.select_related("investigation", "subject").order_by("position")
    if review_ids is None:
        failed = Q(answers__value__in=(AnswerValue.PARTIAL, AnswerValue.NON_COMPLIANT))
        chosen = list(reviews.filter(failed).distinct())
        if not chosen:
            raise ApplicationError("No case of this audit failed a question: re-audit the area instead.")
    else:
        ids = list(review_ids)
        chosen = list(reviews.filter(pk__in=ids))
        if len(chosen) != len(set(ids)):
            raise ApplicationError("Choose cases of this audit's sample.", {"review_ids": ["Not in the sample."]})
    reaudit = Audit(
        kind=AuditKind.REAUDIT,
        area=original.area,
        theme=original.theme or ("" if original.area else "Re-audit"),
        month=month.replace(day=1),
        question_set=original.question_set,
        lead_auditor=actor,
        planned_sample_size=max(1, len(chosen) or original.planned_sample_size),
        reaudit_of=original,
    )
    _save(reaudit, actor=actor)
    if chosen:
        rows = [
            CaseReview(
                audit=reaudit,
                position=i,
                method=SampleMethod.PICKED,
                investigation_id=review.investigation_id,
                subject_id=review.subject_id,
            )
            for i, review in enumerate(chosen, start=1)
        ]
        bulk_create_with_history(rows, CaseReview, default_user=actor)
        _start(reaudit, actor=actor)
    return reaudit


# --- Learning and actions ----------------------------------------------------------------------


@transaction.atomic
def learning_point_create(
    *,
    audit: Audit,
    actor: Any,
    kind: str,
    theme: str,
    text: str,
    severity: str = "",
    review: CaseReview | None = None,
) -> LearningPoint:
    """Record good practice or a finding (an area for improvement, graded low to critical) from the audit."""
    _require_manager(audit, actor)
    if audit.is_locked:
        raise ApplicationError("This audit is signed off and locked.")
    if review is not None and review.audit_id != audit.pk:
        raise ApplicationError("That case is not in this audit's sample.")
    if kind not in LearningKind.values or theme not in LearningTheme.values:
        raise ApplicationError("Choose a kind and a theme.")
    if kind == LearningKind.IMPROVEMENT and severity not in FindingSeverity.values:
        raise ApplicationError(
            "Choose the severity of the finding (low, medium, high or critical).", {"severity": ["Choose one."]}
        )
    if kind == LearningKind.GOOD_PRACTICE and severity:
        raise ApplicationError("Good practice has no severity.", {"severity": ["Leave it empty for good practice."]})
    point = LearningPoint(
        audit=audit,
        review=review,
        kind=kind,
        theme=theme,
        severity=severity,
        text=(text or "").strip(),
        created_by=actor,
    )
    _save(point, actor=actor)
    return point


@transaction.atomic
def action_raise(
    *,
    audit: Audit,
    actor: Any,
    title: str,
    owner: Any,
    due_date: date,
    description: str = "",
    learning_point: LearningPoint | None = None,
    today: date | None = None,
) -> Action:
    """Raise a remedial action on an audit (also after sign-off: actions keep progressing)."""
    _require_manager(audit, actor)
    today = today or timezone.localdate()
    if due_date < today:
        raise ApplicationError("The due date cannot be in the past.", {"due_date": ["In the past."]})
    if learning_point is not None and learning_point.audit_id != audit.pk:
        raise ApplicationError("That learning point belongs to another audit.")
    if owner is None or not owner.is_active:
        raise ApplicationError("Choose an active owner.", {"owner": ["Inactive or missing."]})
    action = Action(
        audit=audit,
        learning_point=learning_point,
        title=(title or "").strip(),
        description=(description or "").strip(),
        owner=owner,
        due_date=due_date,
        raised_by=actor,
    )
    _save(action, actor=actor)
    return action


@transaction.atomic
def action_edit(*, action: Action, actor: Any, title: str, owner: Any, due_date: date, description: str = "") -> Action:
    """The lead auditor changes an action's title, owner or due date (not once verified)."""
    action = Action.objects.select_for_update().select_related("audit").get(pk=action.pk)
    if not rules.can_edit_action(actor, action):
        raise PermissionDenied("Only the audit's lead auditor may change this action.")
    if action.status == ActionStatus.VERIFIED:
        raise ApplicationError("A verified action cannot change.")
    action.title, action.description, action.owner, action.due_date = (
        title.strip(),
        description.strip(),
        owner,
        due_date,
    )
    _save(action, actor=actor)
    return action


@transaction.atomic
def action_update_progress(*, action: Action, actor: Any, note: str, status: str | None = None) -> Action:
    """The owner records progress and may move the action to in progress or completed."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if not rules.can_update_action(actor, action):
        raise PermissionDenied("Only the action's owner may update its progress.")
    note = (note or "").strip()
    status = status or action.status
    if status not in rules.OWNER_MOVES[ActionStatus(action.status)]:
        if action.status == ActionStatus.VERIFIED:
            raise ApplicationError("This action is verified and closed.")
        raise ApplicationError(
            f"An action that is {action.get_status_display().lower()} cannot move to "
            f"{ActionStatus(status).label.lower() if status in ActionStatus.values else status}.",
            {"status": ["Not allowed."]},
        )
    if not note and status == action.status:
        raise ApplicationError("Write a progress note or change the status.", {"note": ["Enter a note."]})
    if status == ActionStatus.COMPLETED and not note:
        raise ApplicationError("Say what was done when marking the action completed.", {"note": ["Enter a note."]})
    changed = status != action.status
    if changed:
        action.status = status
        action.completed_at = timezone.now() if status == ActionStatus.COMPLETED else None
        _save(action, actor=actor)
    save_with_actor(
        ActionNote(action=action, author=actor, text=note, status_to=status if changed else ""), actor=actor
    )
    return action


@transaction.atomic
def action_verify(*, action: Action, actor: Any, note: str = "") -> Action:
    """An audit lead who is not the owner confirms a completed action."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    require_capability(actor, Cap.ACTIONS_VERIFY)
    if not rules.can_verify_action(actor, action):
        raise PermissionDenied("An action cannot be verified by its owner: another audit lead must verify it.")
    if action.status != ActionStatus.COMPLETED:
        raise ApplicationError("Only a completed action can be verified.")
    action.status = ActionStatus.VERIFIED
    action.verified_at, action.verified_by = timezone.now(), actor
    _save(action, actor=actor)
    save_with_actor(
        ActionNote(
            action=action, author=actor, text=(note or "").strip() or "Verified.", status_to=ActionStatus.VERIFIED
        ),
        actor=actor,
    )
    return action


@transaction.atomic
def action_return(*, action: Action, actor: Any, note: str) -> Action:
    """An audit lead (not the owner) sends a completed action back to the owner with a reason."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    require_capability(actor, Cap.ACTIONS_VERIFY)
    if not rules.can_verify_action(actor, action):
        raise PermissionDenied("The owner cannot review their own action.")
    if action.status != ActionStatus.COMPLETED:
        raise ApplicationError("Only a completed action can be sent back.")
    note = (note or "").strip()
    if not note:
        raise ApplicationError("Say why the action is not complete.", {"note": ["Enter a reason."]})
    action.status = ActionStatus.IN_PROGRESS
    action.completed_at = None
    _save(action, actor=actor)
    save_with_actor(ActionNote(action=action, author=actor, text=note, status_to=ActionStatus.IN_PROGRESS), actor=actor)
    return action


# --- Evidence ------------------------------------------------------------------------------------


@transaction.atomic
def evidence_attach(
    *, target: rules.EvidenceTarget, actor: Any, upload: Any, description: str = ""
) -> EvidenceAttachment:
    """Attach an uploaded file to a case review, a finding or an action: checked for size, type and
    content (``audits.evidence.check_upload``), stored under a random name through the default storage.
    If the record cannot be saved, the stored file is removed again."""
    require_capability(actor, Cap.AUDITS_VIEW)
    if not rules.can_attach_evidence(actor, target):
        raise PermissionDenied(
            "Only the audit's lead auditor (or an action's owner) may attach evidence, and not once it is locked."
        )
    checked = evidence.check_upload(upload)
    attachment = EvidenceAttachment(
        audit=target.audit,
        review=target if isinstance(target, CaseReview) else None,
        learning_point=target if isinstance(target, LearningPoint) else None,
        action=target if isinstance(target, Action) else None,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        description=(description or "").strip()[:200],
        uploaded_by=actor,
    )
    attachment.file.save(checked.name, upload, save=False)
    stored = attachment.file.name or ""
    try:
        _save(attachment, actor=actor)
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    return attachment
