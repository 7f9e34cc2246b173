"""The filters of commitments, progress updates, RAG assessments and meetings, shared by the RAG
overview page and the API (same names, same checks: a bad value is a form error or a 400)."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import QuerySet

from oversight.filters import IdFilter, YesFilter, lazy_choices
from oversight.forms import QuarterField
from oversight.models import User

from .choices import AssessmentStatus
from .models import Board, BoardMeeting, Chapter, Commitment, ProgressUpdate, RagAssessment, RagAssessmentQuerySet


class QuarterFilter(django_filters.Filter):
    field_class = QuarterField


class CommitmentFilter(django_filters.FilterSet):
    """Commitments by chapter, board and lead officer (ids)."""

    chapter = IdFilter(field_name="chapter_id", label="Chapter")
    board = IdFilter(field_name="board_id", label="Board")
    lead = IdFilter(field_name="lead_id", label="Lead officer")

    class Meta:
        model = Commitment
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "chapter": lazy_choices(Chapter.objects.order_by("plan", "order"), "All chapters"),
            "board": lazy_choices(Board.objects.order_by("name"), "All boards"),
            "lead": lazy_choices(
                User.objects.filter(led_commitments__isnull=False).distinct().order_by("full_name"), "All leads"
            ),
        }
        for name, options in choices.items():
            self.form.fields[name].widget = forms.Select(choices=options)


class ProgressUpdateFilter(django_filters.FilterSet):
    """Progress updates by quarter and commitment."""

    period = QuarterFilter(field_name="period__key")
    commitment = IdFilter(field_name="commitment_id")

    class Meta:
        model = ProgressUpdate
        fields: list[str] = []


class RagAssessmentFilter(django_filters.FilterSet):
    """RAG assessments by quarter, commitment and status; ``current=true`` keeps the latest versions."""

    period = QuarterFilter(field_name="period__key")
    commitment = IdFilter(field_name="commitment_id")
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices)
    current = YesFilter(method="filter_current")

    class Meta:
        model = RagAssessment
        fields: list[str] = []

    def filter_current(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return cast(RagAssessmentQuerySet, queryset).current() if value else queryset


class MeetingFilter(django_filters.FilterSet):
    """Board meetings by board."""

    board = IdFilter(field_name="board_id")

    class Meta:
        model = BoardMeeting
        fields: list[str] = []
