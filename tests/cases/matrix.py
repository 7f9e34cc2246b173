"""Every page and endpoint of the investigation register, for the shared role matrix."""

from __future__ import annotations

from typing import Any

from oversight.roles import Role
from tests.role_matrix import JSON, Entry, requester, roles

READ = roles(Role.AUDIT_LEAD, Role.CASE_EDITOR, Role.BOARD_CHAIR, Role.ADMINISTRATOR)
EDIT = roles(Role.CASE_EDITOR)
PROFILES = roles(Role.CASE_EDITOR, Role.ADMINISTRATOR)  # data officers and administrators
QUALITY = roles(Role.CASE_EDITOR, Role.AUDIT_LEAD, Role.ADMINISTRATOR)
DRILLDOWN = "measure=positive_outcomes&from=2025-04-01&to=2025-06-30&strand=rasso&lpa=Wolverhampton"
NEW = {
    "crime_reference": "20/424242/25",
    "strand": "rasso",
    "offence_group": "rape",
    "victim_age_group": "adult",
    "recorded_date": "2025-05-01",
}


def _investigation(make_user: Any) -> Any:
    from tests.cases.factories import InvestigationFactory

    return InvestigationFactory()


def _referral(make_user: Any) -> Any:
    from tests.cases.factories import CpsReferralFactory

    return CpsReferralFactory()


def _order(make_user: Any) -> Any:
    from tests.cases.factories import ProtectiveOrderFactory

    return ProtectiveOrderFactory()


def _profile(make_user: Any) -> Any:
    from cases.models import ImportProfile

    return ImportProfile.objects.create(name="matrix-profile")


def _job(make_user: Any) -> Any:
    from cases.models import ImportJob

    return ImportJob.objects.create(file_name="extract.csv", created_by=requester(make_user, Role.CASE_EDITOR))


def _breach(make_user: Any) -> Any:
    from tests.cases.factories import OrderBreachFactory

    return OrderBreachFactory()


def _export_job(make_user: Any) -> Any:
    from cases.models import ExportJob

    # Someone else's download: an allowed role passes the role check and then finds nothing (404).
    return ExportJob.objects.create(user=make_user(Role.CASE_EDITOR), filename="investigations")


