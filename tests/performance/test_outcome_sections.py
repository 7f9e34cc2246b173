"""The dashboard's outcome analytics: outcome groups, the attrition funnel, victim care and CPS decisions."""

from __future__ import annotations

import html as html_text
from typing import Any

import pytest

from oversight.roles import Role
from tests.cases.factories import CpsReferralFactory, InvestigationFactory
from tests.performance.test_performance_pages import PARAMS, URL, _chart, _csv
from tests.performance.test_performance_pages import _rows as _escaped_rows


def _rows(page: str, table_key: str) -> list[list[str]]:
    return [[html_text.unescape(cell) for cell in row] for row in _escaped_rows(page, table_key)]


pytestmark = pytest.mark.django_db


@pytest.fixture
def data() -> None:
    """Adult rapes. Period P = 2025-04-01 … 06-30; a year earlier 2024-04-01 … 06-30.

    A recorded 04-10, arrested 04-11, charged (1) 05-10, convicted 2025-09-01; VCOP yes, VPS yes, ISVA yes;
      referred 04-20, CPS charge 05-01
    B recorded 04-20, outcome 16 on 06-01; VCOP no, VPS –, ISVA no; referred 05-01, NFA 05-20
    C recorded 05-05, outcome 15 on 06-10; VCOP yes, VPS no, ISVA –; referred 05-10, further evidence 05-15
    D recorded 05-06, outcome 14 on 06-11; referred 05-07, early advice 05-08
    E 06-01 outcome 21 on 06-20; F 06-02 outcome 18 on 06-21; G 06-03 outcome 3 on 06-22; H 06-04 open
    A year earlier: I recorded 2024-04-10, arrested, charged (1) 2024-05-10, VCOP no; J recorded 2024-05-01, open.
    """
    a = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-04-10",
        arrest_date="2025-04-11",
        outcome_type="1",
        outcome_date="2025-05-10",
        court_outcome="convicted",
        court_outcome_date="2025-09-01",
        vcop_compliant="yes",
        vps_offered="yes",
        advocate_referral="yes",
        crime_reference="20/777/25",
    )
    CpsReferralFactory(investigation=a, referral_date="2025-04-20", decision="charge", decision_date="2025-05-01")
    b = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-04-20",
        outcome_type="16",
        outcome_date="2025-06-01",
        vcop_compliant="no",
        advocate_referral="no",
    )
    CpsReferralFactory(investigation=b, referral_date="2025-05-01", decision="nfa", decision_date="2025-05-20")
    c = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-05-05",
        outcome_type="15",
        outcome_date="2025-06-10",
        vcop_compliant="yes",
        vps_offered="no",
    )
    CpsReferralFactory(
        investigation=c, referral_date="2025-05-10", decision="further_evidence", decision_date="2025-05-15"
    )
    d = InvestigationFactory(unplaced=True, recorded_date="2025-05-06", outcome_type="14", outcome_date="2025-06-11")
    CpsReferralFactory(investigation=d, referral_date="2025-05-07", decision="advice", decision_date="2025-05-08")
    for day, code in ((1, "21"), (2, "18"), (3, "3")):
        InvestigationFactory(
            unplaced=True, recorded_date=f"2025-06-0{day}", outcome_type=code, outcome_date=f"2025-06-{19 + day}"
        )
    InvestigationFactory(unplaced=True, recorded_date="2025-06-04")
    InvestigationFactory(
        unplaced=True,
        recorded_date="2024-04-10",
        arrest_date="2024-04-11",
        outcome_type="1",
        outcome_date="2024-05-10",
        vcop_compliant="no",
    )
    InvestigationFactory(unplaced=True, recorded_date="2024-05-01")


@pytest.fixture
def html(client_for: Any, data: None) -> str:
    response = client_for(Role.OPCC_SCRUTINY).get(URL, PARAMS)
    assert response.status_code == 200
    return response.content.decode()


def test_the_outcome_chart_shows_the_home_office_groups_with_14_15_16_18_and_21_apart(html: str) -> None:
    chart = _chart(html, "chart-outcomes")
    labels = [" ".join(label) for label in chart["labels"]]
    assert labels[:5] == [
        "Charged/summonsed",
        "Out-of-court (formal)",
        "Out-of-court (informal)",
        "Taken into consideration",
        "Diversionary",
    ]
    assert [label.split(" ")[0] for label in labels[5:]] == ["15", "14", "16", "Prevented", "21", "Action", "18"]
    # outcomes in P: 1, 3, 15, 14, 16, 21, 18: one each of seven
    assert chart["datasets"][0]["data"] == [1, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1]
    assert chart["datasets"][0]["fractions"][0] == [1, 7]


def test_the_outcome_tables_give_counts_and_shares_of_all_outcomes(html: str) -> None:
    groups = _rows(html, "outcome_groups")
    assert groups[0] == ["Charged/summonsed", "1, 1A", "1", "14.3% (1 of 7)"]  # 1 / 7 = 14.29
    assert groups[1] == ["Out-of-court (formal)", "2, 3, 6", "1", "14.3% (1 of 7)"]
    assert groups[2] == ["Out-of-court (informal)", "7, 8", "0", "0.0% (0 of 7)"]
    assert groups[-1] == ["All outcomes", "", "7", "100.0% (7 of 7)"]
    types = _rows(html, "outcome_types")
    assert [row[0] for row in types] == ["1", "3", "14", "15", "16", "18", "21"]
    assert types[4] == [
        "16",
        "Evidential difficulties – victim does not support (or withdraws support)",
        "Evidential difficulties: victim does not support",
        "1",
        "14.3% (1 of 7)",
    ]


