"""GET /api/v1/kpis/outcomes/ and /api/v1/kpis/funnel/ (DESIGN.md §4), and the new KPI row metrics."""

from __future__ import annotations

from typing import Any

import pytest

from oversight.roles import Role
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

pytestmark = pytest.mark.django_db

KPIS = "/api/v1/kpis/"
OUTCOMES = "/api/v1/kpis/outcomes/"
FUNNEL = "/api/v1/kpis/funnel/"
PERIOD = {"from": "2025-04-01", "to": "2025-06-30"}


@pytest.fixture
def data() -> None:
    """P = 2025-04-01 … 06-30.

    A recorded 04-10 Walsall, arrested 04-11, referred 04-20 (charge 05-01), charged (1) 05-10, convicted 2025-10-01;
      Victims' Code yes, VPS yes, ISVA/IDVA yes
    B recorded 05-20 Walsall, victim withdrawal (16) 06-01; Victims' Code no, VPS not recorded, ISVA/IDVA no;
      referred 05-25, NFA 05-30
    C recorded 06-05, domestic abuse, open; referred 06-06, further evidence 06-20
    D recorded 2025-01-10, no suspect identified (18) 04-02 (outcome in P, not in the cohort);
      Victims' Code yes, VPS no, ISVA/IDVA not recorded; referred 02-01, early advice 04-01
    E recorded 2025-07-01 (after P), charged (1A) 07-20
    """
    a = InvestigationFactory(
        unplaced=True,
        lpa="walsall",
        recorded_date="2025-04-10",
        arrest_date="2025-04-11",
        outcome_type="1",
        outcome_date="2025-05-10",
        court_outcome="convicted",
        court_outcome_date="2025-10-01",
        vcop_compliant="yes",
        vps_offered="yes",
        advocate_referral="yes",
    )
    CpsReferralFactory(investigation=a, referral_date="2025-04-20", decision="charge", decision_date="2025-05-01")
    b = InvestigationFactory(
        unplaced=True,
        lpa="walsall",
        recorded_date="2025-05-20",
        outcome_type="16",
        outcome_date="2025-06-01",
        vcop_compliant="no",
        advocate_referral="no",
    )
    CpsReferralFactory(investigation=b, referral_date="2025-05-25", decision="nfa", decision_date="2025-05-30")
    c = InvestigationFactory(
        unplaced=True, recorded_date="2025-06-05", strand="domestic_abuse", offence_group="violence"
    )
    CpsReferralFactory(
        investigation=c, referral_date="2025-06-06", decision="further_evidence", decision_date="2025-06-20"
    )
    d = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-01-10",
        outcome_type="18",
        outcome_date="2025-04-02",
        vcop_compliant="yes",
        vps_offered="no",
    )
    CpsReferralFactory(investigation=d, referral_date="2025-02-01", decision="advice", decision_date="2025-04-01")
    InvestigationFactory(unplaced=True, recorded_date="2025-07-01", outcome_type="1A", outcome_date="2025-07-20")


