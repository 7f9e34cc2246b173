"""Writes of the audits app. Every service takes the acting user, checks the rules, records the actor
as the history user (also without a request: seeds, tasks, the shell) and runs in one transaction."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cases.models import Investigation
from oversight.concurrency import require_version
from oversight.errors import ApplicationError, clean_or_raise
from oversight.history import delete_with_actor, save_with_actor
from oversight.roles import Cap, require_capability

from . import rules
from .choices import (
    ActionStatus,
    AnswerValue,
    AssuranceLevel,
    AuditKind,
    AuditStatus,
    LearningKind,
    LearningTheme,
    SampleMethod,
    strands_for_area,
)
from .models import Action, ActionNote, Answer, Audit, CaseReview, LearningPoint, Question, QuestionSet
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


@transaction.atomic
def question_set_create(
    *,
    actor: Any,
    code: str,
    title: str,
    area: str = "",
    description: str = "",
    questions: Iterable[str | tuple[str, str]] = (),
) -> QuestionSet:
    """Create version 1 of a question set as a draft, with its questions in the order given."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    if QuestionSet.objects.filter(code=code).exists():
        raise ApplicationError(f"A question set with the code '{code}' exists: make a new version of it instead.")
    qs = QuestionSet(code=code, title=title, area=area, description=description, version=1, created_by=actor)
    _save(qs, actor=actor)
    _replace_questions(qs, questions, actor=actor)
    return qs


def _replace_questions(question_set: QuestionSet, questions: Iterable[str | tuple[str, str]], *, actor: Any) -> None:
    rows = []
    for order, item in enumerate(questions, start=1):
        text, guidance = (item, "") if isinstance(item, str) else item
        text = (text or "").strip()
        if not text:
            raise ApplicationError(f"Question {order} has no text.", {"questions": [f"Question {order} is empty."]})
        rows.append(Question(question_set=question_set, order=order, text=text[:300], guidance=guidance or ""))
    for question in question_set.questions.all():  # one by one, so each deletion records its actor
        delete_with_actor(question, actor=actor)
    if rows:
        bulk_create_with_history(rows, Question, default_user=actor)


@transaction.atomic
def question_set_update_questions(
    *, question_set: QuestionSet, actor: Any, questions: Iterable[str | tuple[str, str]], title: str | None = None
) -> QuestionSet:
    """Replace the questions of a draft version. A published version is frozen."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    question_set = QuestionSet.objects.select_for_update().get(pk=question_set.pk)
    if question_set.is_published:
        raise ApplicationError("A published question set is frozen: make a new version to change it.")
    if title is not None:
        question_set.title = title
        _save(question_set, actor=actor)
    _replace_questions(question_set, questions, actor=actor)
    return question_set


@transaction.atomic
def question_set_publish(*, question_set: QuestionSet, actor: Any) -> QuestionSet:
    """Freeze a draft version so audits can use it."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    question_set = QuestionSet.objects.select_for_update().get(pk=question_set.pk)
    if question_set.is_published:
        raise ApplicationError("This version is already published.")
    if not question_set.questions.exists():
        raise ApplicationError("Add at least one question before publishing.")
    question_set.published_at = timezone.now()
    question_set.published_by = actor
    _save(question_set, actor=actor)
    return question_set


@transaction.atomic
def question_set_new_version(*, question_set: QuestionSet, actor: Any) -> QuestionSet:
    """A draft copy (next version number) of a question set, to edit and publish."""
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
    _replace_questions(copy, [(q.text, q.guidance) for q in question_set.questions.order_by("order")], actor=actor)
    return copy


# --- Audits ------------------------------------------------------------------------------------


