"""Every read of investigations (page, API, list, export) writes one access-log row: who, what, when, where, filter."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight.models import AccessKind, AccessLogEntry
from oversight.roles import Role
from tests.cases.factories import InvestigationFactory

pytestmark = pytest.mark.django_db


def _inserts(captured: CaptureQueriesContext) -> int:
    return sum(1 for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "oversight_accesslogentry"'))


def test_opening_an_investigation_page_is_logged_with_one_insert(client_for: Any) -> None:
    investigation = InvestigationFactory(crime_reference="20/555111/25")
    client = client_for(Role.AUDIT_LEAD)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/cases/{investigation.pk}/", REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 200
    assert _inserts(captured) == 1
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.kind, entry.object_id, entry.crime_reference) == (
        client.user,
        AccessKind.INVESTIGATION,
        investigation.pk,
        "20/555111/25",
    )
    assert entry.ip_address == "10.1.2.3"
    assert entry.path == f"/cases/{investigation.pk}/"


def test_a_refused_or_missing_investigation_is_not_logged_as_read(client_for: Any) -> None:
    investigation = InvestigationFactory()
    assert client_for(Role.OPCC_SCRUTINY).get(f"/cases/{investigation.pk}/").status_code == 403
    assert client_for(Role.CASE_EDITOR).get("/cases/999999/").status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_the_register_list_and_its_export_are_logged_with_the_filter(client_for: Any) -> None:
    InvestigationFactory()
    client = client_for(Role.CASE_EDITOR)

    client.get("/cases/?strand=rasso&lpa=coventry")
    b"".join(client.get("/cases/?strand=rasso&format=csv").streaming_content)

    listed, exported = AccessLogEntry.objects.order_by("id")
    assert (listed.kind, listed.query, listed.object_id) == (
        AccessKind.INVESTIGATION_LIST,
        "strand=rasso&lpa=coventry",
        None,
    )
    assert (exported.kind, exported.query) == (AccessKind.INVESTIGATION_EXPORT, "strand=rasso&format=csv")


def test_the_api_detail_and_list_are_logged(api_client_for: Any) -> None:
    investigation = InvestigationFactory(crime_reference="20/555222/25")
    client = api_client_for(Role.BOARD_CHAIR)

    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/api/v1/investigations/{investigation.pk}/").status_code == 200
    assert _inserts(captured) == 1
    assert client.get("/api/v1/investigations/?strand=rasso").status_code == 200

    detail, listed = AccessLogEntry.objects.order_by("id")
    assert (detail.kind, detail.object_id, detail.crime_reference, detail.user) == (
        AccessKind.INVESTIGATION,
        investigation.pk,
        "20/555222/25",
        client.user,
    )
    assert (listed.kind, listed.query, listed.path) == (
        AccessKind.INVESTIGATION_LIST,
        "strand=rasso",
        "/api/v1/investigations/",
    )


def test_an_api_list_with_a_bad_filter_is_not_logged(api_client_for: Any) -> None:
    response = api_client_for(Role.CASE_EDITOR).get("/api/v1/investigations/?recorded_from=not-a-date")
    assert response.status_code == 400
    assert not AccessLogEntry.objects.exists()
