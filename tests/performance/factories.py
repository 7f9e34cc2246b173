"""factory-boy factories for the performance app's benchmark figures."""

from __future__ import annotations

from decimal import Decimal

import factory

from performance.models import BenchmarkFigure, BenchmarkMeasure
from tests.factory_base import ModelFactory


class BenchmarkMeasureFactory(ModelFactory[BenchmarkMeasure]):
    """The published live-SRO measure; fetched, not duplicated, when it already exists."""

    class Meta:
        model = BenchmarkMeasure
        django_get_or_create = ("code",)

    code = "live-sros"
    name = "Live SROs"


class BenchmarkFigureFactory(ModelFactory[BenchmarkFigure]):
    """West Midlands Police's figure for 2025-26 Q2; fetched when that measure, period and force has one."""

    class Meta:
        model = BenchmarkFigure
        django_get_or_create = ("measure", "period", "force")

    measure = factory.SubFactory(BenchmarkMeasureFactory)
    period = "2025-26-Q2"
    force = "West Midlands Police"
    value = Decimal(29)
