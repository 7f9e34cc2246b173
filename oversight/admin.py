from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from rest_framework.authtoken.admin import TokenAdmin as BaseTokenAdmin
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from . import mfa
from .accesslog import record_access
from .mfa_state import NO_MFA_NO_API_ACCESS
from .models import AccessKind, AccessLogEntry, User


class AccessLoggedAdmin(SimpleHistoryAdmin):
    """The admin (with its history) of case-level records: every page of them it shows (the list, a record, its history,
    a past version, the delete confirmation) writes an access-log row, as the case pages do (DESIGN.md
    section 5), so reading a record through the admin leaves the same trace as reading it anywhere.
    ``access_kinds`` is (the list's kind, a record's kind); :meth:`access_subject` names the record."""

    access_kinds: tuple[AccessKind, AccessKind]

    def access_subject(self, obj: Any) -> tuple[int | None, str]:
        """The id and crime reference the log names for ``obj`` (the investigation's, for its parts)."""
        return obj.pk, ""

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            record_access(request, self.access_kinds[0])
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> Any:
        return self._logged(request, object_id, super().change_view(request, object_id, form_url, extra_context))

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        return self._logged(request, object_id, super().delete_view(request, object_id, extra_context))

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        return self._logged(request, object_id, super().history_view(request, object_id, extra_context))

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> Any:
        response = super().history_form_view(request, object_id, version_id, extra_context)
        return self._logged(request, object_id, response)

    def _logged(self, request: HttpRequest, object_id: str, response: Any) -> Any:
        """``response`` as it is, after logging the record it shows (a page shown: 200)."""
        if response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                pk, reference = self.access_subject(obj)
                record_access(request, self.access_kinds[1], object_id=pk, reference=reference)
        return response


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "job_title", "is_active", "last_login"]
    list_filter = ["is_active", "groups"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title")}),
        ("Roles", {"fields": ("is_active", "groups", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    filter_horizontal = ("groups",)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the access log is append-only (search it at /manage/access-log/)."""

    list_display = ["at", "user", "kind", "crime_reference", "object_id", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["crime_reference", "user__email"]
    list_select_related = ["user"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class TokenForm(forms.ModelForm):
    def clean_user(self) -> User:
        user = self.cleaned_data["user"]
        if mfa.is_required() and not mfa.is_enrolled(user):
            raise forms.ValidationError(NO_MFA_NO_API_ACCESS)
        return user


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(BaseTokenAdmin):
    """DRF's token admin, refusing a token to a user without MFA while MFA is required."""

    form = TokenForm
