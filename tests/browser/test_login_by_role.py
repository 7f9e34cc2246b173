"""Headless chromium: each role signs in through the form and lands on its own home page."""

from typing import Any

import pytest

from oversight.roles import Role
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_each_role_signs_in_and_sees_its_home_page(page: Any, make_user: Any) -> None:
    for role in Role:
        user = make_user(role)
        browser_login(page, user)
        assert page.get_by_test_id(f"panel-{role.value}").is_visible()
        assert role.label in page.get_by_test_id("current-user").inner_text()
        others = [r for r in Role if r != role]
        for other in others:
            assert page.get_by_test_id(f"panel-{other.value}").count() == 0
        screenshot(page, f"home-{role.value}")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/login/")


def test_a_wrong_password_shows_the_error_summary(page: Any, make_user: Any) -> None:
    user = make_user(Role.AUDIT_LEAD)
    page.goto("/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
