"""The admin pages of the register (administrators only)."""

from typing import Any

import pytest

from cases.models import ImportProfile
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
