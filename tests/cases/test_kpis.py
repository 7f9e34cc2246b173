"""The KPI engine against small data sets whose figures are worked out by hand below.

Runs on SQLite by default and on PostgreSQL with DATABASE_URL=postgres://...
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.kpis import METRICS, SOTERIA_METRICS, kpi_rows, soteria
from oversight.errors import ApplicationError
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

pytestmark = pytest.mark.django_db

Q1_FROM, Q1_TO = date(2025, 4, 1), date(2025, 6, 30)


# ---------------------------------------------------------------- a quarter, worked by hand


@pytest.fixture
def quarter_data() -> dict[str, Any]:
    """Period P = 2025-04-01 … 2025-06-30 (financial 2025-26-Q1).

    A  recorded 04-10, charged (1) 05-10 = 30 days; arrested 04-12 RUI; convicted 06-01
    B  recorded 04-20, victim withdrawal (16) 06-19 = 60 days; arrested 04-25 on bail
    C  recorded 01-15, adult caution (3) 04-15 = 90 days (recorded before P, outcome in P)
    D  recorded 05-01, open; arrested 05-02 RUI
    E  recorded 06-30, charged (1A) 07-05 (after P): open at 06-30
    F  recorded 2024-12-01, open; arrested 03-01 RUI (before P)
    G  recorded 03-01, no suspect (18) 03-31 (before P)
    H  recorded 07-01 (after P), open
    X  recorded 2024-06-01, charged 2024-08-01, acquitted 2025-05-05
    CPS: A referred 04-20, charge 05-05; B referred 05-01, NFA 07-02 (after P);
         C referred 03-01, further evidence 04-02; D referred 06-01, undecided;
         F referred 02-01, NFA 05-20; G referred 03-10, early advice 04-05.
    Victim care (Victims' Code / VPS / ISVA-IDVA), "" = not recorded:
         A yes/yes/yes; B no/yes/""; C yes/""/no; E no/no/no (outcome after P); G yes/yes/yes (before P).
    People: victim V1 in A, B (both April) and F (recorded before P); suspect S1 in D (May) and E (June);
         suspect S2 in A and H (H recorded after P).
    """
    a = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-04-10",
        victim_id="V1",
        suspect_id="S2",
        outcome_type="1",
        outcome_date="2025-05-10",
        arrest_date="2025-04-12",
        bail_status="rui",
        court_outcome="convicted",
        court_outcome_date="2025-06-01",
        vcop_compliant="yes",
        vps_offered="yes",
        advocate_referral="yes",
    )
    b = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-04-20",
        victim_id="V1",
        outcome_type="16",
        outcome_date="2025-06-19",
        arrest_date="2025-04-25",
        bail_status="bail",
        vcop_compliant="no",
        vps_offered="yes",
    )
    c = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-01-15",
        outcome_type="3",
        outcome_date="2025-04-15",
        vcop_compliant="yes",
        advocate_referral="no",
    )
    dd = InvestigationFactory(
        unplaced=True, recorded_date="2025-05-01", arrest_date="2025-05-02", bail_status="rui", suspect_id="S1"
    )
    InvestigationFactory(
        unplaced=True,
        recorded_date="2025-06-30",
        suspect_id="S1",
        outcome_type="1A",
        outcome_date="2025-07-05",
        vcop_compliant="no",
        vps_offered="no",
        advocate_referral="no",
    )
    f = InvestigationFactory(
        unplaced=True, recorded_date="2024-12-01", arrest_date="2025-03-01", bail_status="rui", victim_id="V1"
    )
    g = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-03-01",
        outcome_type="18",
        outcome_date="2025-03-31",
        vcop_compliant="yes",
        vps_offered="yes",
        advocate_referral="yes",
    )
    InvestigationFactory(unplaced=True, recorded_date="2025-07-01", suspect_id="S2")
    InvestigationFactory(
        unplaced=True,
        recorded_date="2024-06-01",
        outcome_type="1",
        outcome_date="2024-08-01",
        court_outcome="acquitted",
        court_outcome_date="2025-05-05",
    )
    CpsReferralFactory(investigation=a, referral_date="2025-04-20", decision="charge", decision_date="2025-05-05")
    CpsReferralFactory(investigation=b, referral_date="2025-05-01", decision="nfa", decision_date="2025-07-02")
    CpsReferralFactory(
        investigation=c, referral_date="2025-03-01", decision="further_evidence", decision_date="2025-04-02"
    )
    CpsReferralFactory(investigation=dd, referral_date="2025-06-01")
    CpsReferralFactory(investigation=f, referral_date="2025-02-01", decision="nfa", decision_date="2025-05-20")
    CpsReferralFactory(investigation=g, referral_date="2025-03-10", decision="advice", decision_date="2025-04-05")
    return {}


def test_every_metric_for_a_whole_period_matches_the_hand_worked_figures(quarter_data: Any) -> None:
    rows = kpi_rows(date_from=Q1_FROM, date_to=Q1_TO)
    assert rows == [
        {
            "group": None,
            "recorded_offences": 4,  # A B D E
            "outcomes_assigned": 3,  # A B C
            "charged": 1,  # A
            "charged_pct": 33.3,  # 1/3
            "positive_outcomes": 2,  # A C
            "positive_outcome_rate": 50.0,  # 2/4
            "victim_withdrawal": 1,  # B
            "victim_withdrawal_pct": 33.3,  # 1/3
            "cps_referrals": 3,  # A B D
            # decisions in P: A charge, F NFA, C further evidence, G advice: charge rate 1 / (1 + 1)
            "cps_charge_rate": 50.0,
            "cps_action_plans": 1,  # C
            "cps_advice": 1,  # G
            "avg_days_to_charge": 30,  # A
            "avg_days_to_outcome": 60,  # (30 + 60 + 90) / 3
            "open_investigations": 3,  # D E F at 06-30
            "rui_pct": 66.7,  # arrests in P: A RUI, B bail, D RUI
            "conviction_rate": 50.0,  # A convicted, X acquitted
            # outcomes in P: A B C (E's is after P, G's before)
            "vcop_compliance_pct": 66.7,  # yes A C, no B: 2 / 3
            "vcop_not_recorded": 0,
            "vps_offered_pct": 100.0,  # yes A B, not recorded C: 2 / 2
            "vps_not_recorded": 1,  # C
            "advocate_referral_pct": 50.0,  # yes A, no C, not recorded B: 1 / 2
            "advocate_not_recorded": 1,  # B
            "repeat_victims": 1,  # V1: A and B (F was recorded before P)
            "repeat_suspects": 1,  # S1: D and E (S2's H was recorded after P)
        }
    ]


def test_without_people_the_same_figures_come_without_the_repeat_people_query(quarter_data: Any) -> None:
    with CaptureQueriesContext(connection) as with_people:
        full = kpi_rows(date_from=Q1_FROM, date_to=Q1_TO, group_by="month")
    with CaptureQueriesContext(connection) as without_people:
        lean = kpi_rows(date_from=Q1_FROM, date_to=Q1_TO, group_by="month", people=False)
    assert lean == [{k: v for k, v in row.items() if k not in ("repeat_victims", "repeat_suspects")} for row in full]
    assert len(without_people) == len(with_people) - 1
    assert not any("victim_id" in query["sql"] for query in without_people.captured_queries)


def test_grouped_by_month_each_metric_is_keyed_by_its_own_date(quarter_data: Any) -> None:
    rows = kpi_rows(date_from=Q1_FROM, date_to=Q1_TO, group_by="month")
    assert [row["group"] for row in rows] == ["2025-04", "2025-05", "2025-06"]
    april, may, june = rows
    assert april == {
        "group": "2025-04",
        "recorded_offences": 2,  # A B
        "outcomes_assigned": 1,  # C
        "charged": 0,
        "charged_pct": 0.0,
        "positive_outcomes": 1,
        "positive_outcome_rate": 50.0,
        "victim_withdrawal": 0,
        "victim_withdrawal_pct": 0.0,
        "cps_referrals": 1,  # A
        "cps_charge_rate": None,  # C's further evidence and G's advice are not charging decisions
        "cps_action_plans": 1,  # C
        "cps_advice": 1,  # G
        "avg_days_to_charge": None,
        "avg_days_to_outcome": 90,
        "open_investigations": 3,  # A B F at 04-30
        "rui_pct": 50.0,  # A RUI, B bail
        "conviction_rate": None,
        "vcop_compliance_pct": 100.0,  # C yes
        "vcop_not_recorded": 0,
        "vps_offered_pct": None,  # C not recorded
        "vps_not_recorded": 1,
        "advocate_referral_pct": 0.0,  # C no
        "advocate_not_recorded": 0,
        "repeat_victims": 1,  # V1: A and B, both recorded in April
        "repeat_suspects": 0,  # S1's D and E were recorded in different months
    }
    assert may["recorded_offences"] == 1  # D
    assert [row["repeat_suspects"] for row in rows] == [0, 0, 0]  # S1: one investigation in May, one in June
    quarter = kpi_rows(date_from=Q1_FROM, date_to=Q1_TO, group_by="quarter")
    assert [(r["group"], r["repeat_victims"], r["repeat_suspects"]) for r in quarter] == [("2025-26-Q1", 1, 1)]
    assert (may["charged"], may["charged_pct"], may["avg_days_to_charge"]) == (1, 100.0, 30)
    assert may["conviction_rate"] == 0.0  # X acquitted 05-05
    assert (may["cps_referrals"], may["cps_charge_rate"]) == (1, 50.0)  # B referred; A charge, F NFA
    assert (may["cps_action_plans"], may["cps_advice"]) == (0, 0)
    assert (may["vcop_compliance_pct"], may["vps_offered_pct"], may["advocate_referral_pct"]) == (100.0, 100.0, 100.0)
    assert (june["vcop_compliance_pct"], june["vps_offered_pct"], june["advocate_referral_pct"]) == (0.0, 100.0, None)
    assert june["advocate_not_recorded"] == 1  # B
    assert may["open_investigations"] == 3  # B D F at 05-31
    assert may["rui_pct"] == 100.0  # D
    assert (june["victim_withdrawal"], june["victim_withdrawal_pct"]) == (1, 100.0)  # B
    assert june["positive_outcome_rate"] == 0.0  # E recorded, nothing positive
    assert june["avg_days_to_outcome"] == 60
    assert june["cps_charge_rate"] is None  # B's NFA is in July: no decision in June
    assert june["conviction_rate"] == 100.0  # A
    assert june["open_investigations"] == 3  # D E F at 06-30, the same as for the whole period


def test_a_partial_last_month_counts_open_cases_at_to(quarter_data: Any) -> None:
    rows = kpi_rows(date_from=date(2025, 4, 16), date_to=date(2025, 5, 5), group_by="month")
    assert [row["group"] for row in rows] == ["2025-04", "2025-05"]
    april, may = rows
    assert april["recorded_offences"] == 1  # B only (A is 04-10)
    assert april["outcomes_assigned"] == 0  # C's outcome is 04-15
    assert april["open_investigations"] == 3  # A B F at 04-30
    assert may["recorded_offences"] == 1  # D
    assert may["open_investigations"] == 4  # A B D F at 05-05 (A charged 05-10)


def test_grouped_by_quarter_and_financial_year_use_april_to_march(quarter_data: Any) -> None:
    rows = kpi_rows(date_from=date(2025, 1, 1), date_to=Q1_TO, group_by="quarter")
    assert [row["group"] for row in rows] == ["2024-25-Q4", "2025-26-Q1"]
    q4, q1 = rows
    assert q4["recorded_offences"] == 2  # C G
    assert q4["outcomes_assigned"] == 1  # G
    assert q4["open_investigations"] == 2  # C F at 03-31
    assert q4["rui_pct"] == 100.0  # F arrested 03-01
    assert q4["cps_referrals"] == 3  # F C G
    assert q1["recorded_offences"] == 4
    assert q1["open_investigations"] == 3

    years = kpi_rows(date_from=date(2024, 4, 1), date_to=date(2026, 3, 31), group_by="year")
    assert [row["group"] for row in years] == ["2024-25", "2025-26"]
    assert [row["recorded_offences"] for row in years] == [4, 5]  # X F C G | A B D E H
    assert [row["charged"] for row in years] == [1, 2]  # X | A E
    assert [row["open_investigations"] for row in years] == [2, 3]  # C F | D F H at 2026-03-31


def test_empty_periods_are_rows_of_zeros_and_nulls() -> None:
    rows = kpi_rows(date_from=date(2025, 4, 1), date_to=date(2025, 5, 31), group_by="month")
    assert [row["group"] for row in rows] == ["2025-04", "2025-05"]
    for row in rows:
        assert set(row) == {"group", *METRICS}
        assert row["recorded_offences"] == 0
        assert row["open_investigations"] == 0
        for metric in ("charged_pct", "positive_outcome_rate", "cps_charge_rate", "avg_days_to_charge"):
            assert row[metric] is None


def test_rounding_at_the_half_in_real_data() -> None:
    """16 recorded in April, one of them charged after 10 days and another after 15 days, one adult caution:
    positive 3/16 = 18.75 → 18.8; charged 2/3 = 66.67 → 66.7; days to charge (10 + 15) / 2 = 12.5 → 13."""
    for day in range(1, 14):
        InvestigationFactory(unplaced=True, recorded_date=f"2025-04-{day:02d}")
    InvestigationFactory(unplaced=True, recorded_date="2025-04-14", outcome_type="1", outcome_date="2025-04-24")
    InvestigationFactory(unplaced=True, recorded_date="2025-04-15", outcome_type="1", outcome_date="2025-04-30")
    InvestigationFactory(unplaced=True, recorded_date="2025-04-16", outcome_type="3", outcome_date="2025-04-17")
    row = kpi_rows(date_from=date(2025, 4, 1), date_to=date(2025, 4, 30))[0]
    assert row["recorded_offences"] == 16
    assert row["positive_outcome_rate"] == 18.8
    assert row["charged_pct"] == 66.7
    assert row["avg_days_to_charge"] == 13
    assert row["avg_days_to_outcome"] == 9  # (10 + 15 + 1) / 3 = 8.67


def test_day_differences_cross_month_and_leap_year_boundaries_exactly() -> None:
    # 2 days (leap year), then 366 days
    InvestigationFactory(unplaced=True, recorded_date="2024-02-28", outcome_type="1", outcome_date="2024-03-01")
    InvestigationFactory(unplaced=True, recorded_date="2023-12-31", outcome_type="1", outcome_date="2024-12-31")
    row = kpi_rows(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))[0]
    assert row["avg_days_to_charge"] == 184  # 368 / 2


# ---------------------------------------------------------------- grouping by strand and LPA, filters


@pytest.fixture
def mixed_data() -> None:
    InvestigationFactory(
        recorded_date="2025-04-02", lpa="birmingham", team="rasso", outcome_type="1", outcome_date="2025-04-20"
    )
    InvestigationFactory(recorded_date="2025-04-03", lpa="birmingham", team="rasso", flags=["spiking"])
    InvestigationFactory(
        recorded_date="2025-04-04", lpa="coventry", team="rasso", victim_age_group="child", flags=["spiking", "online"]
    )
    InvestigationFactory(
        recorded_date="2025-04-05",
        strand="domestic_abuse",
        offence_group="coercive_control",
        team="domestic_abuse",
        lpa="coventry",
        outcome_type="8",
        outcome_date="2025-04-06",
    )
    da = InvestigationFactory(
        unplaced=True, recorded_date="2025-04-06", strand="domestic_abuse", offence_group="violence", flags=["online"]
    )
    CpsReferralFactory(investigation=da, referral_date="2025-04-07", decision="charge", decision_date="2025-04-08")


def test_grouped_by_strand_gives_every_metric_per_strand_in_code_order(mixed_data: None) -> None:
    rows = kpi_rows(date_from=Q1_FROM, date_to=Q1_TO, group_by="strand")
    assert [row["group"] for row in rows] == ["domestic_abuse", "rasso"]
    da, rasso = rows
    assert (da["recorded_offences"], da["positive_outcomes"], da["positive_outcome_rate"]) == (2, 1, 50.0)
    assert (da["cps_referrals"], da["cps_charge_rate"]) == (1, 100.0)
    assert (rasso["recorded_offences"], rasso["charged"], rasso["positive_outcome_rate"]) == (3, 1, 33.3)
    assert (rasso["cps_referrals"], rasso["cps_charge_rate"]) == (0, None)
    assert rasso["open_investigations"] == 2


def test_grouped_by_lpa_puts_investigations_without_an_lpa_last_as_null(mixed_data: None) -> None:
    rows = kpi_rows(date_from=Q1_FROM, date_to=Q1_TO, group_by="lpa")
    assert [row["group"] for row in rows] == ["birmingham", "coventry", None]
    assert [row["recorded_offences"] for row in rows] == [2, 2, 1]
    assert [row["cps_referrals"] for row in rows] == [0, 0, 1]


@pytest.mark.parametrize(
    ("filters", "recorded", "referrals"),
    [
        ({"strand": "rasso"}, 3, 0),
        ({"offence_group": "violence"}, 1, 1),
        ({"victim_age_group": "child"}, 1, 0),
        ({"lpa": "Coventry"}, 2, 0),  # by name, any case
        ({"lpa": "BIRMINGHAM"}, 2, 0),
        ({"team": "domestic abuse"}, 1, 0),
        ({"team": "rasso"}, 3, 0),
        ({"flag": "spiking"}, 2, 0),
        ({"flag": "online"}, 2, 1),  # referrals are filtered through their investigation
        ({"strand": "rasso", "flag": "spiking", "victim_age_group": "adult"}, 1, 0),
        ({"strand": ""}, 5, 1),  # a blank filter is no filter
    ],
)
def test_filters_apply_to_investigations_and_to_referrals_through_them(
    mixed_data: None, filters: dict[str, str], recorded: int, referrals: int
) -> None:
    row = kpi_rows(date_from=Q1_FROM, date_to=Q1_TO, filters=filters)[0]
    assert (row["recorded_offences"], row["cps_referrals"]) == (recorded, referrals)


@pytest.mark.parametrize(
    ("filters", "param"),
    [
        ({"strand": "burglary"}, "strand"),
        ({"offence_group": "fraud"}, "offence_group"),
        ({"victim_age_group": "elderly"}, "victim_age_group"),
        ({"lpa": "Atlantis"}, "lpa"),
        ({"team": "cid"}, "team"),
        ({"flag": "Spiking drinks"}, "flag"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_unknown_filter_codes_are_refused_naming_the_parameter(filters: dict[str, str], param: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        kpi_rows(date_from=Q1_FROM, date_to=Q1_TO, filters=filters)
    assert param in caught.value.message
    assert param in caught.value.extra


def test_an_unknown_grouping_or_a_reversed_period_is_refused() -> None:
    with pytest.raises(ApplicationError, match="group_by"):
        kpi_rows(date_from=Q1_FROM, date_to=Q1_TO, group_by="week")
    with pytest.raises(ApplicationError, match="from"):
        kpi_rows(date_from=Q1_TO, date_to=Q1_FROM)


def test_soteria_gives_its_subset_for_the_filters_given(quarter_data: Any) -> None:
    InvestigationFactory(unplaced=True, recorded_date="2025-04-10", victim_age_group="child")
    figures = soteria(date_from=Q1_FROM, date_to=Q1_TO, filters={"offence_group": "rape", "victim_age_group": "adult"})
    assert set(figures) == {"from", "to", *SOTERIA_METRICS}
    assert figures["recorded_offences"] == 4  # the child's case is not counted
    assert figures["charged_pct"] == 33.3
    assert figures["victim_withdrawal_pct"] == 33.3
    assert figures["cps_referrals"] == 3
    assert figures["avg_days_to_charge"] == 30
    assert soteria(date_from=Q1_FROM, date_to=Q1_TO)["recorded_offences"] == 5


# ---------------------------------------------------------------- query counts


def _queries(**kwargs: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        kpi_rows(**kwargs)
    return len(captured)


def _spread(count: int, start: date, days: int) -> None:
    """Investigations touching every metric family, victim care and each kind of CPS decision included."""
    decisions = ("charge", "nfa", "further_evidence", "advice", "")
    for n in range(count):
        recorded = start + timedelta(days=(n * 37) % days)
        charged = n % 3 == 0
        case = InvestigationFactory(
            unplaced=True,
            recorded_date=recorded,
            outcome_type="1" if charged else "",
            outcome_date=recorded + timedelta(days=20) if charged else None,
            arrest_date=recorded,
            bail_status="rui" if n % 2 else "bail",
            vcop_compliant=("yes", "no", "")[n % 3],
            vps_offered=("yes", "no", "")[(n + 1) % 3],
            advocate_referral=("yes", "no", "")[(n + 2) % 3],
            victim_id=f"V{n % 4}",  # four people, each with several investigations: repeat victims
            suspect_id=f"S{n % 3}" if n % 2 else "",
        )
        decision = decisions[n % 5]
        CpsReferralFactory(
            investigation=case,
            referral_date=recorded,
            decision=decision,
            decision_date=recorded + timedelta(days=5) if decision else None,
        )


@pytest.mark.parametrize("group_by", [None, "month", "quarter", "year", "strand", "lpa"])
@pytest.mark.parametrize("fractions", [False, True])
def test_the_number_of_queries_does_not_grow_with_months_or_investigations(
    group_by: str | None, fractions: bool
) -> None:
    _spread(10, date(2023, 4, 1), 720)
    small = _queries(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31), group_by=group_by, fractions=fractions)
    _spread(60, date(2023, 4, 1), 720)
    large = _queries(date_from=date(2023, 4, 1), date_to=date(2025, 3, 31), group_by=group_by, fractions=fractions)
    assert small == large
    assert large <= 8  # seven for the figures (two from the rollup), one for repeat victims and suspects
    # the new metrics are in those same queries, with figures
    rows = kpi_rows(date_from=date(2023, 4, 1), date_to=date(2025, 3, 31), group_by=group_by)
    assert sum(row["cps_action_plans"] + row["cps_advice"] for row in rows) > 0
    assert any(row["vcop_compliance_pct"] is not None for row in rows)
    assert sum(row["advocate_not_recorded"] for row in rows) > 0
    assert any(row["repeat_victims"] for row in rows) and any(row["repeat_suspects"] for row in rows)


def test_a_24_month_grouped_request_with_filters_needs_few_queries(
    django_assert_max_num_queries: Any,
) -> None:
    _spread(30, date(2023, 4, 1), 720)
    # three to resolve the filter codes, seven for the figures, one for repeat victims and suspects
    with django_assert_max_num_queries(11):
        rows = kpi_rows(
            date_from=date(2023, 4, 1),
            date_to=date(2025, 3, 31),
            group_by="month",
            filters={"lpa": "birmingham", "team": "rasso", "flag": "online"},
            fractions=True,
        )
    assert len(rows) == 24


# ---------------------------------------------------------------- numerators and denominators


def test_with_fractions_every_rate_comes_with_its_numerator_and_denominator(quarter_data: Any) -> None:
    [row] = kpi_rows(date_from=Q1_FROM, date_to=Q1_TO, fractions=True)
    assert row["fractions"] == {
        "charged_pct": (1, 3),  # A of A B C
        "positive_outcome_rate": (2, 4),  # A C of A B D E
        "victim_withdrawal_pct": (1, 3),
        "cps_charge_rate": (1, 2),  # A charge of A charge + F NFA
        "rui_pct": (2, 3),
        "conviction_rate": (1, 2),
        "vcop_compliance_pct": (2, 3),
        "vps_offered_pct": (2, 2),
        "advocate_referral_pct": (1, 2),
    }
    assert "fractions" not in kpi_rows(date_from=Q1_FROM, date_to=Q1_TO)[0]