@transaction.atomic
def audit_plan(
    *,
    actor: Any,
    kind: str,
    month: date,
    question_set: QuestionSet,
    area: str = "",
    theme: str = "",
    planned_sample_size: int = 10,
) -> Audit:
    """Plan an audit led by ``actor`` (an audit lead), against a published question set."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    if not question_set.is_published:
        raise ApplicationError("Choose a published question set.", {"question_set": ["This version is a draft."]})
    if kind == AuditKind.MONTHLY and Audit.objects.filter(kind=kind, area=area, month=month).exists():
        raise ApplicationError(
            "There is already a monthly audit for this area and month.", {"month": ["Already planned."]}
        )
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
) -> list[CaseReview]:
    """Draw a random sample of ``size`` investigations of the audit's strands recorded in the window.

    The draw replaces earlier random picks that have no answers yet (cases picked by
    reference and answered cases stay). The seed is stored: the same seed, window
    and register give the same sample.
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

    for unanswered in audit.reviews.filter(method=SampleMethod.RANDOM, answers__isnull=True):
        delete_with_actor(unanswered, actor=actor)  # one by one, so each deletion records its actor
    kept = set(audit.reviews.values_list("investigation_id", flat=True))
    candidates = list(
        Investigation.objects.filter(
            strand__in=strands_for_area(audit.area), recorded_date__range=(window_start, window_end)
        )
        .exclude(pk__in=kept)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not candidates:
        raise ApplicationError("No investigations of this area were recorded in that window: widen the window.")
    chosen = random.Random(seed).sample(candidates, min(size, len(candidates)))

    audit.sample_seed = seed
    audit.sample_window_start = window_start
    audit.sample_window_end = window_end
    audit.planned_sample_size = size
    _save(audit, actor=actor)
    _renumber(audit, actor=actor)
    start = _next_position(audit)
    rows = [
        CaseReview(audit=audit, investigation_id=pk, position=start + i, method=SampleMethod.RANDOM)
        for i, pk in enumerate(chosen)
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
    """Add investigations to the sample by crime reference. Any unknown or repeated reference → nothing added."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_manager(audit, actor)
    _require_editable(audit)
    refs = [r.strip() for r in crime_references if r and r.strip()]
    if not refs:
        raise ApplicationError("Enter at least one crime reference.", {"crime_references": ["Empty."]})
    found = {inv.crime_reference: inv for inv in Investigation.objects.filter(crime_reference__in=refs)}
    in_sample = set(
        audit.reviews.filter(investigation__crime_reference__in=refs).values_list(
            "investigation__crime_reference", flat=True
        )
    )
    errors = []
    seen: set[str] = set()
    for ref in refs:
        if ref not in found:
            errors.append(f"{ref}: no investigation has this crime reference.")
        elif ref in in_sample or ref in seen:
            errors.append(f"{ref}: already in the sample.")
        seen.add(ref)
    if errors:
        raise ApplicationError(errors[0], {"crime_references": errors})
    start = _next_position(audit)
    rows = [
        CaseReview(audit=audit, investigation=found[ref], position=start + i, method=SampleMethod.PICKED)
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
    questions = {q.pk: q for q in audit.question_set.questions.all()}
    errors: dict[str, list[str]] = {}
    for question_id, (value, _comment) in answers.items():
        if question_id not in questions:
            errors.setdefault("answers", []).append(f"Question {question_id} is not in this audit's question set.")
        elif value not in AnswerValue.values:
            errors[f"q{question_id}"] = [f"Question {questions[question_id].order}: choose an answer."]
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


@transaction.atomic
def audit_sign_off(*, audit: Audit, actor: Any) -> Audit:
    """An audit lead signs off a submitted audit: its assurance level is fixed and the audit is locked."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if not rules.can_sign_off(actor, audit):
        raise PermissionDenied("Only an audit lead may sign off an audit.")
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


# --- Learning and actions ----------------------------------------------------------------------


@transaction.atomic
def learning_point_create(
    *, audit: Audit, actor: Any, kind: str, theme: str, text: str, review: CaseReview | None = None
) -> LearningPoint:
    """Record good practice or an area for improvement found by the audit."""
    _require_manager(audit, actor)
    if audit.is_locked:
        raise ApplicationError("This audit is signed off and locked.")
    if review is not None and review.audit_id != audit.pk:
        raise ApplicationError("That case is not in this audit's sample.")
    point = LearningPoint(
        audit=audit, review=review, kind=kind, theme=theme, text=(text or "").strip(), created_by=actor
    )
    if kind not in LearningKind.values or theme not in LearningTheme.values:
        raise ApplicationError("Choose a kind and a theme.")
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
