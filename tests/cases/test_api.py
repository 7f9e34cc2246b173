"""``/api/v1/investigations/`` and the referral, order and breach endpoints."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import CpsReferral, Flag, Investigation, LocalPolicingArea, OrderBreach
from tests.cases.factories import CpsReferralFactory, InvestigationFactory, OrderBreachFactory, ProtectiveOrderFactory

pytestmark = pytest.mark.django_db

NEW = {
    "crime_reference": "20/987654/25",
    "strand": "domestic_abuse",
    "offence_group": "coercive_control",
    "victim_age_group": "adult",
    "lpa": "Sandwell",
    "team": "domestic_abuse",
    "recorded_date": "2025-05-01",
    "flags": ["coercive_control", "online"],
}


def _populate(count: int, start: int = 0) -> None:
    flags = list(Flag.objects.all()[:3])
    for n in range(start, start + count):
        investigation = InvestigationFactory(crime_reference=f"API/{n:05d}")
        investigation.flags.set(flags)
        CpsReferralFactory(investigation=investigation)
        OrderBreachFactory(order=ProtectiveOrderFactory(investigation=investigation))


def _queries_for(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_the_list_takes_the_same_number_of_queries_however_many_rows_it_returns(api_client_for: Any) -> None:
    client = api_client_for("audit_lead")
    _populate(3)
    small = _queries_for(client, "/api/v1/investigations/")  # 3 on the page
    _populate(27, start=3)
    large = _queries_for(client, "/api/v1/investigations/")
    assert small == large
    assert large <= 12  # auth, roles, count, page, flags, referrals, orders, breaches…


def test_the_list_is_paginated_and_carries_nested_facts(api_client_for: Any) -> None:
    _populate(2)
    body = api_client_for("board_chair").get("/api/v1/investigations/").json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["lpa"] == "birmingham" and first["phase"] == "pre_charge"
    assert first["referrals"][0]["referral_date"] == "2025-06-01"
    assert first["orders"][0]["breaches"][0]["arrest_made"] is True


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("strand=domestic_abuse", ["20/000002/25"]),
        ("lpa=Coventry", ["20/000002/25"]),
        ("phase=finalised", ["20/000002/25"]),
        ("outcome_type=open", ["20/000001/25"]),
        ("recorded_to=2025-05-31", ["20/000001/25"]),
    ],
)
def test_the_list_filters_like_the_page(api_client_for: Any, query: str, expected: list[str]) -> None:
    InvestigationFactory(crime_reference="20/000001/25", recorded_date=date(2025, 5, 1))
    InvestigationFactory(
        crime_reference="20/000002/25",
        strand="domestic_abuse",
        lpa=LocalPolicingArea.objects.get(code="coventry"),
        recorded_date=date(2025, 6, 1),
        outcome_type="16",
        outcome_date=date(2025, 7, 1),
    )
    body = api_client_for("case_editor").get(f"/api/v1/investigations/?{query}").json()
    assert [row["crime_reference"] for row in body["results"]] == expected


def test_an_unknown_filter_code_is_a_400(api_client_for: Any) -> None:
    response = api_client_for("case_editor").get("/api/v1/investigations/?lpa=atlantis")
    assert response.status_code == 400
    assert "lpa" in response.json()["errors"]


def test_an_editor_creates_an_investigation_with_history(api_client_for: Any) -> None:
    client = api_client_for("case_editor")
    response = client.post("/api/v1/investigations/", NEW, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["lpa"] == "sandwell" and sorted(body["flags"]) == ["coercive_control", "online"]
    investigation = Investigation.objects.get(crime_reference="20/987654/25")
    assert investigation.history.first().history_user == client.user


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome_type": "1", "outcome_date": "2025-04-01"}, "outcome_date"),
        ({"outcome_date": "2025-06-01"}, "outcome_type"),
        ({"arrest_date": "2025-01-01"}, "arrest_date"),
        ({"recorded_date": (timezone.localdate() + timedelta(days=30)).isoformat()}, "recorded_date"),
        ({"strand": "unknown"}, "strand"),
        ({"lpa": "atlantis"}, "lpa"),
    ],
)
def test_a_broken_rule_is_a_400_and_nothing_is_saved(api_client_for: Any, changes: dict, field: str) -> None:
    response = api_client_for("case_editor").post("/api/v1/investigations/", {**NEW, **changes}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Investigation.objects.exists()


def test_a_duplicate_reference_is_a_400(api_client_for: Any) -> None:
    InvestigationFactory(crime_reference=NEW["crime_reference"])
    response = api_client_for("case_editor").post("/api/v1/investigations/", NEW, format="json")
    assert response.status_code == 400
    assert "crime_reference" in response.json()["errors"]


def test_an_editor_updates_an_investigation_but_not_its_reference(api_client_for: Any) -> None:
    investigation = InvestigationFactory(recorded_date=date(2025, 5, 1))
    client = api_client_for("case_editor")
    path = f"/api/v1/investigations/{investigation.pk}/"
    response = client.patch(path, {"outcome_type": "1", "outcome_date": "2025-09-01"}, format="json")
    assert response.status_code == 200
    assert response.json()["phase"] == "post_charge"
    assert client.patch(path, {"crime_reference": "other"}, format="json").status_code == 400
    investigation.refresh_from_db()
    assert investigation.outcome_type == "1" and investigation.crime_reference != "other"


def test_nothing_can_be_deleted(api_client_for: Any) -> None:
    investigation = InvestigationFactory()
    assert api_client_for("case_editor").delete(f"/api/v1/investigations/{investigation.pk}/").status_code == 405
    assert Investigation.objects.filter(pk=investigation.pk).exists()


@pytest.mark.parametrize("role", ["audit_lead", "board_chair", "administrator"])
def test_readers_cannot_write(api_client_for: Any, role: str) -> None:
    investigation = InvestigationFactory()
    client = api_client_for(role)
    assert client.post("/api/v1/investigations/", NEW, format="json").status_code == 403
    path = f"/api/v1/investigations/{investigation.pk}/"
    assert client.patch(path, {"strand": "fgm"}, format="json").status_code == 403
    referral = {"investigation": investigation.pk, "referral_date": "2025-06-01"}
    assert client.post("/api/v1/cps-referrals/", referral, format="json").status_code == 403
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("role", ["opcc_scrutiny", "commitment_lead"])
def test_aggregate_only_roles_are_refused_every_endpoint(api_client_for: Any, role: str) -> None:
    client = api_client_for(role)
    investigation = InvestigationFactory()
    for path in (
        "/api/v1/investigations/",
        f"/api/v1/investigations/{investigation.pk}/",
        "/api/v1/cps-referrals/",
        "/api/v1/protective-orders/",
        "/api/v1/order-breaches/",
    ):
        assert client.get(path).status_code == 403, path


def test_an_editor_adds_a_referral_and_the_rules_hold(api_client_for: Any) -> None:
    investigation = InvestigationFactory(recorded_date=date(2025, 5, 1))
    client = api_client_for("case_editor")
    good = {
        "investigation": investigation.pk,
        "referral_date": "2025-06-01",
        "decision": "charge",
        "decision_date": "2025-06-20",
    }
    assert client.post("/api/v1/cps-referrals/", good, format="json").status_code == 201
    bad = {**good, "referral_date": "2025-06-05", "decision_date": "2025-06-01"}
    assert client.post("/api/v1/cps-referrals/", bad, format="json").status_code == 400
    assert CpsReferral.objects.get().history.get().history_user == client.user
    listed = client.get(f"/api/v1/cps-referrals/?investigation={investigation.pk}").json()
    assert listed["count"] == 1


def test_anonymous_requests_are_refused(client: Any) -> None:
    assert client.get("/api/v1/investigations/").status_code in (401, 403)


def test_an_editor_records_a_breach_with_history(api_client_for: Any) -> None:
    order = ProtectiveOrderFactory(applied_date=date(2025, 6, 1), granted_date=date(2025, 6, 3))
    client = api_client_for("case_editor")
    response = client.post(
        "/api/v1/order-breaches/", {"order": order.pk, "breach_date": "2025-07-01", "arrest_made": False}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["order"] == order.pk and response.json()["arrest_made"] is False
    breach = order.breaches.get()
    assert breach.breach_date == date(2025, 7, 1)
    assert breach.history.get().history_user == client.user


@pytest.mark.parametrize("role", ["audit_lead", "board_chair", "administrator", "opcc_scrutiny"])
def test_other_roles_cannot_record_a_breach(api_client_for: Any, role: str) -> None:
    order = ProtectiveOrderFactory()
    response = api_client_for(role).post(
        "/api/v1/order-breaches/", {"order": order.pk, "breach_date": "2025-07-01"}, format="json"
    )
    assert response.status_code == 403
    assert not OrderBreach.objects.exists()


@pytest.mark.parametrize(
    ("breach_date", "message"),
    [
        ("2025-06-02", "2025-06-02 is before the order was made (2025-06-03)"),
        (lambda: (timezone.localdate() + timedelta(days=2)).isoformat(), "{when} is in the future"),
    ],
)
def test_a_breach_that_breaks_a_rule_is_a_400_and_nothing_is_saved(
    api_client_for: Any, breach_date: Any, message: str
) -> None:
    order = ProtectiveOrderFactory(applied_date=date(2025, 6, 1), granted_date=date(2025, 6, 3))
    when = breach_date() if callable(breach_date) else breach_date
    response = api_client_for("case_editor").post(
        "/api/v1/order-breaches/", {"order": order.pk, "breach_date": when}, format="json"
    )
    assert response.status_code == 400
    message = message.format(when=when)
    assert response.json() == {"message": message, "errors": {"breach_date": [message]}}
    assert not OrderBreach.objects.exists()


def test_a_breach_without_a_date_is_a_400(api_client_for: Any) -> None:
    order = ProtectiveOrderFactory()
    response = api_client_for("case_editor").post("/api/v1/order-breaches/", {"order": order.pk}, format="json")
    assert response.status_code == 400
    assert "breach_date" in response.json()["errors"]


def test_the_api_reads_and_writes_the_register_v2_fields(api_client_for: Any) -> None:
    client = api_client_for("case_editor")
    response = client.post(
        "/api/v1/investigations/",
        {
            "crime_reference": "20/777777/25",
            "strand": "rasso",
            "offence_group": "rape",
            "recorded_date": "2025-05-02",
            "reported_date": "2025-05-01",
            "ho_offence_code": "19C",
            "da_flag": "yes",
            "victim_id": "PN0001",
            "victim_age": 15,
            "victim_sex": "female",
            "relationship": "ex_partner",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["ho_offence_code"], body["da_flag"], body["victim_age_group"]) == ("19C", "yes", "child")

    refused = client.patch(
        f"/api/v1/investigations/{body['id']}/", {"ho_offence_code": "99Z", "victim_age": 121}, format="json"
    )
    assert refused.status_code == 400 and set(refused.json()["errors"]) >= {"ho_offence_code", "victim_age"}
