"""API rate limits: per user once signed in, per address before (``API_THROTTLE_RATES`` in settings).

DRF's own classes read their rates once, at import; these read them on every request, so settings
(and tests) can change them.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonThrottle(AnonRateThrottle):
    """Requests without a valid login, by client address (``API_THROTTLE_RATES["anon"]``)."""

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(str(self.scope))


class UserThrottle(UserRateThrottle):
    """Requests of a signed-in user or token, by user (``API_THROTTLE_RATES["user"]``)."""

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(str(self.scope))
