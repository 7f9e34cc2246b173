"""The question-set builder: drafts are built question by question, published versions are frozen,
audits keep the version they were planned with, and copies start new drafts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from audits import services
from audits.models import Question, QuestionSet
from oversight.errors import ApplicationError
from oversight.roles import Role
from tests.cases.factories import InvestigationFactory

from .factories import CaseReviewFactory

pytestmark = pytest.mark.django_db


def _texts(question_set: QuestionSet, *, asked: bool = False) -> list[str]:
    questions = question_set.questions.asked() if asked else question_set.questions.order_by("order")
    return list(questions.values_list("text", flat=True))


@pytest.fixture
def draft(lead: Any) -> QuestionSet:
    """A draft RASSO set with three questions: A, B, C."""
    question_set = services.question_set_create(actor=lead, code="rasso-monthly", title="RASSO", area="rasso")
    for text in ("A", "B", "C"):
        services.question_add(question_set=question_set, actor=lead, text=text)
    return question_set


def test_a_lead_builds_a_question_with_every_field(lead: Any) -> None:
    question_set = services.question_set_create(actor=lead, code="da", title="Domestic abuse", area="domestic_abuse")
    question = services.question_add(
        question_set=question_set,
        actor=lead,
        text="DASH risk assessment completed at first contact",
        guidance="Look for the DASH form on the record.",
        answer_scale="yes_no",
        allow_not_applicable=False,
        weight=3,
        standard="APP Domestic abuse: risk assessment",
    )
    question.refresh_from_db()
    assert (question.order, question.answer_scale, question.allow_not_applicable, question.weight) == (
        1,
        "yes_no",
        False,
        3,
    )
    assert question.standard == "APP Domestic abuse: risk assessment"
    assert question.allowed_values == ("compliant", "non_compliant")
    assert question.history.first().history_user == lead


def test_a_weight_outside_one_to_five_is_refused_and_nothing_is_added(draft: QuestionSet, lead: Any) -> None:
    with pytest.raises(ApplicationError):
        services.question_add(question_set=draft, actor=lead, text="D", weight=9)
    assert _texts(draft) == ["A", "B", "C"]


def test_questions_move_up_and_down(draft: QuestionSet, lead: Any) -> None:
    c = draft.questions.get(text="C")
    services.question_move(question=c, actor=lead, direction="up")
    assert _texts(draft) == ["A", "C", "B"]
    a = draft.questions.get(text="A")
    services.question_move(question=a, actor=lead, direction="down")
    assert _texts(draft) == ["C", "A", "B"]
    with pytest.raises(ApplicationError, match="already the first"):
        services.question_move(question=draft.questions.get(text="C"), actor=lead, direction="up")


def test_a_retired_question_is_kept_last_and_no_longer_asked(draft: QuestionSet, lead: Any) -> None:
    a = draft.questions.get(text="A")
    services.question_retire(question=a, actor=lead)
    assert _texts(draft) == ["B", "C", "A"]  # A kept, after the asked ones
    assert _texts(draft, asked=True) == ["B", "C"]
    services.question_add(question_set=draft, actor=lead, text="D")
    assert _texts(draft) == ["B", "C", "D", "A"]
    services.question_retire(question=a, actor=lead, retired=False)
    assert _texts(draft, asked=True) == ["B", "C", "D", "A"]


def test_an_edit_changes_the_draft_question(draft: QuestionSet, lead: Any) -> None:
    b = draft.questions.get(text="B")
    services.question_edit(question=b, actor=lead, text="B2", weight=2, allow_not_applicable=False)
    b.refresh_from_db()
    assert (b.text, b.weight, b.allow_not_applicable) == ("B2", 2, False)


def test_a_published_version_refuses_every_change(draft: QuestionSet, lead: Any) -> None:
    services.question_set_publish(question_set=draft, actor=lead)
    question = draft.questions.get(text="B")
    attempts = [
        lambda: services.question_add(question_set=draft, actor=lead, text="D"),
        lambda: services.question_edit(question=question, actor=lead, text="changed"),
        lambda: services.question_move(question=question, actor=lead, direction="up"),
        lambda: services.question_retire(question=question, actor=lead),
        lambda: services.question_set_update_details(
            question_set=draft, actor=lead, title="Changed", area="rasso", description=""
        ),
        lambda: services.question_set_update_questions(question_set=draft, actor=lead, questions=["X"]),
    ]
    for attempt in attempts:
        with pytest.raises(ApplicationError, match="frozen"):
            attempt()
    draft.refresh_from_db()
    assert draft.title == "RASSO" and _texts(draft) == ["A", "B", "C"]
    assert not draft.questions.filter(is_retired=True).exists()


def test_audits_keep_the_version_they_were_planned_with(draft: QuestionSet, lead: Any) -> None:
    v1 = services.question_set_publish(question_set=draft, actor=lead)
    audit = services.audit_plan(actor=lead, kind="monthly", area="rasso", month=date(2026, 5, 1), question_set=v1)
    v2 = services.question_set_new_version(question_set=v1, actor=lead)
    services.question_retire(question=v2.questions.get(text="A"), actor=lead)
    services.question_edit(question=v2.questions.get(text="B"), actor=lead, text="B, reworded")
    services.question_set_publish(question_set=v2, actor=lead)

    audit.refresh_from_db()
    assert audit.question_set_id == v1.pk
    assert _texts(audit.question_set, asked=True) == ["A", "B", "C"]
    assert _texts(v2, asked=True) == ["B, reworded", "C"]
    # The same question keeps its key in the new version (so trends follow it), retired or reworded.
    assert v1.questions.get(text="B").key == v2.questions.get(text="B, reworded").key
    # A version made from v2 leaves its retired question behind.
    v3 = services.question_set_new_version(question_set=v2, actor=lead)
    assert _texts(v3) == ["B, reworded", "C"]


def test_a_copy_is_a_new_draft_set_with_new_questions(draft: QuestionSet, lead: Any) -> None:
    v1 = services.question_set_publish(question_set=draft, actor=lead)
    copy = services.question_set_copy(question_set=v1, actor=lead, code="rasso-thematic", title="Withdrawal", area="")
    assert (copy.code, copy.version, copy.is_published) == ("rasso-thematic", 1, False)
    assert _texts(copy) == ["A", "B", "C"]
    assert set(copy.questions.values_list("key", flat=True)).isdisjoint(v1.questions.values_list("key", flat=True))
    with pytest.raises(ApplicationError, match="exists"):
        services.question_set_copy(question_set=v1, actor=lead, code="rasso-thematic", title="Again")


def test_a_set_without_asked_questions_cannot_be_published(draft: QuestionSet, lead: Any) -> None:
    for question in list(draft.questions.all()):
        services.question_retire(question=question, actor=lead)
    with pytest.raises(ApplicationError, match="at least one question"):
        services.question_set_publish(question_set=draft, actor=lead)


@pytest.mark.parametrize("role", [Role.CASE_EDITOR, Role.BOARD_CHAIR, Role.OPCC_SCRUTINY, Role.ADMINISTRATOR])
def test_only_audit_leads_build_question_sets(role: Role, draft: QuestionSet, make_user: Any) -> None:
    other = make_user(role)
    with pytest.raises(PermissionDenied):
        services.question_add(question_set=draft, actor=other, text="D")
    with pytest.raises(PermissionDenied):
        services.question_retire(question=draft.questions.first(), actor=other)  # type: ignore[arg-type]


def test_a_question_takes_only_the_answers_its_scale_allows(lead: Any) -> None:
    from .factories import AuditFactory

    question_set = services.question_set_create(actor=lead, code="som", title="SOM", area="sex_offender_management")
    strict = services.question_add(
        question_set=question_set,
        actor=lead,
        text="Home visit in time",
        answer_scale="yes_no",
        allow_not_applicable=False,
    )
    services.question_set_publish(question_set=question_set, actor=lead)
    audit = AuditFactory(lead_auditor=lead, question_set=question_set, area="sex_offender_management")
    review = CaseReviewFactory(audit=audit, investigation=InvestigationFactory(audit_sample=True))
    for value in ("partial", "not_applicable"):
        with pytest.raises(ApplicationError, match="is not an answer to this question"):
            services.review_record_answers(review=review, actor=lead, answers={strict.pk: (value, "")})
    services.review_record_answers(review=review, actor=lead, answers={strict.pk: ("non_compliant", "")})
    review.refresh_from_db()
    assert review.reviewed_at is not None  # the only asked question is answered


# --- Pages -------------------------------------------------------------------------------------


def test_the_builder_pages_create_fill_preview_and_publish_a_set(client_for: Any, lead: Any) -> None:
    client = client_for(user=lead)
    response = client.post("/audits/question-sets/new/", {"title": "Missing people monthly", "area": "missing_people"})
    question_set = QuestionSet.objects.get(code="missing-people-monthly")
    assert response["Location"] == f"/audits/question-sets/{question_set.pk}/"
    body = {"text": "Risk grading reviewed by a supervisor", "answer_scale": "graded", "allow_not_applicable": "yes"}
    client.post(f"/audits/question-sets/{question_set.pk}/questions/new/", {**body, "weight": 2, "standard": "APP"})
    bad = client.post(f"/audits/question-sets/{question_set.pk}/questions/new/", {**body, "text": "", "weight": 1})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert Question.objects.filter(question_set=question_set).count() == 1
    preview = client.get(f"/audits/question-sets/{question_set.pk}/preview/").content.decode()
    assert "Risk grading reviewed by a supervisor" in preview and "Tests: APP" in preview
    client.post(f"/audits/question-sets/{question_set.pk}/publish/")
    question_set.refresh_from_db()
    assert question_set.is_published
    page = client.get(f"/audits/question-sets/{question_set.pk}/").content.decode()
    assert 'data-testid="add-question"' not in page and "frozen" in page
