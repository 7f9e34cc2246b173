from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from rest_framework.authtoken.admin import TokenAdmin as BaseTokenAdmin
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from . import mfa
from .mfa_state import NO_MFA_NO_API_ACCESS
from .models import AccessLogEntry, User


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
