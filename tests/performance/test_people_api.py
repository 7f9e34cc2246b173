"""Disproportionality and bail/RUI figures (performance/people.py) and their API, on hand-built data.

Wilson intervals below were worked out from (p + z²/2n ± z √(p(1 − p)/n + z²/4n²)) / (1 + z²/n), z = 1.96.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from oversight.disclosure import FEWER_THAN, SMALL_GROUP, suppressed
from oversight.roles import Role
from performance.people import bail_summary, disproportionality, disproportionality_tables
from performance.statistics import percentile, wilson_interval
from tests.cases.factories import InvestigationFactory

pytestmark = pytest.mark.django_db

DISPROPORTIONALITY = "/api/v1/kpis/disproportionality/"
BAIL = "/api/v1/kpis/bail/"
PERIOD = {"from": "2025-04-01", "to": "2025-06-30"}
P_FROM, P_TO = date(2025, 4, 1), date(2025, 6, 30)


@pytest.fixture
def people() -> None:
    """P = 2025-04-01 … 06-30, every investigation recorded 2025-05-01.

    12 female victims aged 20 (age band 18-24): 3 charged (1) 06-01, 1 victim withdrawal (16) 06-01,
       8 open → positive 3 of 12 = 25.0% (Wilson 8.9–53.2); charged 3 of 4 outcomes = 75.0% (30.1–95.4);
       withdrawal 1 of 4 = 25.0% (4.6–69.9)
    3 male victims, age not recorded: 1 charged 06-01 → positive 1 of 3 = 33.3% (6.1–79.2); charged 1 of 1
    1 victim whose sex is not recorded, open
    Overall by sex: 16 recorded, positive 4 of 16 = 25.0% (10.2–49.5); female ratio 1.0, male 33.3 / 25.0 = 1.33.
    Outside P: one female victim recorded 2025-03-01 with no outcome (touches nothing in P).
    """
    for n in range(12):
        outcome = "1" if n < 3 else "16" if n == 3 else ""
        InvestigationFactory(
            unplaced=True,
            recorded_date="2025-05-01",
            victim_sex="female",
            victim_age=20,
            outcome_type=outcome,
            outcome_date="2025-06-01" if outcome else None,
        )
    for n in range(3):
        InvestigationFactory(
            unplaced=True,
            recorded_date="2025-05-01",
            victim_sex="male",
            outcome_type="1" if n == 0 else "",
            outcome_date="2025-06-01" if n == 0 else None,
        )
    InvestigationFactory(unplaced=True, recorded_date="2025-05-01")
    InvestigationFactory(unplaced=True, recorded_date="2025-03-01", victim_sex="female")


def _table(body: dict[str, Any], person: str, dimension: str) -> dict[str, Any]:
    return next(t for t in body["tables"] if (t["person"], t["dimension"]) == (person, dimension))


def test_wilson_interval_and_percentiles_by_hand() -> None:
    low, high = wilson_interval(3, 12) or (0, 0)
    assert (round(low, 1), round(high, 1)) == (8.9, 53.2)
    low, high = wilson_interval(0, 1) or (0, 0)
    assert (round(low, 1), round(high, 1)) == (0.0, 79.3)  # never below 0
    assert wilson_interval(0, 0) is None and wilson_interval(5, 4) is None
    assert percentile({29: 1, 166: 1}, 0.5) == 97.5
    assert percentile({10: 1, 90: 1, 394: 1}, 0.9) == pytest.approx(333.2)  # rank 1.8: 90 + 0.8 × 304
    assert percentile({}, 0.5) is None


def test_the_disclosure_rule() -> None:
    assert suppressed(SMALL_GROUP - 1, full=False) and not suppressed(SMALL_GROUP, full=False)
    assert not suppressed(1, full=True)
    assert FEWER_THAN == "fewer than 10"


def test_case_roles_see_every_group_with_intervals_and_ratios(api_client_for: Any, people: None) -> None:
    response = api_client_for(Role.CASE_EDITOR).get(DISPROPORTIONALITY, PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert [(t["person"], t["dimension"]) for t in body["tables"]] == [
        (person, dimension) for person in ("victim", "suspect") for dimension in ("sex", "age_band", "ethnicity")
    ]
    sex = _table(body, "victim", "sex")
    assert sex["overall"]["recorded_offences"] == 16
    assert sex["overall"]["positive_outcome_rate"] == {
        "rate": 25.0,
        "lower": 10.2,
        "upper": 49.5,
        "numerator": 4,
        "denominator": 16,
        "ratio_to_overall": None,
    }
    female, male, not_recorded = sex["rows"]
    assert (female["group"], female["investigations"], female["recorded_offences"]) == ("female", 12, 12)
    assert female["positive_outcome_rate"] == {
        "rate": 25.0,
        "lower": 8.9,
        "upper": 53.2,
        "numerator": 3,
        "denominator": 12,
        "ratio_to_overall": 1.0,
    }
    assert (female["charged_pct"]["rate"], female["charged_pct"]["lower"], female["charged_pct"]["upper"]) == (
        75.0,
        30.1,
        95.4,
    )
    assert (female["victim_withdrawal_pct"]["rate"], female["victim_withdrawal_pct"]["lower"]) == (25.0, 4.6)
    assert (male["suppressed"], male["positive_outcome_rate"]["rate"]) == (False, 33.3)
    assert male["positive_outcome_rate"]["ratio_to_overall"] == 1.33
    assert (not_recorded["group"], not_recorded["investigations"]) == ("not_recorded", 1)
    ages = _table(body, "victim", "age_band")
    assert [(row["group"], row["investigations"]) for row in ages["rows"]] == [("18-24", 12), ("not_recorded", 4)]
    # nobody recorded a suspect's sex: one group, not recorded
    assert [row["group"] for row in _table(body, "suspect", "sex")["rows"]] == ["not_recorded"]


def test_opcc_sees_small_groups_as_fewer_than_10(api_client_for: Any, people: None) -> None:
    body = api_client_for(Role.OPCC_SCRUTINY).get(DISPROPORTIONALITY, PERIOD).json()
    female, male, not_recorded = _table(body, "victim", "sex")["rows"]
    assert female["suppressed"] is False and female["investigations"] == 12
    for row in (male, not_recorded):  # 3 and 1 investigations
        assert row["suppressed"] is True
        assert row["investigations"] is None and row["recorded_offences"] is None
        assert row["positive_outcome_rate"] is None and row["charged_pct"] is None
    # the overall figures are not a small group's
    assert _table(body, "victim", "sex")["overall"]["recorded_offences"] == 16


def test_the_downloaded_tables_apply_the_same_rule(people: None) -> None:
    def sex_table(full: bool) -> Any:
        result = disproportionality(date_from=P_FROM, date_to=P_TO, full=full)
        return disproportionality_tables(result, lambda key: "")[0]

    withheld = sex_table(False)
    assert withheld.rows[1] == ["Male", *([FEWER_THAN] * 11)]
    assert withheld.rows[0][1] == 12
    shown = sex_table(True)
    assert shown.rows[1][1] == 3
    assert shown.rows[1][3:6] == ["33.3% (1 of 3)", "6.1–79.2%", 1.33]
    assert shown.rows[-1][:6] == ["All", 16, 16, "25.0% (4 of 16)", "10.2–49.5%", 1.0]


def test_disproportionality_takes_the_kpi_filters_and_refuses_bad_input(api_client_for: Any, people: None) -> None:
    client = api_client_for(Role.CASE_EDITOR)
    body = client.get(DISPROPORTIONALITY, {**PERIOD, "strand": "domestic_abuse"}).json()
    assert _table(body, "victim", "sex")["rows"] == []
    response = client.get(DISPROPORTIONALITY, {**PERIOD, "strand": "nope", "colour": "red"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"strand", "colour"}
    assert client.get(DISPROPORTIONALITY, {"from": "2025-06-30", "to": "2025-04-01"}).status_code == 400


# ---------------------------------------------------------------- bail and RUI


@pytest.fixture
def bail() -> None:
    """On 2025-06-30 (3, 6, 12 months earlier: 03-30, 12-30, 2024-06-30, i.e. more than 92, 182, 365 days):

    B1 bail from 06-01, expires 07-10: on bail 29 days, expiring within 14 days (06-30 … 07-14)
    B2 bail from 01-15, expires 08-01: on bail 166 days (over 3 months)
    B3 bail from 03-01, expired 05-01: not on bail
    B4 bail from 02-01, then RUI from 04-01: RUI 90 days
    R1 RUI from 2024-06-01: RUI 394 days (over 3, 6 and 12 months)
    R2 RUI from 05-01, outcome 06-15: neither
    R3 RUI from 06-20: RUI 10 days
    Bail: 2, median (29 + 166) / 2 = 97.5, 90th percentile 29 + 0.9 × 137 = 152.3; over 3 months 1.
    RUI: 3 (10, 90, 394), median 90, 90th percentile 90 + 0.8 × 304 = 333.2; over 3, 6, 12 months 1 each.
    """
    base = {"unplaced": True, "recorded_date": "2024-05-01"}
    InvestigationFactory(**base, bail_start_date="2025-06-01", bail_expiry_date="2025-07-10")
    InvestigationFactory(**base, bail_start_date="2025-01-15", bail_expiry_date="2025-08-01")
    InvestigationFactory(**base, bail_start_date="2025-03-01", bail_expiry_date="2025-05-01")
    InvestigationFactory(**base, bail_start_date="2025-02-01", rui_start_date="2025-04-01")
    InvestigationFactory(**base, rui_start_date="2024-06-01")
    InvestigationFactory(**base, rui_start_date="2025-05-01", outcome_type="18", outcome_date="2025-06-15")
    InvestigationFactory(**base, rui_start_date="2025-06-20", strand="domestic_abuse", offence_group="violence")


def test_bail_and_rui_on_a_day(bail: None) -> None:
    summary = bail_summary(on=date(2025, 6, 30))
    assert summary["bail"] == {
        "count": 2,
        "median_days": 97.5,
        "p90_days": 152.3,
        "over_3_months": 1,
        "over_6_months": 0,
        "over_12_months": 0,
    }
    assert summary["rui"] == {
        "count": 3,
        "median_days": 90.0,
        "p90_days": 333.2,
        "over_3_months": 1,
        "over_6_months": 1,
        "over_12_months": 1,
    }
    assert summary["bail_expiring_14_days"] == 1


def test_the_bail_api_for_every_role_with_filters(api_client_for: Any, bail: None) -> None:
    body = api_client_for(Role.OPCC_SCRUTINY).get(BAIL, {"on": "2025-06-30", "strand": "domestic_abuse"}).json()
    assert (body["bail"]["count"], body["rui"]["count"], body["rui"]["median_days"]) == (0, 1, 10.0)
    assert body["bail"]["median_days"] is None
    client = api_client_for(Role.CASE_EDITOR)
    response = client.get(BAIL, {"on": "30/06/2025", "wrong": "1"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"on", "wrong"}
    assert client.get(BAIL).status_code == 200  # today by default


def test_a_fixed_number_of_queries_whatever_the_data(django_assert_num_queries: Any, people: None, bail: None) -> None:
    with django_assert_num_queries(6):  # one per (victims, suspects) × (sex, age band, ethnicity)
        disproportionality(date_from=P_FROM, date_to=P_TO, full=True)
    with django_assert_num_queries(1):  # grouped by status and days
        bail_summary(on=date(2025, 6, 30))
