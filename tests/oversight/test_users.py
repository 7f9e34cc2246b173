"""User administration by administrators (invite, roles, deactivate; every change in history) and password reset."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from oversight.models import User
from oversight.roles import Role, user_roles
from tests.oversight.factories import TEST_PASSWORD
from tests.oversight.otp import enrol

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def _link(message: Any) -> str:
    match = re.search(r"https?://[^/\s]+(/set-password/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _can_sign_in(email: str, password: str) -> bool:
    response = Client().post("/login/", {"username": email, "password": password})
    return response.status_code == 302 and not response["Location"].startswith("/login/")


def _set_password(client: Client, link: str) -> Any:
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_the_user_list_shows_roles_last_sign_in_and_mfa_status(client_for: Any, make_user: Any) -> None:
    enrolled = make_user(Role.CASE_EDITOR, Role.BOARD_CHAIR, full_name="Ann Enrolled")
    enrol(enrolled)
    make_user(Role.OPCC_SCRUTINY, full_name="Bea Plain")
    admin = client_for(Role.ADMINISTRATOR)

    rows = {user.full_name: row for user, row in admin.get("/manage/users/").context["people"]}

    assert rows["Ann Enrolled"][2] == "Board chair, Data officer"
    assert rows["Ann Enrolled"][4] == "Yes"
    assert rows["Bea Plain"][2:6] == ["OPCC scrutiny officer", None, "No", "Yes"]


def test_an_invited_user_sets_their_password_once_through_the_emailed_link(client_for: Any) -> None:
    admin = client_for(Role.ADMINISTRATOR)

    response = admin.post(
        "/manage/users/invite/",
        {"email": "New.Person@Example.org", "full_name": "New Person", "roles": ["audit_lead", "case_editor"]},
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert not user.has_usable_password()
    assert user_roles(user) == {Role.AUDIT_LEAD, Role.CASE_EDITOR}
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]
    link = _link(mail.outbox[0])

    visitor = Client()
    assert _set_password(visitor, link)["Location"] == "/set-password/done/"
    assert _can_sign_in("new.person@example.org", NEW_PASSWORD)
    # The link works once.
    again = Client().get(link, follow=True)
    assert "This link has expired" in again.content.decode()

    reasons = list(user.history.order_by("history_id").values_list("history_change_reason", "history_user_id"))
    assert reasons[:2] == [
        (f"Invited by {admin.user.email}", admin.user.pk),
        ("Roles: added audit_lead, case_editor", admin.user.pk),
    ]


def test_inviting_an_existing_email_is_refused(client_for: Any, make_user: Any) -> None:
    make_user(Role.CASE_EDITOR, email="taken@example.org")
    response = client_for(Role.ADMINISTRATOR).post(
        "/manage/users/invite/", {"email": "TAKEN@example.org", "full_name": "Someone"}
    )
    assert response.status_code == 400
    assert "A user with this email address already exists." in response.content.decode()
    assert not mail.outbox


def test_roles_are_assigned_and_removed_and_the_change_is_in_history(client_for: Any, make_user: Any) -> None:
    user = make_user(Role.CASE_EDITOR, Role.AUDIT_LEAD)
    admin = client_for(Role.ADMINISTRATOR)

    response = admin.post(f"/manage/users/{user.pk}/", {"roles": ["audit_lead", "board_chair"]})

    assert response.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert user_roles(user) == {Role.AUDIT_LEAD, Role.BOARD_CHAIR}
    latest = user.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Roles: added board_chair; removed case_editor"
    assert latest.history_user_id == admin.user.pk
    assert "Roles: added board_chair; removed case_editor" in admin.get(f"/manage/users/{user.pk}/").content.decode()


def test_an_administrator_cannot_remove_their_own_administrator_role(client_for: Any) -> None:
    admin = client_for(Role.ADMINISTRATOR)
    response = admin.post(f"/manage/users/{admin.user.pk}/", {"roles": ["case_editor"]})
    assert response.status_code == 400
    assert "You cannot remove your own administrator role" in response.content.decode()
    assert user_roles(User.objects.get(pk=admin.user.pk)) == {Role.ADMINISTRATOR}


def test_deactivation_asks_for_confirmation_then_locks_the_user_out(client_for: Any, make_user: Any) -> None:
    user = make_user(Role.CASE_EDITOR)
    signed_in = Client()
    signed_in.force_login(user)
    admin = client_for(Role.ADMINISTRATOR)

    confirm = admin.get(f"/manage/users/{user.pk}/deactivate/")
    assert "They will not be able to sign in" in confirm.content.decode()
    assert User.objects.get(pk=user.pk).is_active  # a GET changes nothing

    assert admin.post(f"/manage/users/{user.pk}/deactivate/").status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    assert signed_in.get("/")["Location"].startswith("/login/")  # their session ends
    assert not _can_sign_in(user.email, TEST_PASSWORD)
    latest = user.history.order_by("-history_id").first()
    assert (latest.history_change_reason, latest.history_user_id) == (
        f"Deactivated by {admin.user.email}",
        admin.user.pk,
    )

    admin.post(f"/manage/users/{user.pk}/reactivate/")
    assert User.objects.get(pk=user.pk).is_active


def test_an_administrator_cannot_deactivate_themselves(client_for: Any) -> None:
    admin = client_for(Role.ADMINISTRATOR)
    response = admin.post(f"/manage/users/{admin.user.pk}/deactivate/")
    assert response.status_code == 400
    assert "You cannot deactivate your own account." in response.content.decode()


def test_an_unknown_user_is_a_404(client_for: Any) -> None:
    assert client_for(Role.ADMINISTRATOR).get("/manage/users/999999/").status_code == 404


def test_a_user_resets_a_forgotten_password_by_email(make_user: Any) -> None:
    user = make_user(Role.CASE_EDITOR, email="forgetful@example.org")
    visitor = Client()

    sent = visitor.post("/password-reset/", {"email": "Forgetful@example.org"})

    assert sent["Location"] == "/password-reset/sent/"
    assert [m.to for m in mail.outbox] == [["forgetful@example.org"]]
    assert mail.outbox[0].subject == "Reset your Oversight password"
    assert _set_password(visitor, _link(mail.outbox[0]))["Location"] == "/set-password/done/"
    assert _can_sign_in(user.email, NEW_PASSWORD)


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing() -> None:
    response = Client().post("/password-reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/password-reset/sent/"
    assert not mail.outbox
