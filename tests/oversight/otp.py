"""Enrol a test user in MFA and compute their authenticator's codes, as their phone would."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight import mfa
from oversight.models import User


def code_for(user: User, *, ahead: int = 1) -> str:
    """The code the user's app shows ``ahead`` 30-second steps from now. A code is accepted once and
    never again with an earlier one, so after enrolment (which used this step) tests sign in with the next."""
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, drift=ahead):06d}"


def enrol(user: User) -> list[str]:
    """Set up an authenticator app for ``user`` through the service; returns their ten recovery codes."""
    device = mfa.pending_device(user=user)
    return mfa.confirm_enrolment(user=user, device=device, code=f"{totp(device.bin_key):06d}")
