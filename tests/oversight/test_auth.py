"""Login, logout and the login-required default."""

from typing import Any

import pytest

from tests.oversight.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_public(client: Any) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    assert b"Sign in to Oversight" in response.content


def test_it_redirects_anonymous_users_to_login(client: Any) -> None:
    for path in ("/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/") or "login" in response["Location"], path


def test_api_refuses_anonymous_requests(client: Any) -> None:
    for path in ("/api/v1/", "/api/schema/"):
        assert client.get(path).status_code in (401, 403, 404)
    assert client.get("/api/schema/").status_code in (401, 403)


def test_it_logs_in_with_email_and_password(client: Any, make_user: Any) -> None:
    user = make_user("audit_lead", email="someone@example.org")
    response = client.post("/login/", {"username": "Someone@Example.org", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"] == user


def test_it_rejects_a_wrong_password_with_a_message(client: Any, make_user: Any) -> None:
    make_user("audit_lead", email="someone@example.org")
    response = client.post("/login/", {"username": "someone@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert b"Enter a correct email address and password" in response.content
    assert b"govuk-error-summary" in response.content


def test_it_locks_out_after_repeated_failures(client: Any, make_user: Any, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    make_user("audit_lead", email="someone@example.org")
    for _ in range(3):
        client.post("/login/", {"username": "someone@example.org", "password": "wrong"})
    response = client.post("/login/", {"username": "someone@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 429


def test_logout_needs_post_and_ends_the_session(client_for: Any) -> None:
    client = client_for("board_chair")
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_a_user_without_roles_sees_no_panels(client_for: Any) -> None:
    response = client_for().get("/")
    assert response.status_code == 200
    assert b"Your account has no role yet" in response.content


def test_api_accepts_a_token(api_client_for: Any) -> None:
    assert api_client_for("opcc_scrutiny").get("/api/schema/").status_code == 200


def test_a_locked_out_user_cannot_log_in_by_changing_the_email_letter_case(
    client: Any, make_user: Any, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    make_user("audit_lead", email="lock.test@example.org")
    # Three failures under three spellings of one address count as three failures of one user.
    for spelling in ("Lock.Test@example.org", "LOCK.TEST@EXAMPLE.ORG", " lock.test@Example.org "):
        client.post("/login/", {"username": spelling, "password": "wrong"})
    for spelling in ("lock.test@example.org", "Lock.Test@Example.Org"):
        response = client.post("/login/", {"username": spelling, "password": TEST_PASSWORD})
        assert response.status_code == 429, spelling
    assert client.get("/").status_code == 302  # still signed out
