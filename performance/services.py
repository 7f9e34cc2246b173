"""Writes of the performance app: benchmark figures and measures (DESIGN.md §2, "Benchmark figure")."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from oversight.roles import Cap, require_capability

from .models import BenchmarkFigure, BenchmarkMeasure


@transaction.atomic
def benchmark_figure_save(*, figure: BenchmarkFigure, actor: Any) -> BenchmarkFigure:
    """Create or change one force's figure (``BENCHMARKS_EDIT`` only); history records who and when.

    Raises ``PermissionDenied`` for other roles and ``ValidationError`` for a bad figure
    (unknown period, negative value, the same force twice in a period).
    """
    require_capability(actor, Cap.BENCHMARKS_EDIT)
    figure._history_user = actor
    figure.full_clean()
    figure.save()
    return figure


@transaction.atomic
def benchmark_measure_save(*, measure: BenchmarkMeasure, actor: Any) -> BenchmarkMeasure:
    """Create or change a measure (``BENCHMARKS_EDIT`` only)."""
    require_capability(actor, Cap.BENCHMARKS_EDIT)
    measure._history_user = actor
    measure.full_clean()
    measure.save()
    return measure
