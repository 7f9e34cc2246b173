"""Writes of the performance app: benchmark figures and measures (DESIGN.md §2, "Benchmark figure")."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from oversight.errors import clean_or_raise
from oversight.history import save_with_actor
from oversight.roles import Cap, require_capability

from .models import BenchmarkFigure, BenchmarkMeasure


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
