"""Factories for the audits app (investigations and users come from the cases and oversight factories)."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from audits.choices import AuditArea, AuditKind, LearningKind, LearningTheme, RiskLevel, SubjectKind, VisorCategory
from audits.models import Action, Answer, Audit, AuditSubject, CaseReview, LearningPoint, Question, QuestionSet
from tests.cases.factories import InvestigationFactory
from tests.factory_base import ModelFactory
from tests.oversight.factories import UserFactory


class QuestionSetFactory(ModelFactory[QuestionSet]):
    class Meta:
        model = QuestionSet
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"set-{n}")
    title = "RASSO monthly audit"
    area = AuditArea.RASSO
    version = 1
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def questions(question_set: QuestionSet, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        texts = (
            extracted
            if extracted is not None
            else ["Victim contacted within 24 hours", "VPS offered", "Supervisory review within 7 days"]
        )
        for order, text in enumerate(texts, start=1):
            QuestionFactory(question_set=question_set, order=order, text=text)


class QuestionFactory(ModelFactory[Question]):
    class Meta:
        model = Question

    question_set = factory.SubFactory(QuestionSetFactory, questions=[])
    order = factory.Sequence(lambda n: n + 1)
    text = "Victim contacted within 24 hours"


class AuditFactory(ModelFactory[Audit]):
    class Meta:
        model = Audit

    kind = AuditKind.MONTHLY
    area = AuditArea.RASSO
    month = factory.Sequence(lambda n: date(2020 + n // 12, n % 12 + 1, 1))
    question_set = factory.SubFactory(QuestionSetFactory)
    lead_auditor = factory.SubFactory(UserFactory)


class CaseReviewFactory(ModelFactory[CaseReview]):
    class Meta:
        model = CaseReview

    audit = factory.SubFactory(AuditFactory)
    investigation = factory.SubFactory(InvestigationFactory, audit_sample=True)
    position = factory.Sequence(lambda n: n + 1)


class AnswerFactory(ModelFactory[Answer]):
    class Meta:
        model = Answer

    review = factory.SubFactory(CaseReviewFactory)
    question = factory.LazyAttribute(lambda o: o.review.audit.question_set.questions.first())
    value = "compliant"
    answered_by = factory.LazyAttribute(lambda o: o.review.audit.lead_auditor)


class LearningPointFactory(ModelFactory[LearningPoint]):
    class Meta:
        model = LearningPoint

    audit = factory.SubFactory(AuditFactory)
    kind = LearningKind.IMPROVEMENT
    theme = LearningTheme.SUPERVISION
    text = "Supervisory reviews were late in three cases."
    created_by = factory.LazyAttribute(lambda o: o.audit.lead_auditor)


class ActionFactory(ModelFactory[Action]):
    class Meta:
        model = Action

    audit = factory.SubFactory(AuditFactory)
    title = factory.Sequence(lambda n: f"Remind supervisors of the 7-day review ({n})")
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    raised_by = factory.LazyAttribute(lambda o: o.audit.lead_auditor)


def answer_all(review: CaseReview, values: list[str]) -> None:
    """Answer the review's questions in order with ``values``."""
    questions = list(review.audit.question_set.questions.order_by("order"))
    for question, value in zip(questions, values, strict=False):
        AnswerFactory(review=review, question=question, value=value)


class AuditSubjectFactory(ModelFactory[AuditSubject]):
    """A managed offender on VISOR (registered sex offender, medium risk), registered on 2025-05-01."""

    class Meta:
        model = AuditSubject

    kind = SubjectKind.MANAGED_OFFENDERS
    reference = factory.Sequence(lambda n: f"SOM-{n + 1:05d}")
    visor_category = VisorCategory.RSO
    risk_level = RiskLevel.MEDIUM
    start_date = date(2025, 5, 1)
