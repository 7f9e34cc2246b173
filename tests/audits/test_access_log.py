"""Reads of case reviews (page and API) and of an audit's sampled cases are written to the access log."""

from __future__ import annotations

from typing import Any

import pytest

from oversight.models import AccessKind, AccessLogEntry
from oversight.roles import Role
from tests.audits.factories import CaseReviewFactory

pytestmark = pytest.mark.django_db


def test_opening_a_case_review_page_is_logged_with_its_crime_reference(client_for: Any) -> None:
    review = CaseReviewFactory(investigation__crime_reference="20/777001/25")
    client = client_for(Role.BOARD_CHAIR)

    assert client.get(f"/audits/reviews/{review.pk}/").status_code == 200

    entry = AccessLogEntry.objects.get()
    assert (entry.kind, entry.object_id, entry.crime_reference, entry.user) == (
        AccessKind.CASE_REVIEW,
        review.pk,
        "20/777001/25",
        client.user,
    )


def test_the_case_review_api_detail_and_list_are_logged(api_client_for: Any) -> None:
    review = CaseReviewFactory(investigation__crime_reference="20/777002/25")
    client = api_client_for(Role.AUDIT_LEAD)

    assert client.get(f"/api/v1/case-reviews/{review.pk}/").status_code == 200
    assert client.get(f"/api/v1/case-reviews/?audit={review.audit_id}").status_code == 200

    detail, listed = AccessLogEntry.objects.order_by("id")
    assert (detail.kind, detail.object_id, detail.crime_reference) == (
        AccessKind.CASE_REVIEW,
        review.pk,
        "20/777002/25",
    )
    assert (listed.kind, listed.query) == (AccessKind.CASE_REVIEW_LIST, f"audit={review.audit_id}")


def test_an_audits_case_list_and_its_export_are_logged(client_for: Any) -> None:
    review = CaseReviewFactory()
    client = client_for(Role.AUDIT_LEAD)

    client.get(f"/audits/{review.audit_id}/")
    b"".join(client.get(f"/audits/{review.audit_id}/report/?table=cases&format=csv").streaming_content)

    shown, exported = AccessLogEntry.objects.order_by("id")
    assert (shown.kind, shown.object_id) == (AccessKind.AUDIT_CASES, review.audit_id)
    assert (exported.kind, exported.object_id, exported.query) == (
        AccessKind.AUDIT_EXPORT,
        review.audit_id,
        "table=cases&format=csv",
    )
