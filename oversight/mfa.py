"""Multi-factor authentication: an authenticator app (TOTP) and ten single-use recovery codes.

django-otp holds the devices: one confirmed ``TOTPDevice`` and one ``StaticDevice`` with the recovery
codes per enrolled user. django-otp keeps a static token as typed; here the stored token is a keyed
hash of the code (:func:`recovery_digest`), so a copy of the database does not give working codes.
A user is *enrolled* when they have a confirmed TOTP device; a session is
*verified* once they have entered a code from either (``oversight.middleware.MfaMiddleware`` keeps
unverified sessions of enrolled users, and of everyone when ``MFA_REQUIRED``, away from other pages).

Enrolment and resets are written to the user's history (who and when) with a change reason.
"""

from __future__ import annotations

import base64
import io
import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image
from rest_framework.authtoken.models import Token

from .errors import ApplicationError
from .mfa_state import NO_MFA_NO_API_ACCESS, is_enrolled, is_required
from .models import User
from .roles import Cap, require_capability
from .users import record_user_event

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
PENDING_SESSION_KEY = "mfa_pending"  # set at password login for enrolled users: a code is still due

WRONG_CODE = "The code is not right. Enter the 6-digit code from your authenticator app, or one of your recovery codes."
WRONG_SETUP_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now."


def is_verified(request: Any) -> bool:
    """True when this session has passed a code (django-otp's ``user.otp_device`` is set)."""
    return getattr(request.user, "otp_device", None) is not None


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count()


# --- Enrolment ------------------------------------------------------------------------------------------


def pending_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator of an enrolment under way (made once, so a reload keeps the secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The shared secret as an authenticator app takes it when typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The enrolment QR code as an inline SVG (``data:`` URI): nothing is fetched from elsewhere."""
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery_digest(code)) for code in codes)
    return codes


def recovery_digest(code: str) -> str:
    """What is stored for a recovery code: HMAC-SHA256 of the normalised code keyed with ``SECRET_KEY``,
    its first 16 hex digits (django-otp's token column holds 16 characters). The code is shown once and
    never stored; a new ``SECRET_KEY`` means new codes for everyone."""
    return salted_hmac("oversight.mfa.recovery-code", _normalise(code), algorithm="sha256").hexdigest()[:16]


@transaction.atomic
def confirm_enrolment(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm ``device`` with a current ``code``: it replaces any earlier authenticator, and ten new
    recovery codes replace the old ones. Returns the codes (shown once, never stored in clear elsewhere)."""
    if device.user_id != user.pk or device.confirmed:
        raise ApplicationError("This set-up has expired. Start again.")
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(_normalise(code)):
        raise ApplicationError(WRONG_SETUP_CODE, extra={"code": [WRONG_SETUP_CODE]})
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    record_user_event(user, actor=user, reason="Set up multi-factor authentication")
    return codes


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    """Ten new recovery codes for an enrolled user; the old ones stop working."""
    if not is_enrolled(user):
        raise ApplicationError("Set up an authenticator app first.")
    codes = _new_recovery_codes(user)
    record_user_event(user, actor=user, reason="Made new multi-factor recovery codes")
    return codes


# --- Sign-in --------------------------------------------------------------------------------------------


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _refusal(device: Device) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    if data and data.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return "Too many wrong codes in a row. Wait a minute, then try again."
    return str((data or {}).get("error_message") or "Codes cannot be checked just now. Try again later.")


def verify_code(*, user: User, code: str) -> Device:
    """The device that accepts ``code``: a 6-digit code is checked against the authenticator app, anything
    else against the recovery codes (each works once). Raises ``ApplicationError`` with a message."""
    token = _normalise(code)
    if not token:
        raise ApplicationError("Enter the code from your authenticator app.", extra={"code": ["Enter a code."]})
    model: type[Device] = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user_id=user.pk, confirmed=True).first()
        if device is None:
            raise ApplicationError(WRONG_CODE, extra={"code": [WRONG_CODE]})
        refusal = _refusal(device)
        if refusal:
            raise ApplicationError(refusal, extra={"code": [refusal]})
        if device.verify_token(recovery_digest(token) if model is StaticDevice else token):
            return device
    raise ApplicationError(WRONG_CODE, extra={"code": [WRONG_CODE]})


def mark_verified(request: Any, device: Device) -> None:
    """Remember in this session that its user passed ``device`` (a new session key, as at login)."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)


def note_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: after the password, an enrolled user still owes a code in this session."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    if is_enrolled(user):
        request.session[PENDING_SESSION_KEY] = True


# --- API tokens -----------------------------------------------------------------------------------------


@transaction.atomic
def issue_token(*, user: User) -> str:
    """A new API token for ``user`` (any earlier one stops working). Refused while MFA is required and
    ``user`` has not set it up. The key is shown once; afterwards only its first characters are."""
    if is_required() and not is_enrolled(user):
        raise ApplicationError(NO_MFA_NO_API_ACCESS)
    Token.objects.filter(user=user).delete()
    return str(Token.objects.create(user=user).key)


# --- Administration -------------------------------------------------------------------------------------


@transaction.atomic
def reset_mfa(*, user: User, actor: Any) -> None:
    """Remove ``user``'s authenticator and recovery codes (lost phone). They set up again at next sign-in
    when MFA is required; their open sessions lose their verification. Administrators only; logged."""
    require_capability(actor, Cap.USERS_MANAGE)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record_user_event(user, actor=actor, reason=f"Multi-factor authentication reset by {actor.email}")