def test_outcomes_lists_each_type_with_its_group_and_share(api_client_for: Any, data: None) -> None:
    response = api_client_for(Role.OPCC_SCRUTINY).get(OUTCOMES, PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["from", "to", "total", "rows"]
    # outcomes dated in P: A (1) 05-10, D (18) 04-02, B (16) 06-01: three, a third each (33.33 → 33.3)
    assert body == {
        "from": "2025-04-01",
        "to": "2025-06-30",
        "total": 3,
        "rows": [
            {
                "outcome_type": "1",
                "label": "Charged/summonsed",
                "outcome_group": "charged",
                "count": 1,
                "pct": 33.3,
            },
            {
                "outcome_type": "16",
                "label": "Evidential difficulties – victim does not support (or withdraws support)",
                "outcome_group": "evidential_victim_no_support",
                "count": 1,
                "pct": 33.3,
            },
            {
                "outcome_type": "18",
                "label": "Investigation complete – no suspect identified",
                "outcome_group": "no_suspect",
                "count": 1,
                "pct": 33.3,
            },
        ],
    }


def test_outcomes_take_the_kpi_filters(api_client_for: Any, data: None) -> None:
    body = api_client_for(Role.AUDIT_LEAD).get(OUTCOMES, {**PERIOD, "lpa": "Walsall"}).json()
    # A and B are in Walsall: 1 and 16, half each
    assert body["total"] == 2
    assert [(r["outcome_type"], r["pct"]) for r in body["rows"]] == [("1", 50.0), ("16", 50.0)]


def test_the_funnel_gives_each_stage_of_the_cohort_recorded_in_the_period(api_client_for: Any, data: None) -> None:
    response = api_client_for(Role.OPCC_SCRUTINY).get(FUNNEL, PERIOD)
    assert response.status_code == 200
    # cohort A B C (D before P, E after): arrested A; referred A B C; charged A; court outcome and convicted A
    assert response.json() == {
        "from": "2025-04-01",
        "to": "2025-06-30",
        "stages": [
            {"stage": "recorded", "count": 3, "pct_of_recorded": 100.0},
            {"stage": "arrested", "count": 1, "pct_of_recorded": 33.3},
            {"stage": "referred_to_cps", "count": 3, "pct_of_recorded": 100.0},
            {"stage": "charged", "count": 1, "pct_of_recorded": 33.3},
            {"stage": "court_outcome", "count": 1, "pct_of_recorded": 33.3},
            {"stage": "convicted", "count": 1, "pct_of_recorded": 33.3},
        ],
    }


def test_the_funnel_takes_the_kpi_filters(api_client_for: Any, data: None) -> None:
    body = api_client_for(Role.BOARD_CHAIR).get(FUNNEL, {**PERIOD, "strand": "domestic_abuse"}).json()
    # C only: referred, nothing more
    assert [(s["stage"], s["count"], s["pct_of_recorded"]) for s in body["stages"]] == [
        ("recorded", 1, 100.0),
        ("arrested", 0, 0.0),
        ("referred_to_cps", 1, 100.0),
        ("charged", 0, 0.0),
        ("court_outcome", 0, 0.0),
        ("convicted", 0, 0.0),
    ]


def test_kpi_rows_carry_victim_care_and_the_cps_decisions(api_client_for: Any, data: None) -> None:
    [row] = api_client_for(Role.OPCC_SCRUTINY).get(KPIS, PERIOD).json()["rows"]
    # outcomes in P: A, B, D
    assert (row["vcop_compliance_pct"], row["vcop_not_recorded"]) == (66.7, 0)  # yes A D, no B: 2 / 3
    assert (row["vps_offered_pct"], row["vps_not_recorded"]) == (50.0, 1)  # yes A, no D, B not recorded: 1 / 2
    assert (row["advocate_referral_pct"], row["advocate_not_recorded"]) == (50.0, 1)  # yes A, no B, D not recorded
    # decisions in P: A charge 05-01, B NFA 05-30, C further evidence 06-20, D advice 04-01
    assert (row["cps_charge_rate"], row["cps_action_plans"], row["cps_advice"]) == (50.0, 1, 1)
    assert "fractions" not in row  # the API rows keep the contract's shape


@pytest.mark.parametrize("url", [OUTCOMES, FUNNEL])
@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"to": "2025-06-30"}, "from"),
        ({"from": "2025-04-01"}, "to"),
        ({"from": "2025-13-01", "to": "2025-06-30"}, "from"),
        ({"from": "2025-07-01", "to": "2025-06-30"}, "from"),
        ({**PERIOD, "strand": "burglary"}, "strand"),
        ({**PERIOD, "lpa": "Gotham"}, "lpa"),
        ({**PERIOD, "flag": "nope"}, "flag"),
        ({**PERIOD, "group_by": "month"}, "group_by"),
        ({**PERIOD, "colour": "red"}, "colour"),
    ],
)
def test_bad_parameters_get_400_naming_the_parameter(
    api_client_for: Any, url: str, params: dict[str, str], param: str
) -> None:
    response = api_client_for(Role.OPCC_SCRUTINY).get(url, params)
    assert response.status_code == 400
    body = response.json()
    assert param in body["message"]
    assert param in body["errors"]


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_role_may_read_them_and_they_hold_no_crime_reference(api_client_for: Any, data: None, role: Role) -> None:
    client = api_client_for(role)
    for url in (OUTCOMES, FUNNEL):
        response = client.get(url, PERIOD)
        assert response.status_code == 200
        assert "20/" not in response.content.decode()  # aggregates only


@pytest.mark.parametrize("url", [OUTCOMES, FUNNEL])
def test_they_refuse_a_user_without_a_role_anonymous_callers_and_writes(
    api_client_for: Any, client: Any, url: str
) -> None:
    assert api_client_for().get(url, PERIOD).status_code == 403
    assert client.get(url, PERIOD).status_code in (401, 403)
    assert api_client_for(Role.ADMINISTRATOR).post(url, PERIOD).status_code == 405


def test_the_schema_documents_both_endpoints(client_for: Any) -> None:
    schema = client_for(Role.OPCC_SCRUTINY).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/kpis/outcomes/" in schema
    assert "/api/v1/kpis/funnel/" in schema
    assert "pct_of_recorded" in schema
    assert "vcop_not_recorded" in schema
