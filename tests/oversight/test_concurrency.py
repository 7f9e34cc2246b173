"""Lost updates: two people open the same record; the second save, made from what is now an old
version, is refused with who changed it and when, and nothing is saved (oversight/concurrency.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from audits.models import Audit
from cases.forms import InvestigationForm
from cases.models import Investigation
from oversight.concurrency import version_token
from oversight.roles import Role
from tests.audits.factories import AuditFactory
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

pytestmark = pytest.mark.django_db

STALE = re.compile(
    r"This (\w[\w ]*) was changed by (.+?) at \d\d:\d\d:\d\d on \d+ \w+ \d{4} after you opened it"
    r" — review and save again\."
)


def version_on(html: str) -> str:
    match = re.search(r'name="version" value="([^"]*)"', html)
    assert match, "the form carries no version"
    return match.group(1)


def _investigation_post(investigation: Investigation, version: str, **changes: Any) -> dict[str, Any]:
    """What the edit form sends back: the stored values (as the page showed them), the changes, the version."""
    form = InvestigationForm(instance=investigation)
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if name == "flags":
            data[name] = [flag.pk if hasattr(flag, "pk") else flag for flag in value or []]
        elif value is None:
            data[name] = ""
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = value
    data.update(changes, version=version)
    return data


# --- investigation: the page --------------------------------------------------------------------


def test_the_second_of_two_editors_is_refused_and_told_who_changed_the_investigation(client_for: Any) -> None:
    investigation = InvestigationFactory(bail_status="", outcome_type="")
    first = client_for(Role.CASE_EDITOR)
    second = client_for(Role.CASE_EDITOR)
    first.user.full_name = "Fiona First"
    first.user.save()
    url = f"/cases/{investigation.pk}/edit/"
    opened_first = version_on(first.get(url).content.decode())
    opened_second = version_on(second.get(url).content.decode())
    assert opened_first == opened_second == version_token(investigation)

    saved = first.post(url, _investigation_post(investigation, opened_first, bail_status="rui"))
    assert saved.status_code == 302

    refused = second.post(url, _investigation_post(investigation, opened_second, bail_status="bail"))
    html = refused.content.decode()
    assert refused.status_code == 400
    match = STALE.search(html)
    assert match and match.groups() == ("investigation", "Fiona First")
    assert "govuk-error-summary" in html
    investigation.refresh_from_db()
    assert investigation.bail_status == "rui"  # the first editor's change stands
    assert investigation.history.count() == 2  # created, then the first save only

    # The page now carries the current version: saving again, having reviewed, goes through.
    assert version_on(html) == version_token(investigation) != opened_second
    again = second.post(url, _investigation_post(investigation, version_on(html), bail_status="bail"))
    assert again.status_code == 302
    investigation.refresh_from_db()
    assert investigation.bail_status == "bail"


def test_a_referral_form_from_before_a_change_is_refused(client_for: Any) -> None:
    referral = CpsReferralFactory(decision="", decision_date=None)
    editor = client_for(Role.CASE_EDITOR)
    url = f"/cases/referrals/{referral.pk}/edit/"
    opened = version_on(editor.get(url).content.decode())
    referral.decision_date = referral.referral_date
    referral.decision = "charge"
    referral.save()

    refused = editor.post(url, {"referral_date": referral.referral_date.isoformat(), "decision": "", "version": opened})

    assert refused.status_code == 400
    assert "This CPS referral was changed by" in refused.content.decode()
    referral.refresh_from_db()
    assert referral.decision == "charge"


# --- investigation: the API -------------------------------------------------------------------------


def test_the_api_refuses_a_stale_version_with_409_and_a_clear_message(api_client_for: Any) -> None:
    investigation = InvestigationFactory(bail_status="")
    first = api_client_for(Role.CASE_EDITOR)
    second = api_client_for(Role.CASE_EDITOR)
    url = f"/api/v1/investigations/{investigation.pk}/"
    read = second.get(url).json()["version"]
    assert read == version_token(investigation)

    changed = first.patch(url, {"bail_status": "rui", "version": read}, format="json")
    assert changed.status_code == 200
    assert changed.json()["version"] != read  # the save made a new version

    refused = second.patch(url, {"bail_status": "bail", "version": read}, format="json")
    assert refused.status_code == 409
    assert STALE.match(refused.json()["message"])
    assert refused.json()["errors"]["version"] == [refused.json()["message"]]
    investigation.refresh_from_db()
    assert investigation.bail_status == "rui"


def test_the_api_takes_the_version_in_an_if_match_header_too(api_client_for: Any) -> None:
    investigation = InvestigationFactory(bail_status="")
    client = api_client_for(Role.CASE_EDITOR)
    url = f"/api/v1/investigations/{investigation.pk}/"
    read = client.get(url).json()["version"]
    Investigation.objects.get(pk=investigation.pk).save()  # someone else saves meanwhile

    refused = client.patch(url, {"bail_status": "bail"}, format="json", HTTP_IF_MATCH=f'"{read}"')
    assert refused.status_code == 412  # Precondition Failed: the header's version no longer holds
    assert Investigation.objects.get(pk=investigation.pk).bail_status == ""
    # the same version in the body is a conflict in the request's content: 409
    in_body = client.patch(url, {"bail_status": "bail", "version": read}, format="json", HTTP_IF_MATCH=f'"{read}"')
    assert in_body.status_code == 409
    # "If-Match: *" asks for no particular version: not checked
    assert client.patch(url, {"bail_status": "rui"}, format="json", HTTP_IF_MATCH="*").status_code == 200

    current = client.get(url).json()["version"]
    accepted = client.patch(url, {"bail_status": "bail"}, format="json", HTTP_IF_MATCH=f'"{current}"')
    assert accepted.status_code == 200 and accepted.json()["bail_status"] == "bail"


def test_an_api_write_without_a_version_is_not_checked(api_client_for: Any) -> None:
    investigation = InvestigationFactory(bail_status="")
    response = api_client_for(Role.CASE_EDITOR).patch(
        f"/api/v1/investigations/{investigation.pk}/", {"bail_status": "rui"}, format="json"
    )
    assert response.status_code == 200


def test_the_investigation_list_carries_versions_without_a_query_per_row(
    api_client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = api_client_for(Role.CASE_EDITOR)
    for _ in range(3):
        InvestigationFactory()
    client.get("/api/v1/investigations/")  # warm up (token, session)
    with django_assert_max_num_queries(12):
        rows = client.get("/api/v1/investigations/").json()["results"]
    assert [row["version"] for row in rows] == [version_token(Investigation.objects.get(pk=row["id"])) for row in rows]


# --- audit ----------------------------------------------------------------------------------------------


def test_an_audit_changed_since_the_form_was_opened_is_not_overwritten(client_for: Any) -> None:
    lead = client_for(Role.AUDIT_LEAD)
    audit = AuditFactory(lead_auditor=lead.user, theme="Victim contact", planned_sample_size=10)
    url = f"/audits/{audit.pk}/edit/"
    opened = version_on(lead.get(url).content.decode())
    # Meanwhile (another tab) the sample size changes.
    assert lead.post(url, {"theme": "Victim contact", "planned_sample_size": 12, "version": opened}).status_code == 302

    refused = lead.post(url, {"theme": "Victim care", "planned_sample_size": 10, "version": opened})

    assert refused.status_code == 400
    assert STALE.search(refused.content.decode()).group(1) == "audit"  # type: ignore[union-attr]
    audit = Audit.objects.get(pk=audit.pk)
    assert (audit.theme, audit.planned_sample_size) == ("Victim contact", 12)


def test_a_stale_message_names_the_time_of_the_change_in_local_time(client_for: Any) -> None:
    lead = client_for(Role.AUDIT_LEAD)
    audit = AuditFactory(lead_auditor=lead.user)
    opened = version_token(audit)
    audit.save()
    refused = lead.post(f"/audits/{audit.pk}/edit/", {"theme": "x", "planned_sample_size": 5, "version": opened})
    latest = audit.history.latest()
    assert timezone.localtime(latest.history_date).strftime("%H:%M:%S on %-d %B %Y") in refused.content.decode()
