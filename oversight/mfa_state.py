"""Whether MFA is required and whether a user has set it up: the two facts API authentication needs.

Kept apart from ``oversight.mfa`` (which raises ``ApplicationError``): DRF loads the authentication
classes while ``oversight.errors`` is still importing DRF, so this module imports neither.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

NO_MFA_NO_API_ACCESS = (
    "API tokens need multi-factor authentication: set up an authenticator app from your account page."
)


def is_required() -> bool:
    return bool(settings.MFA_REQUIRED)


def is_enrolled(user: Any) -> bool:
    """True when ``user`` has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()
