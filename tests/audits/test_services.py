"""Audit journey rules: planning, sampling, answering, submission, sign-off and locking."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypedDict

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audits import services
from audits.choices import AuditStatus, SampleMethod
from audits.models import Answer, Audit, CaseReview
from oversight.errors import ApplicationError
from oversight.roles import Role
from tests.cases.factories import InvestigationFactory

from .factories import AuditFactory, CaseReviewFactory, QuestionSetFactory

pytestmark = pytest.mark.django_db


class _Window(TypedDict):
    window_start: date
    window_end: date


WINDOW: _Window = {"window_start": date(2025, 1, 1), "window_end": date(2025, 12, 31)}


def _register(n: int = 30, strand: str = "rasso", day: date = date(2025, 5, 1)) -> list[Any]:
    return [InvestigationFactory(audit_sample=True, strand=strand, recorded_date=day) for _ in range(n)]


def _refs(audit: Audit) -> list[str]:
    return list(audit.reviews.order_by("position").values_list("investigation__crime_reference", flat=True))


def _answer_everything(audit: Audit, lead: Any, value: str = "compliant") -> None:
    questions = list(audit.question_set.questions.all())
    for review in audit.reviews.all():
        services.review_record_answers(review=review, actor=lead, answers={q.pk: (value, "") for q in questions})


# --- Planning -------------------------------------------------------------------------------------


def test_an_audit_lead_plans_an_audit_they_lead(lead: Any) -> None:
    audit = services.audit_plan(
        actor=lead, kind="monthly", area="rasso", month=date(2025, 11, 1), question_set=QuestionSetFactory()
    )
    assert audit.lead_auditor == lead
    assert audit.status == AuditStatus.PLANNED
    assert audit.history.count() == 1


@pytest.mark.parametrize("role", [Role.CASE_EDITOR, Role.BOARD_CHAIR, Role.OPCC_SCRUTINY, Role.ADMINISTRATOR])
def test_other_roles_cannot_plan_audits(role: Role, make_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.audit_plan(
            actor=make_user(role),
            kind="monthly",
            area="rasso",
            month=date(2025, 11, 1),
            question_set=QuestionSetFactory(),
        )


def test_a_second_monthly_audit_of_the_same_area_and_month_is_refused(lead: Any) -> None:
    qs = QuestionSetFactory()
    services.audit_plan(actor=lead, kind="monthly", area="rasso", month=date(2025, 11, 1), question_set=qs)
    with pytest.raises(ApplicationError, match="already a monthly audit"):
        services.audit_plan(actor=lead, kind="monthly", area="rasso", month=date(2025, 11, 1), question_set=qs)


def test_a_draft_question_set_cannot_be_used(lead: Any) -> None:
    with pytest.raises(ApplicationError, match="published"):
        services.audit_plan(
            actor=lead,
            kind="monthly",
            area="rasso",
            month=date(2025, 11, 1),
            question_set=QuestionSetFactory(published_at=None),
        )


def test_a_thematic_audit_needs_a_theme(lead: Any) -> None:
    with pytest.raises(ApplicationError):
        services.audit_plan(actor=lead, kind="thematic", month=date(2025, 11, 1), question_set=QuestionSetFactory())
    assert not Audit.objects.exists()


# --- Sampling -------------------------------------------------------------------------------------


def test_the_same_seed_draws_the_same_sample(audit: Audit, lead: Any) -> None:
    _register(40)
    services.audit_draw_sample(audit=audit, actor=lead, size=8, seed=1234, **WINDOW)
    first = _refs(audit)
    services.audit_draw_sample(audit=audit, actor=lead, size=8, seed=1234, **WINDOW)
    assert _refs(audit) == first
    services.audit_draw_sample(audit=audit, actor=lead, size=8, seed=99, **WINDOW)
    assert _refs(audit) != first
    audit.refresh_from_db()
    assert audit.sample_seed == 99
    assert audit.status == AuditStatus.IN_PROGRESS


def test_a_drawn_seed_is_stored_so_the_draw_can_be_repeated(audit: Audit, lead: Any) -> None:
    _register(40)
    services.audit_draw_sample(audit=audit, actor=lead, size=5, **WINDOW)
    audit.refresh_from_db()
    drawn = _refs(audit)
    assert audit.sample_seed is not None
    services.audit_draw_sample(audit=audit, actor=lead, size=5, seed=audit.sample_seed, **WINDOW)
    assert _refs(audit) == drawn


def test_the_sample_matches_the_area_strands_and_the_window(audit: Audit, lead: Any) -> None:
    inside = _register(5, "rasso", date(2025, 5, 1))
    _register(5, "domestic_abuse", date(2025, 5, 1))
    _register(5, "rasso", date(2024, 5, 1))
    services.audit_draw_sample(audit=audit, actor=lead, size=50, seed=1, **WINDOW)
    assert set(_refs(audit)) == {i.crime_reference for i in inside}
    assert list(audit.reviews.values_list("position", flat=True).order_by("position")) == [1, 2, 3, 4, 5]


def test_child_abuse_samples_cse_and_csa(lead: Any) -> None:
    audit = AuditFactory(area="child_abuse", lead_auditor=lead)
    cse, csa = (
        InvestigationFactory(audit_sample=True, strand="cse", recorded_date=date(2025, 5, 1)),
        InvestigationFactory(audit_sample=True, strand="csa", recorded_date=date(2025, 5, 2)),
    )
    _register(3, "rasso")
    services.audit_draw_sample(audit=audit, actor=lead, size=10, seed=3, **WINDOW)
    assert set(_refs(audit)) == {cse.crime_reference, csa.crime_reference}


def test_an_empty_window_is_refused_with_a_message(audit: Audit, lead: Any) -> None:
    with pytest.raises(ApplicationError, match="No investigations"):
        services.audit_draw_sample(audit=audit, actor=lead, size=5, seed=1, **WINDOW)
    with pytest.raises(ApplicationError, match="end on or after"):
        services.audit_draw_sample(
            audit=audit, actor=lead, size=5, window_start=date(2025, 2, 1), window_end=date(2025, 1, 1)
        )


def test_a_redraw_keeps_answered_and_picked_cases(audit: Audit, lead: Any) -> None:
    _register(20)
    picked = InvestigationFactory(audit_sample=True, strand="domestic_abuse")
    services.audit_add_cases(audit=audit, actor=lead, crime_references=[picked.crime_reference])
    services.audit_draw_sample(audit=audit, actor=lead, size=3, seed=5, **WINDOW)
    answered = audit.reviews.filter(method=SampleMethod.RANDOM).first()
    question = audit.question_set.questions.first()
    assert answered is not None and question is not None
    services.review_record_answers(review=answered, actor=lead, answers={question.pk: ("compliant", "")})
    services.audit_draw_sample(audit=audit, actor=lead, size=3, seed=6, **WINDOW)
    refs = _refs(audit)
    assert picked.crime_reference in refs
    assert answered.reference in refs
    assert len(refs) == 5


def test_cases_are_picked_by_crime_reference_all_or_nothing(audit: Audit, lead: Any) -> None:
    one, two = InvestigationFactory(audit_sample=True), InvestigationFactory(audit_sample=True)
    with pytest.raises(ApplicationError, match="NOPE/1"):
        services.audit_add_cases(audit=audit, actor=lead, crime_references=[one.crime_reference, "NOPE/1"])
    assert not audit.reviews.exists()
    services.audit_add_cases(audit=audit, actor=lead, crime_references=[one.crime_reference, two.crime_reference])
    with pytest.raises(ApplicationError, match="already in the sample"):
        services.audit_add_cases(audit=audit, actor=lead, crime_references=[two.crime_reference])
    assert audit.reviews.count() == 2


def test_another_audit_lead_cannot_change_someone_elses_audit(audit: Audit, make_user: Any) -> None:
    _register(5)
    other = make_user(Role.AUDIT_LEAD)
    with pytest.raises(PermissionDenied):
        services.audit_draw_sample(audit=audit, actor=other, size=5, seed=1, **WINDOW)
    assert not audit.reviews.exists()


# --- Answers, submission, sign-off, locking ----------------------------------------------------------


def test_answers_are_recorded_and_a_full_case_is_marked_reviewed(audit: Audit, lead: Any) -> None:
    review = CaseReviewFactory(audit=audit)
    questions = list(audit.question_set.questions.all())
    services.review_record_answers(review=review, actor=lead, answers={questions[0].pk: ("partial", "Late")})
    review.refresh_from_db()
    assert review.reviewed_at is None
    services.review_record_answers(review=review, actor=lead, answers={q.pk: ("compliant", "") for q in questions[1:]})
    review.refresh_from_db()
    assert review.reviewed_at is not None
    assert Answer.objects.get(review=review, question=questions[0]).comment == "Late"
    assert Answer.history.filter(review_id=review.pk).count() == 3


def test_a_bad_answer_value_changes_nothing(audit: Audit, lead: Any) -> None:
    review = CaseReviewFactory(audit=audit)
    q1, q2, _ = audit.question_set.questions.all()
    with pytest.raises(ApplicationError, match="choose an answer"):
        services.review_record_answers(
            review=review, actor=lead, answers={q1.pk: ("compliant", ""), q2.pk: ("yes", "")}
        )
    assert not Answer.objects.exists()


def test_an_incomplete_audit_cannot_be_submitted(audit: Audit, lead: Any) -> None:
    _register(3)
    services.audit_draw_sample(audit=audit, actor=lead, size=3, seed=1, **WINDOW)
    with pytest.raises(ApplicationError, match="not fully answered"):
        services.audit_submit(audit=audit, actor=lead)


@pytest.fixture
def colleague(make_user: Any) -> Any:
    """A second audit lead, independent of ``lead``'s audits."""
    return make_user(Role.AUDIT_LEAD)