ENTRIES = [
    # pages
    Entry("cases:investigation_list", "/cases/", READ),
    Entry("cases:investigation_list", "/cases/?format=csv", READ),
    Entry("cases:investigation_list", f"/cases/?{DRILLDOWN}", READ),  # the records behind a figure
    Entry("cases:investigation_list", f"/cases/?{DRILLDOWN}&format=xlsx", READ),
    # the people behind the repeat victims and suspects counts, and the bails expiring: case roles only
    Entry("cases:repeat_people", "/cases/repeat-people/?person=suspect&from=2025-04-01&to=2025-06-30", READ),
    Entry("cases:bail_expiring", "/cases/bail-expiring/?on=2025-06-30", READ),
    Entry("cases:investigation_detail", lambda mu: f"/cases/{_investigation(mu).pk}/", READ),
    Entry("cases:export_job", lambda mu: f"/cases/exports/{_export_job(mu).token}/", READ, ok_status=(404,)),
    Entry(
        "cases:export_job_download",
        lambda mu: f"/cases/exports/{_export_job(mu).token}/download/",
        READ,
        ok_status=(404,),
    ),
    Entry("cases:investigation_create", "/cases/new/", EDIT),
    Entry("cases:investigation_create", "/cases/new/", EDIT, method="post", data=NEW, ok_status=(302,)),
    Entry("cases:investigation_edit", lambda mu: f"/cases/{_investigation(mu).pk}/edit/", EDIT),
    Entry("cases:investigation_import", "/cases/import/", EDIT),
    Entry("cases:data_quality", "/cases/quality/", QUALITY),
    Entry("cases:data_quality", "/cases/quality/?table=failing&format=csv", QUALITY),
    Entry("cases:data_quality", "/cases/quality/?table=lpa&format=xlsx", QUALITY),
    Entry("cases:data_quality_rule", "/cases/quality/late_recording/", QUALITY),
    Entry("cases:data_quality_rule", "/cases/quality/bail_expired_no_outcome/?format=csv", QUALITY),
    Entry("cases:orders_import", "/cases/import/orders/", EDIT),
    Entry("cases:import_job", lambda mu: f"/cases/import/jobs/{_job(mu).pk}/", EDIT),  # its starter's
    Entry("cases:import_profile_list", "/cases/import/profiles/", PROFILES),
    Entry("cases:import_profile_create", "/cases/import/profiles/new/", PROFILES),
    Entry("cases:import_profile_edit", lambda mu: f"/cases/import/profiles/{_profile(mu).pk}/", PROFILES),
    Entry("cases:referral_create", lambda mu: f"/cases/{_investigation(mu).pk}/referrals/new/", EDIT),
    Entry("cases:referral_edit", lambda mu: f"/cases/referrals/{_referral(mu).pk}/edit/", EDIT),
    Entry("cases:order_create", lambda mu: f"/cases/{_investigation(mu).pk}/orders/new/", EDIT),
    Entry("cases:order_edit", lambda mu: f"/cases/orders/{_order(mu).pk}/edit/", EDIT),
    Entry("cases:breach_create", lambda mu: f"/cases/orders/{_order(mu).pk}/breaches/new/", EDIT),
    # API
    Entry("investigation-list", "/api/v1/investigations/", READ),
    Entry("investigation-list", f"/api/v1/investigations/?{DRILLDOWN}", READ),
    Entry("investigation-list", "/api/v1/investigations/", EDIT, method="post", data=NEW, ok_status=(201,)),
    Entry("investigation-detail", lambda mu: f"/api/v1/investigations/{_investigation(mu).pk}/", READ),
    Entry("cpsreferral-list", "/api/v1/cps-referrals/", READ),
    Entry("cpsreferral-detail", lambda mu: f"/api/v1/cps-referrals/{_referral(mu).pk}/", READ),
    Entry("protectiveorder-list", "/api/v1/protective-orders/", READ),
    Entry("protectiveorder-detail", lambda mu: f"/api/v1/protective-orders/{_order(mu).pk}/", READ),
    Entry("orderbreach-list", "/api/v1/order-breaches/", READ),
    Entry("orderbreach-detail", lambda mu: f"/api/v1/order-breaches/{_breach(mu).pk}/", READ),
]


# API writes (JSON). Only the case editor writes the register; nothing is deleted (405 after the role check).
def _referral_new(make_user: Any) -> dict[str, Any]:
    return {"investigation": _investigation(make_user).pk, "referral_date": "2025-06-01"}


def _order_new(make_user: Any) -> dict[str, Any]:
    return {"investigation": _investigation(make_user).pk, "order_type": "dvpo", "applied_date": "2025-06-01"}


def _breach_new(make_user: Any) -> dict[str, Any]:
    order = _order(make_user)
    return {"order": order.pk, "breach_date": "2025-06-10", "arrest_made": True}


def _detail(kind: str, make: Any) -> Any:
    return lambda mu: f"/api/v1/{kind}/{make(mu).pk}/"


WRITES: list[tuple[str, str, Any, dict[str, Any]]] = [
    ("investigation", "investigations", _investigation, {"bail_status": "", "team": "ocset"}),
    ("cpsreferral", "cps-referrals", _referral, {"referral_date": "2025-06-02"}),
    ("protectiveorder", "protective-orders", _order, {"granted_date": "2025-06-04"}),
    ("orderbreach", "order-breaches", _breach, {"arrest_made": False}),
]
API_WRITES = [
    Entry("investigation-list", "/api/v1/investigations/", EDIT, "post", {**NEW, "flags": []}, (201,), JSON),
    Entry("cpsreferral-list", "/api/v1/cps-referrals/", EDIT, "post", _referral_new, (201,), JSON),
    Entry("protectiveorder-list", "/api/v1/protective-orders/", EDIT, "post", _order_new, (201,), JSON),
    Entry("orderbreach-list", "/api/v1/order-breaches/", EDIT, "post", _breach_new, (201,), JSON),
    *[
        Entry(f"{name}-detail", _detail(kind, make), EDIT, "patch", data, (200,), JSON)
        for name, kind, make, data in WRITES
    ],
    *[Entry(f"{name}-detail", _detail(kind, make), EDIT, "delete", ok_status=(405,)) for name, kind, make, _ in WRITES],
]
ENTRIES += API_WRITES
