"""The outcome breakdown and the attrition funnel (cases.analytics) against hand-worked data sets.

Runs on SQLite by default and on PostgreSQL with DATABASE_URL=postgres://...
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.analytics import FUNNEL_STAGES, attrition_funnel, outcome_breakdown, outcome_label
from cases.kpis import kpi_rows
from cases.models import Flag, Investigation
from cases.outcomes import OutcomeType
from oversight.errors import ApplicationError
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

pytestmark = pytest.mark.django_db

P_FROM, P_TO = date(2025, 4, 1), date(2025, 6, 30)


def _outcome(code: str, day: str, **extra: Any) -> Any:
    return InvestigationFactory(unplaced=True, recorded_date="2025-03-01", outcome_type=code, outcome_date=day, **extra)


# ---------------------------------------------------------------- outcome breakdown


@pytest.fixture
def outcomes() -> None:
    """Outcomes dated in P (2025-04-01 … 06-30): 1 twice, 1A, 2, 10, 14, 15, 16 twice (one of them
    domestic abuse), 21: ten in all. Outside P: 18 on 03-31 and 3 on 07-05."""
    _outcome("1", "2025-04-10")
    _outcome("1", "2025-05-10")
    _outcome("1A", "2025-06-30")
    _outcome("2", "2025-04-01")
    _outcome("10", "2025-05-01")
    _outcome("14", "2025-05-02")
    _outcome("15", "2025-05-03")
    _outcome("16", "2025-06-01")
    _outcome("16", "2025-06-02", strand="domestic_abuse", offence_group="violence")
    _outcome("21", "2025-06-03")
    _outcome("18", "2025-03-31")
    _outcome("3", "2025-07-05")


def test_the_breakdown_lists_every_type_assigned_in_home_office_code_order(outcomes: None) -> None:
    result = outcome_breakdown(date_from=P_FROM, date_to=P_TO)
    assert (result["from"], result["to"], result["total"]) == (P_FROM, P_TO, 10)
    # Numeric order with 1A after 1 and 10 after 2 (a string sort would give 1, 10, 1A, 2 …)
    assert [(r["outcome_type"], r["outcome_group"], r["count"], r["pct"]) for r in result["rows"]] == [
        ("1", "charged", 2, 20.0),  # 2 / 10
        ("1A", "charged", 1, 10.0),
        ("2", "ooc_formal", 1, 10.0),
        ("10", "prevented", 1, 10.0),
        ("14", "evidential_victim_no_support", 1, 10.0),
        ("15", "evidential_victim_supports", 1, 10.0),
        ("16", "evidential_victim_no_support", 2, 20.0),
        ("21", "further_investigation_npi", 1, 10.0),
    ]
    assert result["rows"][0]["label"] == "Charged/summonsed"
    assert result["rows"][6]["label"] == "Evidential difficulties – victim does not support (or withdraws support)"


def test_the_breakdown_total_is_the_kpi_outcomes_assigned(outcomes: None) -> None:
    assert (
        outcome_breakdown(date_from=P_FROM, date_to=P_TO)["total"]
        == (kpi_rows(date_from=P_FROM, date_to=P_TO)[0]["outcomes_assigned"])
    )


def test_the_breakdown_takes_the_kpi_filters(outcomes: None) -> None:
    result = outcome_breakdown(date_from=P_FROM, date_to=P_TO, filters={"strand": "rasso"})
    assert result["total"] == 9  # the domestic abuse 16 left out
    rows = {r["outcome_type"]: (r["count"], r["pct"]) for r in result["rows"]}
    assert rows["1"] == (2, 22.2)  # 2 / 9 = 22.22
    assert rows["16"] == (1, 11.1)  # 1 / 9 = 11.11
    domestic = outcome_breakdown(date_from=P_FROM, date_to=P_TO, filters={"strand": "domestic_abuse"})
    assert [(r["outcome_type"], r["count"], r["pct"]) for r in domestic["rows"]] == [("16", 1, 100.0)]


def test_breakdown_percentages_round_half_up() -> None:
    """16 outcomes: one charge (1/16 = 6.25 % → 6.3) and fifteen no-suspect outcomes (93.75 % → 93.8)."""
    _outcome("1", "2025-04-02")
    for day in range(15):
        _outcome("18", f"2025-05-{day + 1:02d}")
    rows = outcome_breakdown(date_from=P_FROM, date_to=P_TO)["rows"]
    assert [(r["outcome_type"], r["pct"]) for r in rows] == [("1", 6.3), ("18", 93.8)]


def test_an_empty_breakdown_has_no_rows_and_a_zero_total() -> None:
    assert outcome_breakdown(date_from=P_FROM, date_to=P_TO) == {"from": P_FROM, "to": P_TO, "total": 0, "rows": []}


def test_every_outcome_type_has_a_label_without_its_code() -> None:
    for code in OutcomeType.values:
        label = outcome_label(code)
        assert label and not label.startswith(f"{code} ")


# ---------------------------------------------------------------- attrition funnel


@pytest.fixture
def cohort() -> None:
    """Recorded in P (2025-04-01 … 06-30), as of today:

    A 04-10 Walsall: arrested, two CPS referrals, charged (1) 05-10, convicted 2025-09-01 (after P: counted)
    B 04-20: arrested, referred (NFA), victim withdrawal (16)
    C 05-01: not arrested, referred, charged by summons (1) 2025-08-01, acquitted 2026-01-10
    D 06-01: arrested, open
    E 06-30: nothing yet
    Outside the cohort: F recorded 03-31 (arrested, charged, convicted), G recorded 07-01 (arrested).
    """
    a = InvestigationFactory(
        unplaced=True,
        lpa="walsall",
        recorded_date="2025-04-10",
        arrest_date="2025-04-12",
        outcome_type="1",
        outcome_date="2025-05-10",
        court_outcome="convicted",
        court_outcome_date="2025-09-01",
    )
    CpsReferralFactory(
        investigation=a, referral_date="2025-04-20", decision="further_evidence", decision_date="2025-04-25"
    )
    CpsReferralFactory(investigation=a, referral_date="2025-05-01", decision="charge", decision_date="2025-05-09")
    b = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-04-20",
        arrest_date="2025-04-21",
        outcome_type="16",
        outcome_date="2025-06-01",
    )
    CpsReferralFactory(investigation=b, referral_date="2025-05-10", decision="nfa", decision_date="2025-05-30")
    c = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-05-01",
        outcome_type="1",
        outcome_date="2025-08-01",
        court_outcome="acquitted",
        court_outcome_date="2026-01-10",
    )
    CpsReferralFactory(investigation=c, referral_date="2025-07-01", decision="charge", decision_date="2025-07-30")
    InvestigationFactory(unplaced=True, recorded_date="2025-06-01", arrest_date="2025-06-02")
    InvestigationFactory(unplaced=True, recorded_date="2025-06-30")
    f = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-03-31",
        arrest_date="2025-04-01",
        outcome_type="1",
        outcome_date="2025-04-20",
        court_outcome="convicted",
        court_outcome_date="2025-06-01",
    )
    CpsReferralFactory(investigation=f, referral_date="2025-04-02")
    InvestigationFactory(unplaced=True, recorded_date="2025-07-01", arrest_date="2025-07-02")


def _stages(result: dict[str, Any]) -> list[tuple[str, int, float | None]]:
    return [(s["stage"], s["count"], s["pct_of_recorded"]) for s in result["stages"]]


def test_the_funnel_follows_the_cohort_recorded_in_the_period_to_today(cohort: None) -> None:
    result = attrition_funnel(date_from=P_FROM, date_to=P_TO)
    assert (result["from"], result["to"]) == (P_FROM, P_TO)
    assert _stages(result) == [
        ("recorded", 5, 100.0),  # A B C D E
        ("arrested", 3, 60.0),  # A B D
        ("referred_to_cps", 3, 60.0),  # A (twice, counted once) B C
        ("charged", 2, 40.0),  # A C
        ("court_outcome", 2, 40.0),  # A convicted, C acquitted (both after P: as of today)
        ("convicted", 1, 20.0),  # A
    ]
    assert [stage for stage, _label in FUNNEL_STAGES] == [s["stage"] for s in result["stages"]]


def test_the_funnel_takes_the_kpi_filters(cohort: None) -> None:
    result = attrition_funnel(date_from=P_FROM, date_to=P_TO, filters={"lpa": "Walsall"})
    assert _stages(result) == [
        ("recorded", 1, 100.0),  # A
        ("arrested", 1, 100.0),
        ("referred_to_cps", 1, 100.0),
        ("charged", 1, 100.0),
        ("court_outcome", 1, 100.0),
        ("convicted", 1, 100.0),
    ]


def test_an_empty_cohort_gives_zeros_and_null_percentages(cohort: None) -> None:
    result = attrition_funnel(date_from=date(2024, 4, 1), date_to=date(2024, 6, 30))
    assert _stages(result) == [(stage, 0, None) for stage, _label in FUNNEL_STAGES]


def test_the_funnel_recorded_stage_is_the_kpi_recorded_offences(cohort: None) -> None:
    funnel = attrition_funnel(date_from=P_FROM, date_to=P_TO, filters={"strand": "rasso"})
    assert (
        funnel["stages"][0]["count"]
        == kpi_rows(date_from=P_FROM, date_to=P_TO, filters={"strand": "rasso"})[0]["recorded_offences"]
    )


def test_the_rollup_funnel_equals_the_base_tables_over_partial_months(cohort: None) -> None:
    """Without a flag the funnel is read from the rollup; with one, from the base tables. With every
    investigation flagged the two must agree, for whole months and for windows cut mid-month."""
    for investigation in Investigation.objects.all():
        investigation.flags.add(Flag.objects.get(code="online"))
    for date_from, date_to in ((P_FROM, P_TO), (date(2025, 4, 11), date(2025, 6, 29)), (date(2025, 3, 31), P_TO)):
        from_rollup = attrition_funnel(date_from=date_from, date_to=date_to)
        from_base = attrition_funnel(date_from=date_from, date_to=date_to, filters={"flag": "online"})
        assert _stages(from_rollup) == _stages(from_base), (date_from, date_to)
    assert _stages(attrition_funnel(date_from=date(2025, 4, 11), date_to=date(2025, 6, 29)))[:3] == [
        ("recorded", 3, 100.0),  # B C D
        ("arrested", 2, 66.7),  # B D
        ("referred_to_cps", 2, 66.7),  # B C
    ]


# ---------------------------------------------------------------- bad input and query counts


@pytest.mark.parametrize("compute", [outcome_breakdown, attrition_funnel])
def test_a_reversed_period_or_an_unknown_filter_is_refused(compute: Any) -> None:
    with pytest.raises(ApplicationError, match="from"):
        compute(date_from=P_TO, date_to=P_FROM)
    with pytest.raises(ApplicationError) as caught:
        compute(date_from=P_FROM, date_to=P_TO, filters={"lpa": "Atlantis"})
    assert "lpa" in caught.value.extra


def _spread(count: int) -> None:
    for n in range(count):
        recorded = date(2024, 4, 1) + timedelta(days=(n * 37) % 700)
        outcome = ("1", "16", "18", "3", "")[n % 5]
        case = InvestigationFactory(
            unplaced=True,
            recorded_date=recorded,
            outcome_type=outcome,
            outcome_date=recorded + timedelta(days=20) if outcome else None,
            arrest_date=recorded if n % 2 else None,
        )
        if n % 3 == 0:
            CpsReferralFactory(investigation=case, referral_date=recorded + timedelta(days=1))


@pytest.mark.parametrize("compute", [outcome_breakdown, attrition_funnel])
def test_each_needs_one_query_whatever_the_data(compute: Any) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            compute(date_from=date(2024, 4, 1), date_to=date(2026, 3, 31))
        return len(captured)

    _spread(5)
    small = queries()
    _spread(40)
    assert queries() == small == 1
