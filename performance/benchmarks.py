"""Benchmark figures: reads, writes and the entry form (DESIGN.md §2, "Benchmark figure")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Count, Max, QuerySet

from oversight.errors import clean_or_raise
from oversight.history import save_with_actor
from oversight.periods import parse_quarter
from oversight.roles import Cap, require_capability

from .models import BenchmarkFigure, BenchmarkMeasure

# --------------------------------------------------------------------------- selectors


def measure_list(*, user: Any) -> QuerySet[BenchmarkMeasure]:
    """Every measure with its number of figures and latest period (one query)."""
    require_capability(user, Cap.KPIS_VIEW)
    return BenchmarkMeasure.objects.annotate(figure_count=Count("figures"), latest_period=Max("figures__period"))


def measure_periods(*, measure: BenchmarkMeasure) -> list[str]:
    """The periods a measure has figures for, newest first."""
    return list(measure.figures.order_by("-period").values_list("period", flat=True).distinct())


def figures_for(*, user: Any, measure: BenchmarkMeasure, period: str) -> list[BenchmarkFigure]:
    """One period's figures, highest first (ties by force name)."""
    require_capability(user, Cap.KPIS_VIEW)
    return list(measure.figures.filter(period=period).order_by("-value", "force"))


# --------------------------------------------------------------------------- services


@transaction.atomic
def benchmark_figure_save(*, figure: BenchmarkFigure, actor: Any) -> BenchmarkFigure:
    """Create or change one force's figure (``BENCHMARKS_EDIT`` only); history records who and when.

    Raises ``PermissionDenied`` for other roles and ``ApplicationError`` for a bad figure
    (unknown period, negative value, the same force twice in a period).
    """
    require_capability(actor, Cap.BENCHMARKS_EDIT)
    clean_or_raise(figure)
    return save_with_actor(figure, actor=actor)


@transaction.atomic
def benchmark_measure_save(*, measure: BenchmarkMeasure, actor: Any) -> BenchmarkMeasure:
    """Create or change a measure (``BENCHMARKS_EDIT`` only)."""
    require_capability(actor, Cap.BENCHMARKS_EDIT)
    clean_or_raise(measure)
    return save_with_actor(measure, actor=actor)


# --------------------------------------------------------------------------- forms


def _govuk(field: forms.Field, css: str = "govuk-input") -> None:
    field.widget.attrs.setdefault("class", css)


class BenchmarkFigureForm(forms.ModelForm):
    """One force's figure; the model's full_clean (in the service) checks uniqueness and the period."""

    class Meta:
        model = BenchmarkFigure
        fields = ["measure", "period", "force", "is_own_force", "value", "source"]
        labels = {"is_own_force": "This is our force"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk(self.fields["measure"], "govuk-select")
        _govuk(self.fields["is_own_force"], "govuk-checkboxes__input")
        for name in ("period", "force", "value", "source"):
            _govuk(self.fields[name])
        self.fields["period"].widget.attrs["class"] = "govuk-input govuk-input--width-10"
        self.fields["value"].widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def clean_period(self) -> str:
        period = self.cleaned_data["period"].strip()
        try:
            parse_quarter(period)
        except Exception as exc:
            raise forms.ValidationError(getattr(exc, "message", str(exc))) from None
        return period

    def clean_value(self) -> Decimal:
        value = self.cleaned_data["value"]
        if value is not None and value < 0:
            raise forms.ValidationError("Enter a figure of 0 or more.")
        return value


class BenchmarkMeasureForm(forms.ModelForm):
    class Meta:
        model = BenchmarkMeasure
        fields = ["name", "code", "unit", "comparison_group", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "code", "unit", "comparison_group"):
            _govuk(self.fields[name])
        _govuk(self.fields["description"], "govuk-textarea")
