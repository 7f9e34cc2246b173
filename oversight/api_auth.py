"""API token authentication that honours multi-factor authentication.

When ``MFA_REQUIRED``, a token works only for a user who has set up an authenticator app: a token
is a long-lived password, so it is handed only to people who have passed the second factor
(``oversight.mfa.issue_token`` and the admin's token form refuse the others).
"""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .mfa_state import NO_MFA_NO_API_ACCESS, is_enrolled, is_required


class MfaTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if is_required() and not is_enrolled(user):
            raise AuthenticationFailed(NO_MFA_NO_API_ACCESS)
        return user, token
