"""Multi-factor authentication gate, after Django's login requirement and django-otp's middleware.

A signed-in session that has not passed a code reaches no page and no session-authenticated API
endpoint when its user is enrolled (they go to "Enter your code") or when ``MFA_REQUIRED`` and they
are not enrolled yet (they go to set-up). Public pages (``login_not_required``) and the steps of
sign-in itself stay open. Token-authenticated API requests are checked by ``oversight.api_auth``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import mfa

# Steps of signing in that an unverified session may take (by URL name).
VERIFY_STEPS = {"mfa_verify", "logout"}
ENROL_STEPS = {"mfa_setup", "mfa_recovery_codes", "logout"}


def _is_api_view(view_func: Any) -> bool:
    """DRF views mark themselves ``login_not_required`` and authenticate for themselves."""
    return getattr(view_func, "cls", None) is not None and hasattr(view_func.cls, "authentication_classes")


class MfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or mfa.is_verified(request):
            return None
        api = _is_api_view(view_func)
        if not api and not getattr(view_func, "login_required", True):
            return None
        if not (mfa.is_required() or request.session.get(mfa.PENDING_SESSION_KEY)):
            return None  # optional MFA and no code owed in this session
        url_name = request.resolver_match.url_name if request.resolver_match else None
        if mfa.is_enrolled(user):
            step, allowed, message = "mfa_verify", VERIFY_STEPS, "Enter your multi-factor code first."
        elif mfa.is_required():
            step, allowed, message = "mfa_setup", ENROL_STEPS, "Set up multi-factor authentication first."
        else:
            request.session.pop(mfa.PENDING_SESSION_KEY, None)  # reset by an administrator meanwhile
            return None
        if url_name in allowed and not api:
            return None
        if api:
            return JsonResponse({"message": message, "errors": {}}, status=403)
        next_url = request.get_full_path() if request.method == "GET" else reverse("home")
        return redirect(f"{reverse(step)}?{urlencode({'next': next_url})}")
