"""factory-boy factories for the summaries app."""

from __future__ import annotations

from datetime import UTC, date, datetime

import factory

from summaries.models import Summary, SummaryBuild, SummaryKind
from tests.factory_base import ModelFactory


class SummaryFactory(ModelFactory[Summary]):
    """The quarterly RAG summary of 2025-26 Q2, built on 5 October 2025."""

    class Meta:
        model = Summary

    kind = SummaryKind.QUARTERLY_RAG
    period = "2025-26-Q2"
    period_start = date(2025, 7, 1)
    period_end = date(2025, 9, 30)
    built_at = datetime(2025, 10, 5, 6, 30, tzinfo=UTC)
    data = factory.LazyFunction(dict)
    html = "<p>Built.</p>"


class SummaryBuildFactory(ModelFactory[SummaryBuild]):
    """A queued, manually triggered build of the quarterly RAG summary of 2025-26 Q2."""

    class Meta:
        model = SummaryBuild

    kind = SummaryKind.QUARTERLY_RAG
    period = "2025-26-Q2"
    trigger = SummaryBuild.Trigger.MANUAL
