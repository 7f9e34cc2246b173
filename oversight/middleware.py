"""Request and response guards that hold for every page and endpoint.

- :class:`MfaMiddleware`: the multi-factor gate, after Django's login requirement and django-otp's
  middleware. A signed-in session that has not passed a code reaches no page and no
  session-authenticated API endpoint when its user is enrolled (they go to "Enter your code") or when
  ``MFA_REQUIRED`` and they are not enrolled yet (they go to set-up). Public pages
  (``login_not_required``) and the steps of sign-in itself stay open. Token-authenticated API
  requests are checked by ``oversight.api_auth``.
- :class:`ControlCharacterMiddleware`: a query parameter or a page's form field holding a control
  character (:mod:`oversight.text`) is refused with 400 and a message naming it, before any view reads
  it (API bodies are left to the API's parsers: :mod:`oversight.parsers`);
- :class:`NoStoreMiddleware`: no response is kept by the browser or a proxy (pages, exports and API
  answers hold case-level data; static files are served before this by whitenoise and stay cacheable).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

from . import mfa
from .text import control_character, control_character_message

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


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _first_control_character(kind: str, data: Any) -> str | None:
    """The refusal for the first parameter of ``data`` (a QueryDict) whose name or a value holds one."""
    for name, values in data.lists():
        if (character := control_character(name)) is not None:
            return f"A {kind.lower()} name {control_character_message(character)}."
        for value in values:
            if (character := control_character(value)) is not None:
                return f"{kind} '{name}' {control_character_message(character)}."
    return None


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """400 with ``message``: JSON ``{"message", "errors"}`` under /api/, the error page otherwise."""
    if _is_api(request):
        return JsonResponse({"message": message, "errors": {}}, status=400)
    return render(request, "400.html", {"reason": message}, status=400)


class ControlCharacterMiddleware:
    """Refuse a request whose query string or form fields hold a control character (files are not read).

    Runs as a view middleware, after the login requirement, so an anonymous request is still sent
    to the login page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        message = _first_control_character("Parameter", request.GET)
        if (
            message is None
            and request.method == "POST"
            and request.content_type in FORM_CONTENT_TYPES
            and not _is_api(request)
        ):
            message = _first_control_character("Field", request.POST)
        return bad_request(request, message) if message else None


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (and private, no-cache) on every response Django answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, no_cache=True, must_revalidate=True, private=True, max_age=0)
        return response