def _submitted(audit: Audit, lead: Any) -> Audit:
    _register(3)
    services.audit_draw_sample(audit=audit, actor=lead, size=3, seed=1, **WINDOW)
    _answer_everything(audit, lead)
    return services.audit_submit(audit=audit, actor=lead)


def _signed_off(audit: Audit, lead: Any, colleague: Any) -> Audit:
    _submitted(audit, lead)
    return services.audit_sign_off(audit=audit, actor=colleague)


def test_sign_off_records_who_when_and_the_assurance_level(audit: Audit, lead: Any, colleague: Any) -> None:
    audit = _signed_off(audit, lead, colleague)
    assert audit.status == AuditStatus.SIGNED_OFF
    assert audit.signed_off_by == colleague and audit.signed_off_at is not None
    assert audit.submitted_by == lead and audit.submitted_at is not None
    assert audit.assurance_level == "substantial"


def test_sign_off_keeps_an_override(audit: Audit, lead: Any, colleague: Any) -> None:
    _register(3)
    services.audit_draw_sample(audit=audit, actor=lead, size=3, seed=1, **WINDOW)
    _answer_everything(audit, lead)
    with pytest.raises(ApplicationError, match="reason"):
        services.audit_set_assurance(audit=audit, actor=lead, override="limited", reason=" ")
    services.audit_set_assurance(audit=audit, actor=lead, override="limited", reason="Risk plans missing in file.")
    services.audit_submit(audit=audit, actor=lead)
    assert services.audit_sign_off(audit=audit, actor=colleague).assurance_level == "limited"


