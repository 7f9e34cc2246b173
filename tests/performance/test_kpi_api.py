"""GET /api/v1/kpis/ and /api/v1/kpis/soteria/ (DESIGN.md §4)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cases.kpis import METRICS, SOTERIA_METRICS
from oversight.roles import Role
from performance.api import KpiQuerySerializer
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

pytestmark = pytest.mark.django_db

KPIS = "/api/v1/kpis/"
SOTERIA = "/api/v1/kpis/soteria/"
PERIOD = {"from": "2025-04-01", "to": "2025-06-30"}


@pytest.fixture
def data() -> None:
    a = InvestigationFactory(
        unplaced=True, recorded_date="2025-04-10", outcome_type="1", outcome_date="2025-05-10", lpa="walsall"
    )
    InvestigationFactory(
        recorded_date="2025-05-20", outcome_type="16", outcome_date="2025-06-01", lpa="walsall", team="rasso"
    )
    InvestigationFactory(
        unplaced=True,
        recorded_date="2025-06-05",
        strand="domestic_abuse",
        offence_group="violence",
        victim_age_group="child",
    )
    InvestigationFactory(unplaced=True, recorded_date="2025-06-06", offence_group="other_sexual")
    CpsReferralFactory(investigation=a, referral_date="2025-04-20", decision="charge", decision_date="2025-05-01")


def test_it_returns_one_ungrouped_row_with_every_metric(api_client_for: Any, data: None) -> None:
    response = api_client_for(Role.OPCC_SCRUTINY).get(KPIS, PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"from", "to", "rows"}
    assert (body["from"], body["to"]) == ("2025-04-01", "2025-06-30")
    [row] = body["rows"]
    assert list(row) == ["group", *METRICS]
    assert row["group"] is None
    assert row["recorded_offences"] == 4
    assert row["charged_pct"] == 50.0  # a JSON number, not a string
    assert row["positive_outcome_rate"] == 25.0
    assert row["cps_charge_rate"] == 100.0
    assert row["avg_days_to_charge"] == 30
    assert row["conviction_rate"] is None
    assert '"conviction_rate":null' in response.content.decode().replace(" ", "")


def test_it_groups_by_month_in_ascending_order(api_client_for: Any, data: None) -> None:
    body = api_client_for(Role.AUDIT_LEAD).get(KPIS, {**PERIOD, "group_by": "month"}).json()
    assert [row["group"] for row in body["rows"]] == ["2025-04", "2025-05", "2025-06"]
    assert [row["recorded_offences"] for row in body["rows"]] == [1, 1, 2]
    assert [row["open_investigations"] for row in body["rows"]] == [1, 1, 2]


def test_it_groups_by_quarter_strand_and_lpa(api_client_for: Any, data: None) -> None:
    client = api_client_for(Role.BOARD_CHAIR)
    quarters = client.get(KPIS, {"from": "2025-01-01", "to": "2025-06-30", "group_by": "quarter"}).json()
    assert [row["group"] for row in quarters["rows"]] == ["2024-25-Q4", "2025-26-Q1"]
    strands = client.get(KPIS, {**PERIOD, "group_by": "strand"}).json()
    assert [(row["group"], row["recorded_offences"]) for row in strands["rows"]] == [
        ("domestic_abuse", 1),
        ("rasso", 3),
    ]
    lpas = client.get(KPIS, {**PERIOD, "group_by": "lpa"}).json()
    assert [(row["group"], row["recorded_offences"]) for row in lpas["rows"]] == [("walsall", 2), (None, 2)]


def test_it_filters_by_codes_and_reference_data_names(api_client_for: Any, data: None) -> None:
    client = api_client_for(Role.COMMITMENT_LEAD)

    def recorded(**filters: str) -> int:
        return client.get(KPIS, {**PERIOD, **filters}).json()["rows"][0]["recorded_offences"]

    assert recorded(strand="rasso") == 3
    assert recorded(offence_group="rape") == 2
    assert recorded(victim_age_group="child") == 1
    assert recorded(lpa="Walsall") == 2
    assert recorded(team="RASSO") == 1
    assert recorded(lpa="walsall", team="rasso") == 1


def test_soteria_returns_exactly_the_published_fields(api_client_for: Any, data: None) -> None:
    response = api_client_for(Role.OPCC_SCRUTINY).get(
        SOTERIA, {**PERIOD, "offence_group": "rape", "victim_age_group": "adult"}
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["from", "to", *SOTERIA_METRICS]
    assert body == {
        "from": "2025-04-01",
        "to": "2025-06-30",
        "recorded_offences": 2,
        "outcomes_assigned": 2,
        "charged": 1,
        "charged_pct": 50.0,
        "victim_withdrawal": 1,
        "victim_withdrawal_pct": 50.0,
        "cps_referrals": 1,
        "avg_days_to_charge": 30,
    }


def test_soteria_with_no_outcomes_gives_nulls(api_client_for: Any) -> None:
    body = api_client_for(Role.CASE_EDITOR).get(SOTERIA, PERIOD).json()
    assert body["recorded_offences"] == 0
    assert body["charged_pct"] is None
    assert body["victim_withdrawal_pct"] is None
    assert body["avg_days_to_charge"] is None


@pytest.mark.parametrize("url", [KPIS, SOTERIA])
@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"to": "2025-06-30"}, "from"),
        ({"from": "2025-04-01"}, "to"),
        ({"from": "2025-13-01", "to": "2025-06-30"}, "from"),
        ({"from": "2025-04-01", "to": "yesterday"}, "to"),
        ({"from": "2025-07-01", "to": "2025-06-30"}, "from"),
        ({**PERIOD, "strand": "burglary"}, "strand"),
        ({**PERIOD, "offence_group": "theft"}, "offence_group"),
        ({**PERIOD, "victim_age_group": "teen"}, "victim_age_group"),
        ({**PERIOD, "lpa": "Gotham"}, "lpa"),
        ({**PERIOD, "team": "flying squad"}, "team"),
        ({**PERIOD, "flag": "nope"}, "flag"),
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


def test_an_unknown_grouping_gets_400(api_client_for: Any) -> None:
    response = api_client_for(Role.OPCC_SCRUTINY).get(KPIS, {**PERIOD, "group_by": "week"})
    assert response.status_code == 400
    assert "group_by" in response.json()["message"]
    assert "group_by" in response.json()["errors"]


def test_soteria_does_not_group(api_client_for: Any) -> None:
    response = api_client_for(Role.OPCC_SCRUTINY).get(SOTERIA, {**PERIOD, "group_by": "month"})
    assert response.status_code == 400
    assert "group_by" in response.json()["errors"]


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_role_may_read_kpis(api_client_for: Any, role: Role) -> None:
    assert api_client_for(role).get(KPIS, PERIOD).status_code == 200
    assert api_client_for(role).get(SOTERIA, PERIOD).status_code == 200


@pytest.mark.parametrize("url", [KPIS, SOTERIA])
def test_it_refuses_a_user_without_a_role_and_anonymous_callers(api_client_for: Any, client: Any, url: str) -> None:
    assert api_client_for().get(url, PERIOD).status_code == 403
    assert client.get(url, PERIOD).status_code in (401, 403)


def test_it_refuses_writes(api_client_for: Any) -> None:
    assert api_client_for(Role.ADMINISTRATOR).post(KPIS, PERIOD).status_code == 405


def test_a_24_month_request_needs_a_constant_number_of_queries(
    api_client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = api_client_for(Role.OPCC_SCRUTINY)
    params = {"from": "2023-04-01", "to": "2025-03-31", "group_by": "month", "lpa": "walsall", "flag": "online"}
    client.get(KPIS, params)  # warm: token and groups
    for n in range(40):
        InvestigationFactory(
            unplaced=True, recorded_date=f"2023-{4 + n % 9:02d}-{1 + n % 28:02d}", lpa="walsall", flags=["online"]
        )
    with django_assert_max_num_queries(14):
        response = client.get(KPIS, params)
    assert len(response.json()["rows"]) == 24


def test_the_schema_documents_both_endpoints(client_for: Any) -> None:
    schema = client_for(Role.OPCC_SCRUTINY).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/kpis/" in schema
    assert "/api/v1/kpis/soteria/" in schema
    assert "open_investigations" in schema


# ---------------------------------------------------------------- the input serializer and its bounds


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"to": "2025-06-30"}, "from"),
        ({"from": "2025-04-01"}, "to"),
        ({"from": "01/04/2025", "to": "2025-06-30"}, "from"),
        ({"from": "2025-04-01", "to": "2025-02-30"}, "to"),
        ({"from": "2025-07-01", "to": "2025-06-30"}, "from"),
        ({"from": "2025-04-01", "to": "2025-06-30", "group_by": "fortnight"}, "group_by"),
        ({"from": "2025-04-01", "to": "2025-06-30", "stand": "rasso"}, "stand"),
        ({"from": "1989-12-31", "to": "2025-06-30"}, "from"),
        ({"from": "2025-04-01", "to": "2100-01-01"}, "to"),
    ],
)
def test_the_query_serializer_names_the_bad_parameter(params: dict[str, str], param: str) -> None:
    serializer = KpiQuerySerializer(data=params)
    assert not serializer.is_valid()
    assert param in serializer.errors


def test_the_query_serializer_reports_every_bad_parameter_at_once(api_client_for: Any) -> None:
    response = api_client_for(Role.OPCC_SCRUTINY).get(KPIS, {"from": "2025-13-01", "to": "2025-06-30", "lpa": "Gotham"})
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"from", "lpa"}
    assert "from:" in body["message"] and "lpa:" in body["message"]


def test_the_query_serializer_gives_the_engine_its_arguments(data: None) -> None:
    serializer = KpiQuerySerializer(data={**PERIOD, "group_by": "month", "lpa": "Walsall"})
    assert serializer.is_valid(), serializer.errors
    query = serializer.validated_data
    assert (query["date_from"], query["date_to"], query["group_by"]) == (date(2025, 4, 1), date(2025, 6, 30), "month")
    assert query["filters"].lpa_id is not None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "1989-12-31"}, "Enter a date from 1990 onwards."),
        ({"to": "2100-01-01"}, "Enter a date before 2100."),
    ],
)
def test_the_api_and_the_dashboard_share_the_date_bounds(
    api_client_for: Any, client_for: Any, params: dict[str, str], message: str
) -> None:
    api = api_client_for(Role.OPCC_SCRUTINY).get(KPIS, {**PERIOD, **params})
    assert api.status_code == 400
    assert message in api.json()["message"]
    page_params = {"date_from": params.get("from", PERIOD["from"]), "date_to": params.get("to", PERIOD["to"])}
    page = client_for(Role.OPCC_SCRUTINY).get("/performance/", page_params)
    assert page.status_code == 400
    assert message in page.content.decode()
