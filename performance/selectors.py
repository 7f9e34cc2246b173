"""Reads of the performance app: benchmark measures and figures (DESIGN.md §2, "Benchmark figure")."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, QuerySet

from oversight.exports import Table
from oversight.roles import Cap, has_capability, require_capability

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


def figure_number(value: Any) -> int | float:
    """A figure as it is shown: whole numbers without decimals."""
    return int(value) if value == int(value) else float(value)


def benchmark_table(*, measure: BenchmarkMeasure, period: str, figures: list[BenchmarkFigure]) -> Table:
    """``figures`` (one period's, highest first) ranked, as the comparison page and the report show them;
    this force's row says so."""
    labels = [f"{f.force} (this force)" if f.is_own_force else f.force for f in figures]
    values = [figure_number(f.value) for f in figures]
    return Table(
        "benchmark",
        f"{measure.name} by force, {period}" if period else measure.name,
        ["Rank", "Force", measure.unit.capitalize() or "Figure", "Source"],
        # Competition ranking: equal figures share a rank (29, 29, 23 → 1, 1, 3).
        [
            [1 + sum(other > value for other in values), label, value, f.source]
            for label, value, f in zip(labels, values, figures, strict=True)
        ],
        numeric={0, 2},
    )


def latest_benchmark_table(*, user: Any, code: str, up_to: str) -> Table | None:
    """Measure ``code``'s figures for the latest quarter up to ``up_to`` (``2025-26-Q2``), as
    :func:`benchmark_table`; ``None`` when there are none or the user may not read KPIs. Three queries."""
    if not has_capability(user, Cap.KPIS_VIEW):
        return None
    measure = BenchmarkMeasure.objects.filter(code=code).first()
    if measure is None:
        return None
    # Quarter keys (YYYY-YY-QN) sort as text in date order.
    period = measure.figures.filter(period__lte=up_to).order_by("-period").values_list("period", flat=True).first()
    if period is None:
        return None
    return benchmark_table(
        measure=measure, period=period, figures=figures_for(user=user, measure=measure, period=period)
    )
