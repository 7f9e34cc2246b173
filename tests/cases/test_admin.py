"""The admin pages of the register (administrators only), and the access-log rows they write."""

from typing import Any

import pytest

from cases.models import ImportProfile
from oversight.models import AccessLogEntry
from tests.audits.factories import AnswerFactory, AuditSubjectFactory, CaseReviewFactory
from tests.cases.factories import CpsReferralFactory, OrderBreachFactory

pytestmark = pytest.mark.django_db


def test_the_admin_lists_searches_and_shows_inlines(client_for: Any) -> None:
    referral = CpsReferralFactory()
    OrderBreachFactory(order__investigation=referral.investigation)
    client = client_for("administrator")
    reference = referral.investigation.crime_reference
    listing = client.get("/admin/cases/investigation/", {"q": reference, "strand__exact": "rasso"})
    assert listing.status_code == 200 and reference in listing.content.decode()
    change = client.get(f"/admin/cases/investigation/{referral.investigation.pk}/change/")
    assert change.status_code == 200
    assert "CPS referrals" in change.content.decode() and "Protective orders" in change.content.decode()
    for model in ("cpsreferral", "protectiveorder", "orderbreach", "localpolicingarea", "team", "flag"):
        assert client.get(f"/admin/cases/{model}/").status_code == 200, model
    history = client.get(f"/admin/cases/investigation/{referral.investigation.pk}/history/")
    assert history.status_code == 200


def test_the_admin_refuses_other_roles(client_for: Any) -> None:
    assert client_for("case_editor").get("/admin/cases/investigation/").status_code == 403


def test_the_admin_refuses_an_import_profile_that_would_not_work(client: Any, make_user: Any) -> None:
    client.force_login(make_user("administrator"))
    response = client.post(
        "/admin/cases/importprofile/add/",
        {
            "name": "broken",
            "source": "",
            "date_format": "",
            "columns": '["Crime Number"]',
            "values": '{"strand": {"DA": "da"}}',
            "ignored": "[]",
        },
    )
    assert response.status_code == 200  # the form again, with its errors
    assert not ImportProfile.objects.filter(name="broken").exists()
    errors = response.context["adminform"].form.errors
    assert "columns" in errors and "values" in errors


def _log(user: Any) -> list[tuple[str, int | None, str, str]]:
    entries = AccessLogEntry.objects.filter(user=user).order_by("pk")
    return [(e.kind, e.object_id, e.crime_reference, e.path) for e in entries]


def test_every_admin_page_that_shows_case_records_writes_an_access_log_row(client_for: Any) -> None:
    referral = CpsReferralFactory()
    breach = OrderBreachFactory(order__investigation=referral.investigation)
    investigation = referral.investigation
    client = client_for("administrator")
    pages = {
        "/admin/cases/investigation/": ("investigation_list", None, ""),
        f"/admin/cases/investigation/{investigation.pk}/change/": ("investigation", investigation.pk, ""),
        f"/admin/cases/investigation/{investigation.pk}/history/": ("investigation", investigation.pk, ""),
        f"/admin/cases/investigation/{investigation.pk}/delete/": ("investigation", investigation.pk, ""),
        f"/admin/cases/cpsreferral/{referral.pk}/change/": ("investigation", investigation.pk, ""),
        f"/admin/cases/orderbreach/{breach.pk}/change/": ("investigation", investigation.pk, ""),
        "/admin/cases/protectiveorder/": ("investigation_list", None, ""),
    }
    for url in pages:
        assert client.get(url).status_code == 200, url
    history = investigation.history.latest()
    past = f"/admin/cases/investigation/{investigation.pk}/history/{history.history_id}/"
    assert client.get(past).status_code == 200
    reference = investigation.crime_reference
    expected = [
        (kind, object_id, reference if object_id else "", url) for url, (kind, object_id, _r) in pages.items()
    ] + [("investigation", investigation.pk, reference, past)]
    assert _log(client.user) == expected


def test_an_admin_page_that_shows_no_record_writes_no_row(client_for: Any) -> None:
    client = client_for("administrator")
    assert client.get("/admin/cases/investigation/999999/change/").status_code == 302  # "doesn't exist": home
    assert client.get("/admin/cases/localpolicingarea/").status_code == 200  # reference data, not case level
    assert _log(client.user) == []
    assert client_for("case_editor").get("/admin/cases/investigation/").status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_case_reviews_and_subjects_read_in_the_admin_are_logged_as_such(client_for: Any) -> None:
    review = CaseReviewFactory()
    answer = AnswerFactory(review=review)
    subject = AuditSubjectFactory()
    client = client_for("administrator")
    for url in (
        "/admin/audits/casereview/",
        f"/admin/audits/casereview/{review.pk}/change/",
        f"/admin/audits/answer/{answer.pk}/change/",
        f"/admin/audits/auditsubject/{subject.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    assert [row[:3] for row in _log(client.user)] == [
        ("case_review_list", None, ""),
        ("case_review", review.pk, review.reference),
        ("case_review", review.pk, review.reference),
        ("audit_subjects", subject.pk, subject.reference),
    ]
