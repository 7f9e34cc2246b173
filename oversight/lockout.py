"""The name django-axes counts failed logins under (``AXES_USERNAME_CALLABLE``).

Login matches the email case-insensitively (``UserManager.get_by_natural_key``), so the lockout must
count ``Lock.Test@…`` and ``lock.test@…`` as one user: otherwise a locked-out account signs in again
by changing the letter case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def normalise_username(value: Any) -> str:
    """An email as login compares it: surrounding spaces removed, lower case."""
    return str(value or "").strip().lower()


def lockout_username(request: HttpRequest, credentials: Mapping[str, Any] | None = None) -> str:
    """The username of a login attempt, from the credentials or else the posted form, normalised."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        return normalise_username(credentials.get(field))
    data = getattr(request, "data", None) or request.POST
    return normalise_username(data.get(field))