def test_the_funnel_puts_this_cohort_beside_the_same_dates_a_year_earlier(html: str) -> None:
    rows = _rows(html, "funnel")
    # this cohort: A … H = 8; a year earlier I, J = 2
    assert rows == [
        ["Recorded", "8", "100.0% (8 of 8)", "2", "100.0% (2 of 2)"],
        ["Suspect arrested", "1", "12.5% (1 of 8)", "1", "50.0% (1 of 2)"],  # A | I
        ["Referred to the CPS", "4", "50.0% (4 of 8)", "0", "0.0% (0 of 2)"],  # A B C D
        ["Charged/summonsed (outcome 1 or 1A)", "1", "12.5% (1 of 8)", "1", "50.0% (1 of 2)"],
        ["Court outcome", "1", "12.5% (1 of 8)", "0", "0.0% (0 of 2)"],
        ["Convicted", "1", "12.5% (1 of 8)", "0", "0.0% (0 of 2)"],
    ]
    chart = _chart(html, "chart-funnel")
    assert chart["horizontal"] is True
    now, before = chart["datasets"]
    assert now["data"] == [100.0, 12.5, 50.0, 12.5, 12.5, 12.5]
    assert before["data"] == [100.0, 50.0, 0.0, 50.0, 0.0, 0.0]
    assert now["label"] == "Recorded 1 April 2025 to 30 June 2025"


def test_victim_care_leaves_not_recorded_out_of_the_rate_and_counts_it(html: str) -> None:
    assert _rows(html, "victim_care") == [
        # outcomes in P: A … G (7); a year earlier: I
        ["Victims' Code compliance", "66.7% (2 of 3)", "4", "0.0% (0 of 1)", "0"],  # yes A C, no B
        ["Victim personal statement offered", "50.0% (1 of 2)", "5", "–", "1"],  # yes A, no C
        ["ISVA/IDVA referral", "50.0% (1 of 2)", "5", "–", "1"],  # yes A, no B
    ]
    chart = _chart(html, "chart-victim-care")
    assert chart["datasets"][0]["data"] == [66.7, 50.0, 50.0]
    assert chart["datasets"][0]["fractions"] == [[2, 3], [1, 2], [1, 2]]
    assert chart["datasets"][1]["data"] == [0.0, None, None]


def test_cps_decisions_give_the_charge_rate_of_charge_and_nfa_only(html: str) -> None:
    assert _rows(html, "cps_decisions") == [
        ["Charge decisions", "0", "1"],  # 2024-25-Q1 | 2025-26-Q1: A
        ["No further action decisions", "0", "1"],  # B
        ["CPS charge rate (charge of charge and NFA decisions)", "–", "50.0% (1 of 2)"],
        ["Action plans (further evidence requested)", "0", "1"],  # C: not in the rate
        ["Early advice", "0", "1"],  # D: not in the rate
    ]
    headline = {row[0]: row[1:] for row in _rows(html, "headline")}
    assert headline["CPS charge rate (% of charge and NFA decisions)"] == ["50.0% (1 of 2)", "–"]
    assert headline["CPS action plans (further evidence requested)"] == ["1", "0"]
    assert headline["Victims' Code compliance not recorded"] == ["4", "0"]
    tile = html.split('data-testid="tile-cps_charge_rate"')[1].split("</li>")[0]
    assert "50.0%" in tile and "1 of 2" in tile


def test_the_page_explains_the_noise_rule_and_shows_no_crime_reference(html: str) -> None:
    assert 'data-testid="noise-rule"' in html
    assert "|z| &lt; 2" in html
    assert "20/777/25" not in html


def test_the_new_tables_download_with_numbers_as_numbers(client_for: Any, data: None) -> None:
    client = client_for(Role.COMMITMENT_LEAD)
    groups = _csv(client.get(URL, {**PARAMS, "table": "outcome_groups", "format": "csv"}))
    assert groups[0] == ["Outcome group", "Outcome codes", "Outcomes", "Share of all outcomes"]
    assert groups[1] == ["Charged/summonsed", "1, 1A", "1", "14.3"]
    funnel = _csv(client.get(URL, {**PARAMS, "table": "funnel", "format": "csv"}))
    assert funnel[2] == ["Suspect arrested", "1", "12.5", "1", "50.0"]
    care = _csv(client.get(URL, {**PARAMS, "table": "victim_care", "format": "csv"}))
    assert care[1] == ["Victims' Code compliance", "66.7", "4", "0.0", "0"]


def test_a_change_beyond_the_noise_is_called_improving(client_for: Any) -> None:
    """40 recorded in each period; 20 positive now (50 %) against 4 a year earlier (10 %).
    Pooled 24 / 80 = 0.3; se = √(0.3 × 0.7 × (1/40 + 1/40)) = 0.1025; z = 0.4 / 0.1025 = 3.9."""
    for year in (2024, 2025):
        for n in range(40):
            positive = n < (20 if year == 2025 else 4)
            InvestigationFactory(
                unplaced=True,
                recorded_date=f"{year}-04-{1 + n % 28:02d}",
                outcome_type="8" if positive else "",
                outcome_date=f"{year}-05-01" if positive else None,
            )
    page = client_for(Role.OPCC_SCRUTINY).get(URL, PARAMS).content.decode()
    tile = page.split('data-testid="tile-positive_outcome_rate"')[1].split("</li>")[0]
    assert "50.0%" in tile and "20 of 40" in tile
    assert "Beyond the noise (z = 3.9)" in tile
    assert "Improving" in tile
    recorded = page.split('data-testid="tile-recorded_offences"')[1].split("</li>")[0]
    assert "No change on the same period last year." in recorded
