"""Reads of the performance app: benchmark measures and figures (DESIGN.md §2, "Benchmark figure")."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, QuerySet

from oversight.roles import Cap, require_capability

from .models import BenchmarkFigure, BenchmarkMeasure


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