def test_a_signed_off_audit_is_locked(audit: Audit, lead: Any, colleague: Any) -> None:
    audit = _signed_off(audit, lead, colleague)
    review = audit.reviews.first()
    question = audit.question_set.questions.first()
    assert review is not None and question is not None
    extra = InvestigationFactory(audit_sample=True)
    with pytest.raises(ApplicationError, match="locked"):
        services.review_record_answers(review=review, actor=lead, answers={question.pk: ("non_compliant", "")})
    with pytest.raises(ApplicationError, match="locked"):
        services.audit_add_cases(audit=audit, actor=lead, crime_references=[extra.crime_reference])
    with pytest.raises(ApplicationError, match="locked"):
        services.audit_draw_sample(audit=audit, actor=lead, size=3, seed=2, **WINDOW)
    with pytest.raises(ApplicationError, match="locked"):
        services.audit_remove_case(review=review, actor=lead)
    with pytest.raises(ApplicationError, match="locked"):
        services.audit_set_assurance(audit=audit, actor=lead, override="minimal", reason="Changed my mind")
    with pytest.raises(ApplicationError, match="locked"):
        services.learning_point_create(audit=audit, actor=lead, kind="good_practice", theme="victim_care", text="x")
    with pytest.raises(ApplicationError):
        services.audit_reopen(audit=audit, actor=lead)
    assert set(Answer.objects.filter(review__audit=audit).values_list("value", flat=True)) == {"compliant"}
    audit.refresh_from_db()
    assert audit.assurance_level == "substantial"


def test_actions_still_progress_after_sign_off(audit: Audit, lead: Any, colleague: Any, make_user: Any) -> None:
    audit = _signed_off(audit, lead, colleague)
    owner = make_user(Role.CASE_EDITOR)
    action = services.action_raise(
        audit=audit, actor=lead, title="Brief the team", owner=owner, due_date=timezone.localdate() + timedelta(days=30)
    )
    services.action_update_progress(action=action, actor=owner, note="Briefed at the huddle", status="completed")
    assert services.action_verify(action=action, actor=lead).status == "verified"


def test_a_submitted_audit_is_frozen_until_reopened(audit: Audit, lead: Any) -> None:
    _register(3)
    services.audit_draw_sample(audit=audit, actor=lead, size=3, seed=1, **WINDOW)
    _answer_everything(audit, lead)
    services.audit_submit(audit=audit, actor=lead)
    review = audit.reviews.first()
    question = audit.question_set.questions.first()
    assert review is not None and question is not None
    with pytest.raises(ApplicationError, match="submitted"):
        services.review_record_answers(review=review, actor=lead, answers={question.pk: ("partial", "")})
    services.audit_reopen(audit=audit, actor=lead)
    services.review_record_answers(review=review, actor=lead, answers={question.pk: ("partial", "")})


