"""Multi-factor authentication: the code after the password, recovery codes, enrolment, resets, API tokens."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from oversight import mfa
from oversight.models import User
from oversight.roles import Role
from tests.oversight.factories import TEST_PASSWORD
from tests.oversight.otp import code_for, enrol

pytestmark = pytest.mark.django_db

KPIS = "/api/v1/kpis/?from=2025-04-01&to=2025-06-30"


def sign_in(client: Client, user: User) -> Any:
    return client.post("/login/", {"username": user.email, "password": TEST_PASSWORD})


def test_an_enrolled_user_must_enter_a_code_before_any_page(make_user: Any) -> None:
    user = make_user(Role.CASE_EDITOR)
    enrol(user)
    client = Client()
    sign_in(client, user)

    home = client.get("/cases/?strand=rasso")
    assert home.status_code == 302
    assert home["Location"] == "/login/code/?next=%2Fcases%2F%3Fstrand%3Drasso"
    # The session API is closed too, with a message.
    api = client.get(KPIS)
    assert api.status_code == 403
    assert api.json()["message"] == "Enter your multi-factor code first."

    answer = client.post("/login/code/", {"code": code_for(user), "next": "/cases/?strand=rasso"})
    assert answer.status_code == 302
    assert answer["Location"] == "/cases/?strand=rasso"
    assert client.get("/cases/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message(make_user: Any, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait between tries, so the right code can follow at once
    user = make_user(Role.AUDIT_LEAD)
    enrol(user)
    client = Client()
    sign_in(client, user)
    right = code_for(user)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post("/login/code/", {"code": wrong})

    assert response.status_code == 400
    assert mfa.WRONG_CODE in response.content.decode()
    assert client.get("/").status_code == 302  # still not through
    assert client.post("/login/code/", {"code": right}).status_code == 302
    assert client.get("/").status_code == 200


def test_repeated_wrong_codes_are_throttled(make_user: Any) -> None:
    user = make_user(Role.AUDIT_LEAD)
    enrol(user)
    client = Client()
    sign_in(client, user)
    client.post("/login/code/", {"code": "000000" if code_for(user) != "000000" else "111111"})

    # Straight after a failure the right code must wait (django-otp's back-off: 1 s, doubling).
    response = client.post("/login/code/", {"code": code_for(user)})

    assert response.status_code == 400
    assert "Too many wrong codes in a row" in response.content.decode()


def test_a_recovery_code_signs_in_once_only(make_user: Any) -> None:
    user = make_user(Role.BOARD_CHAIR)
    codes = enrol(user)
    assert len(codes) == 10 and len(set(codes)) == 10

    first = Client()
    sign_in(first, user)
    assert first.post("/login/code/", {"code": codes[3].upper()}).status_code == 302
    assert first.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9

    second = Client()
    sign_in(second, user)
    again = second.post("/login/code/", {"code": codes[3]})
    assert again.status_code == 400
    assert mfa.WRONG_CODE in again.content.decode()


def test_when_required_a_user_without_mfa_is_sent_to_set_it_up_and_nowhere_else(make_user: Any, settings: Any) -> None:
    settings.MFA_REQUIRED = True
    user = make_user(Role.CASE_EDITOR)
    client = Client()
    sign_in(client, user)

    for path in ("/", "/cases/", "/account/", "/manage/users/", "/login/code/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/account/mfa/set-up/?next="), path

    page = client.get("/account/mfa/set-up/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert mfa.secret_text(device) in html

    from django_otp.oath import totp

    done = client.post("/account/mfa/set-up/", {"code": f"{totp(device.bin_key):06d}", "next": "/cases/"})
    assert done.status_code == 302
    codes_page = client.get(done["Location"])
    shown = codes_page.context["codes"]
    assert len(shown) == 10
    assert all(code in codes_page.content.decode() for code in shown)
    assert client.get("/account/mfa/recovery-codes/").status_code == 302  # shown once
    assert client.get("/cases/").status_code == 200
    assert mfa.is_enrolled(user)


def test_a_wrong_code_at_set_up_leaves_the_user_not_enrolled(make_user: Any, settings: Any) -> None:
    settings.MFA_REQUIRED = True
    user = make_user(Role.CASE_EDITOR)
    client = Client()
    sign_in(client, user)
    client.get("/account/mfa/set-up/")

    response = client.post("/account/mfa/set-up/", {"code": "12345"})

    assert response.status_code == 400
    assert mfa.WRONG_SETUP_CODE in response.content.decode()
    assert not mfa.is_enrolled(user)
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_in_development_enrolment_is_optional_and_made_from_the_account_page(client_for: Any) -> None:
    client = client_for(Role.OPCC_SCRUTINY)
    account = client.get("/account/").content.decode()
    assert "Not set up" in account
    assert client.get("/").status_code == 200  # not forced
    assert client.get("/account/mfa/set-up/").status_code == 200


def test_enrolment_is_kept_in_the_users_history(make_user: Any) -> None:
    user = make_user(Role.CASE_EDITOR)
    enrol(user)
    latest = user.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Set up multi-factor authentication"
    assert latest.history_user_id == user.pk


def test_an_administrator_resets_a_users_mfa_and_it_is_logged(client_for: Any, make_user: Any, settings: Any) -> None:
    settings.MFA_REQUIRED = True
    user = make_user(Role.CASE_EDITOR)
    enrol(user)
    admin_user = make_user(Role.ADMINISTRATOR)
    enrol(admin_user)
    admin = Client()
    sign_in(admin, admin_user)
    admin.post("/login/code/", {"code": code_for(admin_user)})

    confirm = admin.get(f"/manage/users/{user.pk}/reset-mfa/")
    assert confirm.status_code == 200
    assert "stop working now" in confirm.content.decode()
    done = admin.post(f"/manage/users/{user.pk}/reset-mfa/")

    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    latest = user.history.order_by("-history_id").first()
    assert latest.history_change_reason == f"Multi-factor authentication reset by {admin_user.email}"
    assert latest.history_user_id == admin_user.pk
    # At their next sign-in the user sets up a new app.
    again = Client()
    sign_in(again, user)
    assert again.get("/")["Location"].startswith("/account/mfa/set-up/")


def test_a_reset_ends_the_verification_of_open_sessions(make_user: Any, settings: Any) -> None:
    settings.MFA_REQUIRED = True
    user = make_user(Role.CASE_EDITOR)
    enrol(user)
    client = Client()
    sign_in(client, user)
    client.post("/login/code/", {"code": code_for(user)})
    assert client.get("/").status_code == 200

    mfa.reset_mfa(user=user, actor=make_user(Role.ADMINISTRATOR))

    assert client.get("/")["Location"].startswith("/account/mfa/set-up/")


def test_only_administrators_reset_mfa(make_user: Any) -> None:
    from django.core.exceptions import PermissionDenied

    user = make_user(Role.CASE_EDITOR)
    enrol(user)
    with pytest.raises(PermissionDenied):
        mfa.reset_mfa(user=user, actor=make_user(Role.AUDIT_LEAD))
    assert mfa.is_enrolled(user)


def test_when_required_a_token_of_a_user_without_mfa_is_refused(make_user: Any, settings: Any) -> None:
    settings.MFA_REQUIRED = True
    user = make_user(Role.OPCC_SCRUTINY)
    token = Token.objects.create(user=user)  # e.g. made before MFA became required
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    refused = client.get(KPIS)
    assert refused.status_code in (401, 403)
    assert refused.json()["message"] == mfa.NO_MFA_NO_API_ACCESS

    enrol(user)
    assert client.get(KPIS).status_code == 200


def test_when_required_a_user_without_mfa_cannot_obtain_a_token(make_user: Any, settings: Any) -> None:
    user = make_user(Role.CASE_EDITOR)
    settings.MFA_REQUIRED = True
    with pytest.raises(mfa.ApplicationError, match="API tokens need multi-factor authentication"):
        mfa.issue_token(user=user)
    assert not Token.objects.filter(user=user).exists()

    enrol(user)
    key = mfa.issue_token(user=user)
    assert Token.objects.get(user=user).key == key


def test_the_admin_refuses_a_token_for_a_user_without_mfa_when_required(
    client_for: Any, make_user: Any, settings: Any
) -> None:
    admin = client_for(Role.ADMINISTRATOR)
    settings.MFA_REQUIRED = True
    enrol(admin.user)
    session = admin.session
    # A verified session: the administrator passed their own code (as the middleware checks).
    device = TOTPDevice.objects.get(user=admin.user)
    session["otp_device_id"] = device.persistent_id
    session.save()
    user = make_user(Role.CASE_EDITOR)

    response = admin.post("/admin/authtoken/tokenproxy/add/", {"user": user.pk})

    assert response.status_code == 200
    assert mfa.NO_MFA_NO_API_ACCESS in response.content.decode()
    assert not Token.objects.filter(user=user).exists()


def test_a_user_gets_a_token_from_their_account_page_shown_once(client_for: Any) -> None:
    client = client_for(Role.CASE_EDITOR)
    response = client.post("/account/api-token/")
    assert response.status_code == 200
    key = Token.objects.get(user=client.user).key
    assert key in response.content.decode()
    assert key not in client.get("/account/").content.decode()
    assert key[:6] in client.get("/account/").content.decode()


def test_the_next_address_after_the_code_stays_on_this_site(make_user: Any) -> None:
    user = make_user(Role.CASE_EDITOR)
    enrol(user)
    client = Client()
    sign_in(client, user)
    response = client.post("/login/code/", {"code": code_for(user), "next": "https://elsewhere.example/"})
    assert response["Location"] == "/"


def test_recovery_codes_are_stored_as_keyed_hashes_not_as_issued(make_user: Any) -> None:
    user = make_user(Role.BOARD_CHAIR)
    codes = enrol(user)
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))

    assert not stored & {code for code in codes}  # a copy of the table gives no working code
    assert stored == {mfa.recovery_digest(code) for code in codes}
    client = Client()
    sign_in(client, user)
    assert client.post("/login/code/", {"code": codes[0]}).status_code == 302
    # The stored value itself is not a code: typed in, it is refused.
    other = Client()
    sign_in(other, user)
    assert other.post("/login/code/", {"code": stored.pop()}).status_code == 400


def test_codes_stored_before_hashing_are_hashed_by_the_migration_and_still_work(make_user: Any) -> None:
    from django.apps import apps

    hashing = importlib.import_module("oversight.migrations.0010_hash_stored_recovery_codes")
    user = make_user(Role.BOARD_CHAIR)
    enrol(user)
    device = StaticToken.objects.filter(device__user=user).first().device
    device.token_set.all().delete()
    device.token_set.create(token="abcd2345")  # as django-otp stores a code: in clear

    hashing.hash_plain_codes(apps, None)
    hashing.hash_plain_codes(apps, None)  # a second run leaves hashes alone

    assert list(device.token_set.values_list("token", flat=True)) == [mfa.recovery_digest("abcd2345")]
    client = Client()
    sign_in(client, user)
    assert client.post("/login/code/", {"code": "ABCD-2345"}).status_code == 302
