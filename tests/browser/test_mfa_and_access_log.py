"""Headless chromium: an administrator sets up an authenticator app, signs in again with a code,
opens an investigation and finds that read in the access log."""

import base64
from typing import Any

import pytest
from django_otp.oath import totp

from oversight.roles import Role
from tests.cases.factories import InvestigationFactory
from tests.conftest import browser_login, screenshot
from tests.oversight.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _key(secret_text: str) -> bytes:
    """The key behind the set-up key shown on the page (base32 in groups of four), as an app reads it."""
    secret = secret_text.replace(" ", "").strip().upper()
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def test_enrolment_then_sign_in_with_a_code_then_the_read_is_in_the_access_log(
    page: Any, make_user: Any, settings: Any
) -> None:
    settings.MFA_REQUIRED = True
    user = make_user(Role.ADMINISTRATOR, email="sam.admin@example.org", full_name="Sam Admin")
    investigation = InvestigationFactory(crime_reference="20/424242/25")

    # Password first: MFA is required and Sam has none, so set-up is the only way on.
    browser_login(page, user)
    assert "/account/mfa/set-up/" in page.url
    page.goto("/cases/")
    assert "/account/mfa/set-up/" in page.url
    page.get_by_text("I cannot scan the QR code").click()
    assert page.get_by_test_id("mfa-qr").is_visible()
    key = _key(page.get_by_test_id("mfa-secret").inner_text())
    screenshot(page, "mfa-enrolment")
    page.get_by_label("Code from the app").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url("**/account/mfa/recovery-codes/**")
    codes = page.get_by_test_id("recovery-codes").locator("li")
    assert codes.count() == 10
    screenshot(page, "mfa-recovery-codes")
    page.get_by_role("link", name="I have saved my recovery codes").click()
    page.wait_for_url("**/cases/")  # on to the page asked for before set-up
    assert page.get_by_role("heading", name="Investigation register").is_visible()

    # Sign out and in again: after the password, the code from the app (the next 30-second step:
    # the one used at set-up cannot be used twice).
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/code/**")
    page.get_by_label("Code").fill("000000" if f"{totp(key, drift=1):06d}" != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    assert "The code is not right" in page.locator(".govuk-error-summary").inner_text()
    screenshot(page, "mfa-code-refused")
    page.wait_for_timeout(1100)  # django-otp makes a second try wait 1 s after a wrong code
    page.get_by_label("Code").fill(f"{totp(key, drift=1):06d}")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_test_id("panel-administrator").is_visible()

    page.goto(f"/cases/{investigation.pk}/")
    assert page.get_by_role("heading", name="20/424242/25").is_visible()
    page.goto("/manage/access-log/")
    page.get_by_label("Crime reference or investigation id").fill("20/424242/25")
    page.get_by_role("button", name="Search").click()
    table = page.get_by_test_id("access-log-table")
    assert "Sam Admin" in table.inner_text()
    assert "Investigation opened" in table.inner_text()
    assert page.get_by_test_id("result-count").inner_text() == "1 entry"
    screenshot(page, "access-log-search")
