"""The demo data agrees with itself: the narratives' figures, the indicators and the ratings say what
the register says, read through the KPI engine as every page reads it."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from cases import seed as cases_seed
from cases.kpis import kpi_rows
from commitments import evidence
from commitments import seed as commitments_seed
from commitments.models import CommitmentIndicator, PublishedEvidence, RagAssessment
from commitments.seed_data import Q2_NARRATIVES
from oversight.periods import financial_year_of
from oversight.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(make_user: Any) -> dict[str, Any]:
    users = {role.value: make_user(role) for role in Role}
    for run in (cases_seed.run, commitments_seed.run, commitments_seed.store_published_evidence):
        run(stdout=io.StringIO(), users=users)
    return users


def _by_year(metric: str, **filters: str) -> dict[str, Any]:
    # financial years 2023-24 … 2025-26, one engine call
    rows = kpi_rows(date_from=date(2023, 4, 1), date_to=date(2026, 3, 31), group_by="year", filters=filters)
    return {row["group"]: row[metric] for row in rows}


def test_the_narratives_figures_and_the_indicators_baselines_are_the_registers(demo: Any) -> None:
    # 256: CSE (and group-based CSE) positive outcome rate under 10 % in 2024/25, over 22 % in 2025/26
    assert "22%+ outcome rate within 25/26" in Q2_NARRATIVES["256"] and "under 10%" in Q2_NARRATIVES["256"]
    cse = _by_year("positive_outcome_rate", strand="cse")
    assert cse["2024-25"] < 10 and cse["2025-26"] > 22, cse
    group_based = _by_year("positive_outcome_rate", strand="cse", flag="group_based")
    assert group_based["2024-25"] < 10 and group_based["2025-26"] > 22, group_based

    # 38: rape about 6 % rising to about 11 %; domestic abuse positive outcomes at their highest
    assert "from about 6% in 2024/25 to about 11% in 2025/26" in Q2_NARRATIVES["38"]
    rape = _by_year("positive_outcome_rate", offence_group="rape")
    assert abs(rape["2024-25"] - 6) <= 0.5 and abs(rape["2025-26"] - 11) <= 0.5, rape
    domestic_abuse = _by_year("positive_outcomes", strand="domestic_abuse")
    assert domestic_abuse["2023-24"] < domestic_abuse["2024-25"] < domestic_abuse["2025-26"], domestic_abuse

    # 43: adult rape victim withdrawal at or under the force's published three quarters (seed 004: 75.0 %)
    # every quarter rated Green, above it in the Amber quarters before
    withdrawal = CommitmentIndicator.objects.get(commitment__action_ref="43")
    assert (withdrawal.metric, withdrawal.target, withdrawal.direction) == ("victim_withdrawal_pct", 75, "lower")
    quarters = kpi_rows(
        date_from=date(2023, 10, 1),
        date_to=date(2026, 3, 31),
        group_by="quarter",
        filters=evidence._filters(withdrawal),
    )
    ratings = dict(
        RagAssessment.objects.filter(commitment__action_ref="43", status="published").values_list(
            "period__key", "rating"
        )
    )
    for row in quarters:
        on_target = row["victim_withdrawal_pct"] <= withdrawal.target
        assert on_target == (ratings[row["group"]] == "GREEN"), (row["group"], row["victim_withdrawal_pct"])

    # every indicator's baseline is the engine's figure for its financial year
    indicators = list(CommitmentIndicator.objects.select_related("commitment", "lpa", "team", "flag"))
    assert {i.commitment.action_ref for i in indicators} == {"147", "256", "38", "43", "39"}
    for indicator in indicators:
        year = financial_year_of(date(int(indicator.baseline_period[:4]), 4, 1))
        row = kpi_rows(date_from=year.start, date_to=year.end, filters=evidence._filters(indicator))[0]
        assert indicator.baseline_value == Decimal(str(row[indicator.metric])), indicator


def test_every_published_green_stands_on_its_stored_evidence_and_storing_again_adds_nothing(demo: Any) -> None:
    published = RagAssessment.objects.filter(status="published")
    stored = PublishedEvidence.objects.select_related("assessment__commitment", "assessment__period")
    assert stored.count() == published.count()
    greens_with_indicators = 0
    for item in stored:
        if item.assessment.rating == "GREEN":
            assert item.conflicts == [], (item.assessment, item.conflicts)
            greens_with_indicators += bool(item.indicators)
    assert greens_with_indicators >= 20  # 147, 38, 43 and 39 over many quarters
    # 256 stays Amber while its CSE rate was under target; its stored figures say so
    amber = stored.get(assessment__commitment__action_ref="256", assessment__period__key="2024-25-Q4")
    assert amber.indicators[0]["on_track"] is False

    count = PublishedEvidence.objects.count()
    commitments_seed.store_published_evidence(stdout=io.StringIO(), users=demo)
    assert PublishedEvidence.objects.count() == count