def test_another_audit_lead_may_sign_off_but_not_submit(
    audit: Audit, lead: Any, colleague: Any, make_user: Any
) -> None:
    _register(3)
    services.audit_draw_sample(audit=audit, actor=lead, size=3, seed=1, **WINDOW)
    _answer_everything(audit, lead)
    with pytest.raises(PermissionDenied):
        services.audit_submit(audit=audit, actor=colleague)
    services.audit_submit(audit=audit, actor=lead)
    with pytest.raises(PermissionDenied):
        services.audit_sign_off(audit=audit, actor=make_user(Role.BOARD_CHAIR))
    assert services.audit_sign_off(audit=audit, actor=colleague).signed_off_by == colleague


def test_only_unanswered_cases_leave_the_sample_and_positions_close_up(audit: Audit, lead: Any) -> None:
    _register(4)
    services.audit_draw_sample(audit=audit, actor=lead, size=4, seed=1, **WINDOW)
    first, second = audit.reviews.order_by("position")[:2]
    question = audit.question_set.questions.first()
    assert question is not None
    services.review_record_answers(review=first, actor=lead, answers={question.pk: ("compliant", "")})
    with pytest.raises(ApplicationError, match="has answers"):
        services.audit_remove_case(review=first, actor=lead)
    services.audit_remove_case(review=second, actor=lead)
    assert list(CaseReview.objects.filter(audit=audit).order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]


# --- Independent sign-off ----------------------------------------------------------------------


def test_the_lead_auditor_cannot_sign_off_their_own_audit(audit: Audit, lead: Any) -> None:
    _submitted(audit, lead)
    with pytest.raises(PermissionDenied, match="You led this audit"):
        services.audit_sign_off(audit=audit, actor=lead)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED and audit.signed_off_by is None


def test_a_lead_who_also_holds_other_roles_still_cannot_sign_off_their_own(make_user: Any) -> None:
    lead = make_user(Role.AUDIT_LEAD, Role.ADMINISTRATOR, Role.BOARD_CHAIR)
    audit = AuditFactory(lead_auditor=lead, month=date(2025, 6, 1), question_set=QuestionSetFactory())
    _submitted(audit, lead)
    with pytest.raises(PermissionDenied):
        services.audit_sign_off(audit=audit, actor=lead)


def test_the_database_refuses_a_sign_off_by_the_lead_auditor(audit: Audit, lead: Any) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Audit.objects.filter(pk=audit.pk).update(signed_off_by=lead)


@pytest.mark.parametrize("role", [Role.CASE_EDITOR, Role.BOARD_CHAIR, Role.OPCC_SCRUTINY, Role.ADMINISTRATOR])
def test_only_audit_leads_sign_off_or_return(role: Role, audit: Audit, lead: Any, make_user: Any) -> None:
    _submitted(audit, lead)
    other = make_user(role)
    with pytest.raises(PermissionDenied):
        services.audit_sign_off(audit=audit, actor=other)
    with pytest.raises(PermissionDenied):
        services.audit_return_for_rework(audit=audit, actor=other, reason="Check case 2.")


def test_an_audit_in_progress_cannot_be_signed_off_or_returned(audit: Audit, lead: Any, colleague: Any) -> None:
    _register(3)
    services.audit_draw_sample(audit=audit, actor=lead, size=3, seed=1, **WINDOW)
    with pytest.raises(ApplicationError, match="Only a submitted audit can be signed off"):
        services.audit_sign_off(audit=audit, actor=colleague)
    with pytest.raises(ApplicationError, match="Only a submitted audit can be returned"):
        services.audit_return_for_rework(audit=audit, actor=colleague, reason="Too early.")


def test_a_colleague_returns_an_audit_for_rework_with_a_reason(audit: Audit, lead: Any, colleague: Any) -> None:
    _submitted(audit, lead)
    with pytest.raises(ApplicationError, match="Say why"):
        services.audit_return_for_rework(audit=audit, actor=colleague, reason="  ")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED  # nothing changed

    services.audit_return_for_rework(audit=audit, actor=colleague, reason="Case 2: the VPS answer has no comment.")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS
    assert audit.returned_by == colleague and audit.return_reason.startswith("Case 2")
    assert audit.history.first().history_user == colleague

    # The lead corrects it, submits again, and the colleague signs it off.
    services.audit_submit(audit=audit, actor=lead)
    assert services.audit_sign_off(audit=audit, actor=colleague).status == AuditStatus.SIGNED_OFF


def test_the_lead_cannot_return_their_own_audit(audit: Audit, lead: Any) -> None:
    _submitted(audit, lead)
    with pytest.raises(PermissionDenied):
        services.audit_return_for_rework(audit=audit, actor=lead, reason="Never mind.")
