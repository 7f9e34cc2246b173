"""Factories for the commitments app."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from commitments.choices import AssessmentStatus, QueryStatus, QuerySubject, Rating
from commitments.models import (
    Board,
    BoardAction,
    BoardMeeting,
    Chapter,
    Commitment,
    CommitmentIndicator,
    InspectionRecommendation,
    InspectionReport,
    Plan,
    ProgressUpdate,
    RagAssessment,
    RecommendationEvidence,
    ReportingPeriod,
    ScrutinyQuery,
)
from tests.factory_base import ModelFactory
from tests.oversight.factories import UserFactory


class PlanFactory(ModelFactory[Plan]):
    class Meta:
        model = Plan
        django_get_or_create = ("title",)

    title = "Police and Crime Plan 2025–2029"
    start_date = date(2025, 4, 1)
    end_date = date(2029, 3, 31)


class ChapterFactory(ModelFactory[Chapter]):
    class Meta:
        model = Chapter
        django_get_or_create = ("plan", "title")

    plan = factory.SubFactory(PlanFactory)
    title = "Preventing and Tackling Violence"
    order = 1


class BoardFactory(ModelFactory[Board]):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Board {n}")
    chair = factory.SubFactory(UserFactory)


class CommitmentFactory(ModelFactory[Commitment]):
    class Meta:
        model = Commitment

    chapter = factory.SubFactory(ChapterFactory)
    plan = factory.SelfAttribute("chapter.plan")
    action_ref = factory.Sequence(lambda n: str(100 + n))
    text = factory.Sequence(lambda n: f"Commitment number {n}")
    order = factory.Sequence(lambda n: n + 1)
    lead = factory.SubFactory(UserFactory)
    board = factory.SubFactory(BoardFactory)
    strands = factory.LazyFunction(lambda: ["rasso"])


def period(key: str = "2025-26-Q2") -> ReportingPeriod:
    return ReportingPeriod.objects.for_key(key)


class ProgressUpdateFactory(ModelFactory[ProgressUpdate]):
    class Meta:
        model = ProgressUpdate

    commitment = factory.SubFactory(CommitmentFactory)
    period = factory.LazyFunction(period)
    narrative = "Progress this quarter."
    proposed_rating = Rating.GREEN
    author = factory.SelfAttribute("commitment.lead")
    submitted_at = factory.LazyFunction(timezone.now)


class RagAssessmentFactory(ModelFactory[RagAssessment]):
    """A proposed rating by the commitment's lead; traits move it along the workflow."""

    class Meta:
        model = RagAssessment

    commitment = factory.SubFactory(CommitmentFactory)
    period = factory.LazyFunction(period)
    proposed_rating = Rating.AMBER
    proposed_by = factory.SelfAttribute("commitment.lead")
    proposed_at = factory.LazyFunction(timezone.now)

    class Params:
        endorsed = factory.Trait(
            status=AssessmentStatus.ENDORSED,
            reviewed_by=factory.SelfAttribute("commitment.board.chair"),
            reviewed_at=factory.LazyFunction(timezone.now),
        )
        published = factory.Trait(
            status=AssessmentStatus.PUBLISHED,
            reviewed_by=factory.SelfAttribute("commitment.board.chair"),
            reviewed_at=factory.LazyFunction(timezone.now),
            rating=Rating.GREEN,
            rationale="Evidence supports the rating.",
            published_by=factory.SubFactory(UserFactory),
            published_at=factory.LazyFunction(timezone.now),
        )


class BoardMeetingFactory(ModelFactory[BoardMeeting]):
    class Meta:
        model = BoardMeeting

    board = factory.SubFactory(BoardFactory)
    date = date(2025, 10, 14)
    minutes = "Minutes."
    recorded_by = factory.SelfAttribute("board.chair")


class BoardActionFactory(ModelFactory[BoardAction]):
    class Meta:
        model = BoardAction

    meeting = factory.SubFactory(BoardMeetingFactory)
    description = "Refresh the SRO guidance."


class InspectionReportFactory(ModelFactory[InspectionReport]):
    class Meta:
        model = InspectionReport
        django_get_or_create = ("title",)

    title = "Joint thematic inspection of the response to rape – phase two"
    published_on = date(2022, 2, 25)


class InspectionRecommendationFactory(ModelFactory[InspectionRecommendation]):
    class Meta:
        model = InspectionRecommendation

    report = factory.SubFactory(InspectionReportFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Improve communication with victims."
    owner = factory.SubFactory(UserFactory)


class RecommendationEvidenceFactory(ModelFactory[RecommendationEvidence]):
    class Meta:
        model = RecommendationEvidence

    recommendation = factory.SubFactory(InspectionRecommendationFactory)
    date = factory.LazyFunction(timezone.localdate)
    text = "Victim contact plans audited."
    author = factory.SelfAttribute("recommendation.owner")


class ScrutinyQueryFactory(ModelFactory[ScrutinyQuery]):
    """An open query on a commitment, owned by its lead, due in a fortnight; raised by a new user."""

    class Meta:
        model = ScrutinyQuery

    subject_type = QuerySubject.COMMITMENT
    commitment = factory.SubFactory(CommitmentFactory)
    question = "What explains the change in the positive outcome rate?"
    owner = factory.SelfAttribute("commitment.lead")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    raised_by = factory.SubFactory(UserFactory)

    class Params:
        answered = factory.Trait(
            status=QueryStatus.ANSWERED,
            response="Two cases finalised late.",
            answered_at=factory.LazyFunction(timezone.now),
        )
        overdue = factory.Trait(due_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3)))


class IndicatorFactory(ModelFactory[CommitmentIndicator]):
    """The CSE positive outcome rate, higher is better, target 22 %."""

    class Meta:
        model = CommitmentIndicator

    commitment = factory.SubFactory(CommitmentFactory)
    name = factory.Sequence(lambda n: f"CSE positive outcome rate {n}")
    metric = "positive_outcome_rate"
    strand = "cse"
    target = Decimal("22.0")
    direction = "higher"
