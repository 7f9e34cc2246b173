"""Sign-in's second step (a code), setting up an authenticator app, and the user's own account page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from . import mfa
from .account_forms import CodeForm
from .errors import ApplicationError, add_errors_to_form
from .roles import Role, user_roles

CODES_SESSION_KEY = "mfa_new_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


def _menu(request: HttpRequest) -> dict[str, Any]:
    """No menu while the session has not passed a code: its pages are out of reach until then."""
    return {} if mfa.is_verified(request) else {"nav_items": []}


@never_cache
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app or a recovery code."""
    if mfa.is_verified(request) or not mfa.is_enrolled(request.user):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = mfa.verify_code(user=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]  # signed in: a User
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            mfa.mark_verified(request, device)
            if device.name == mfa.RECOVERY_DEVICE_NAME:
                left = mfa.recovery_codes_left(request.user)
                messages.warning(
                    request, f"You used a recovery code. {left} left: make new ones from your account page."
                )
            return redirect(_next_url(request))
    return render(
        request,
        "account/mfa_verify.html",
        {"form": form, "next": _next_url(request), **_menu(request)},
        status=400 if form.errors else 200,
    )


@never_cache
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), then confirm with a code: ten recovery codes follow."""
    user: Any = request.user
    device = mfa.pending_device(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.confirm_enrolment(user=user, device=device, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            mfa.mark_verified(request, device)
            request.session[CODES_SESSION_KEY] = codes
            return redirect(f"{reverse('mfa_recovery_codes')}?{urlencode({'next': _next_url(request)})}")
    return render(
        request,
        "account/mfa_setup.html",
        {
            "form": form,
            "qr": mfa.qr_data_uri(device),
            "secret": mfa.secret_text(device),
            "replacing": mfa.is_enrolled(user),
            "required": mfa.is_required(),
            "next": _next_url(request),
            **_menu(request),
        },
        status=400 if form.errors else 200,
    )


@never_cache
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once: they leave the session as the page is drawn."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    if not codes:
        return redirect("account")
    return render(request, "account/recovery_codes.html", {"codes": codes, "next": _next_url(request)})


@never_cache
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    roles = sorted(user_roles(user), key=lambda r: list(Role).index(r))
    token = Token.objects.filter(user=user).first()
    return render(
        request,
        "account/account.html",
        {
            "roles": roles,
            "enrolled": mfa.is_enrolled(user),
            "required": mfa.is_required(),
            "codes_left": mfa.recovery_codes_left(user),
            "token": token,
            "may_have_token": not mfa.is_required() or mfa.is_enrolled(user),
        },
    )


@require_POST
def account_recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = mfa.regenerate_recovery_codes(user=request.user)  # type: ignore[arg-type]  # signed in: a User
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("account")
    request.session[CODES_SESSION_KEY] = codes
    return redirect(f"{reverse('mfa_recovery_codes')}?{urlencode({'next': reverse('account')})}")


@never_cache
@require_POST
def account_api_token(request: HttpRequest) -> HttpResponse:
    """A new API token, shown once on the page that answers this POST."""
    try:
        key = mfa.issue_token(user=request.user)  # type: ignore[arg-type]  # signed in: a User
    except ApplicationError as exc:
        return render(request, "account/api_token.html", {"error": exc.message}, status=400)
    return render(request, "account/api_token.html", {"key": key})
