"""Administrators' pages outside the Django admin: the access log and user administration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import mfa, users
from .accesslog import access_log_search
from .account_forms import AccessLogSearchForm, InviteForm, RolesForm
from .concurrency import version_token, versioned
from .errors import ApplicationError, add_errors_to_form
from .exports import Download, page_or_download, query_string
from .models import AccessKind, AccessLogEntry, User
from .roles import ROLE_LABELS, Cap, Role, capability_required

PAGE_SIZE = 50
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP + 1`` matches, so a broad search costs what a narrow one does (an exact
    COUNT of 1,000,000 rows took 185 ms); past the cap the page says "more than 10,000"."""

    @cached_property
    def count(self) -> int:
        # Unordered: the order of what is counted does not matter, and sorting 10,000 rows does.
        return int(self.object_list.order_by()[: COUNT_CAP + 1].count())  # type: ignore[attr-defined]  # a QuerySet here


ACCESS_LOG_HEADERS = ["When", "User", "Email", "What", "Record id", "Crime reference", "Filter", "Path", "IP address"]


def _access_row(entry: AccessLogEntry) -> list[Any]:
    return [
        entry.at,
        entry.user.full_name,
        entry.user.email,
        AccessKind(entry.kind).label,
        entry.object_id,
        entry.crime_reference,
        entry.query,
        entry.path,
        entry.ip_address,
    ]


@never_cache
@capability_required(Cap.ACCESS_LOG_VIEW)
def access_log(request: HttpRequest) -> HttpResponseBase:
    """Who read which case, when and from where: search by user, reference or id, kind and dates."""
    form = AccessLogSearchForm(request.GET)
    valid = form.is_valid()
    entries = access_log_search(user=request.user, filters=form.filters()) if valid else AccessLogEntry.objects.none()
    return page_or_download(
        request,
        template="manage/access_log.html",
        context=lambda: {
            "form": form,
            "page_obj": CappedPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
            "count_cap": COUNT_CAP,
            "query_string": query_string(request),
            "retention_days": settings.ACCESS_LOG_RETENTION_DAYS,
            "retention_years": round(settings.ACCESS_LOG_RETENTION_DAYS / 365.25),
        },
        download=Download(
            filename="access-log", headers=ACCESS_LOG_HEADERS, rows=entries.iterator(chunk_size=2000), row=_access_row
        ),
        status=200 if valid else 400,
    )


def _user_context(user: User) -> dict[str, Any]:
    return {"subject": user}


@never_cache
@capability_required(Cap.USERS_MANAGE)
def user_list(request: HttpRequest) -> HttpResponseBase:
    """Every user: roles, last sign-in, MFA set up or not, active or not."""
    people = users.user_list(actor=request.user)

    def row(user: User) -> list[Any]:
        labels = [ROLE_LABELS[Role(g.name)] for g in user.groups.all() if g.name in Role._value2member_map_]
        return [
            user.full_name,
            user.email,
            ", ".join(sorted(labels)),
            user.last_login,
            "Yes" if user.mfa_enrolled else "No",  # type: ignore[attr-defined]  # annotated by users.user_list
            "Yes" if user.is_active else "No",
        ]

    return page_or_download(
        request,
        template="manage/user_list.html",
        context=lambda: {"people": [(user, row(user)) for user in people], "mfa_required": mfa.is_required()},
        download=Download(
            filename="users",
            headers=["Name", "Email", "Roles", "Last sign-in", "MFA set up", "Active"],
            rows=people,
            row=row,
        ),
    )


@never_cache
@capability_required(Cap.USERS_MANAGE)
def user_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = users.invite_user(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("user_detail", pk=user.pk)
    return render(request, "manage/user_invite.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@capability_required(Cap.USERS_MANAGE)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One user: roles to change, MFA and activity, and the history of changes to their account."""
    user = _user(request, pk)
    form = RolesForm(
        request.POST or None, initial={"roles": sorted(users.role_names(user)), "version": version_token(user)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            with versioned(user, form.cleaned_data["version"], noun="user"):
                added, removed = users.set_roles(actor=request.user, user=user, roles=form.cleaned_data["roles"])
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, "Roles saved." if added or removed else "No change to the roles.")
            return redirect("user_detail", pk=user.pk)
    history = user.history.select_related("history_user").order_by("-history_date")[:50]
    return render(
        request,
        "manage/user_detail.html",
        {**_user_context(user), "form": form, "history": history, "invited": not user.has_usable_password()},
        status=400 if form.errors else 200,
    )


def _user(request: HttpRequest, pk: int) -> User:
    try:
        return users.user_detail(actor=request.user, pk=pk)
    except User.DoesNotExist:
        raise Http404("No such user.") from None


def _confirmed_action(request: HttpRequest, pk: int, *, template: str, act: Any, done: str) -> HttpResponse:
    """GET: a page that says what will happen; POST: do it and go back to the user."""
    user = _user(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            act(user)
        except ApplicationError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, done.format(user=user))
            return redirect("user_detail", pk=user.pk)
    return render(request, template, {**_user_context(user), "errors": errors}, status=400 if errors else 200)


@never_cache
@capability_required(Cap.USERS_MANAGE)
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirmed_action(
        request,
        pk,
        template="manage/user_deactivate.html",
        act=lambda user: users.set_active(actor=request.user, user=user, active=False),
        done="{user.email} is deactivated: they can no longer sign in.",
    )


def _posted_action(request: HttpRequest, pk: int, *, act: Any, done: str) -> HttpResponse:
    """A POST from the user's page: do it, say so (or why not) and go back to the user."""
    user = _user(request, pk)
    try:
        act(user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(user=user))
    return redirect("user_detail", pk=user.pk)


@never_cache
@capability_required(Cap.USERS_MANAGE)
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _posted_action(
        request,
        pk,
        act=lambda user: users.set_active(actor=request.user, user=user, active=True),
        done="{user.email} is active again.",
    )


@never_cache
@capability_required(Cap.USERS_MANAGE)
def user_mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirmed_action(
        request,
        pk,
        template="manage/user_mfa_reset.html",
        act=lambda user: mfa.reset_mfa(user=user, actor=request.user),
        done="Multi-factor authentication reset for {user.email}: they set it up again at their next sign-in.",
    )


@never_cache
@capability_required(Cap.USERS_MANAGE)
@require_POST
def user_resend_invite(request: HttpRequest, pk: int) -> HttpResponse:
    return _posted_action(
        request,
        pk,
        act=lambda user: users.resend_invitation(actor=request.user, user=user),
        done="Invitation sent again to {user.email}.",
    )
