"""Admin for the investigation register (administrators only: see ``OversightAdminSite``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from oversight.admin import AccessLoggedAdmin
from oversight.models import AccessKind

from .models import (
    CpsReferral,
    Flag,
    HomeOfficeOffence,
    ImportProfile,
    Investigation,
    LocalPolicingArea,
    OrderBreach,
    ProtectiveOrder,
    Team,
)
from .profiles import profile_errors


class CpsReferralInline(admin.TabularInline):
    model = CpsReferral
    extra = 0


class ProtectiveOrderInline(admin.TabularInline):
    model = ProtectiveOrder
    extra = 0
    show_change_link = True


class OrderBreachInline(admin.TabularInline):
    model = OrderBreach
    extra = 0


LOGGED_AS_INVESTIGATIONS = (AccessKind.INVESTIGATION_LIST, AccessKind.INVESTIGATION)


@admin.register(Investigation)
class InvestigationAdmin(AccessLoggedAdmin):
    access_kinds = LOGGED_AS_INVESTIGATIONS
    list_display = (
        "crime_reference",
        "strand",
        "offence_group",
        "lpa",
        "team",
        "recorded_date",
        "outcome_type",
        "outcome_date",
    )
    list_filter = (
        "strand",
        "offence_group",
        "victim_age_group",
        "lpa",
        "team",
        "outcome_type",
        "bail_status",
        "court_outcome",
        "flags",
        "recorded_date",
        "da_flag",
        "suspect_status",
        "relationship",
        "ho_offence",
    )
    search_fields = ("crime_reference", "victim_id", "suspect_id")
    date_hierarchy = "recorded_date"
    list_select_related = ("lpa", "team")
    raw_id_fields = ("ho_offence",)
    filter_horizontal = ("flags",)
    inlines = (CpsReferralInline, ProtectiveOrderInline)
    readonly_fields = ("created_at", "updated_at")
    show_full_result_count = False  # no full-table COUNT on a million rows

    def access_subject(self, obj: Investigation) -> tuple[int | None, str]:
        return obj.pk, obj.crime_reference


class InvestigationPartAdmin(AccessLoggedAdmin):
    """A part of an investigation (a CPS referral, an order): logged as a read of its investigation."""

    access_kinds = LOGGED_AS_INVESTIGATIONS

    def investigation_of(self, obj: Any) -> Investigation:
        return obj.investigation

    def access_subject(self, obj: Any) -> tuple[int | None, str]:
        investigation = self.investigation_of(obj)
        return investigation.pk, investigation.crime_reference


@admin.register(CpsReferral)
class CpsReferralAdmin(InvestigationPartAdmin):
    list_display = ("investigation", "referral_date", "decision", "decision_date")
    list_filter = ("decision", "referral_date")
    search_fields = ("investigation__crime_reference",)
    raw_id_fields = ("investigation",)
    list_select_related = ("investigation",)


@admin.register(ProtectiveOrder)
class ProtectiveOrderAdmin(InvestigationPartAdmin):
    list_display = ("investigation", "order_type", "applied_date", "granted_date", "expiry_date")
    list_filter = ("order_type", "applied_date")
    search_fields = ("investigation__crime_reference",)
    raw_id_fields = ("investigation",)
    list_select_related = ("investigation",)
    inlines = (OrderBreachInline,)


@admin.register(OrderBreach)
class OrderBreachAdmin(InvestigationPartAdmin):
    list_display = ("order", "breach_date", "arrest_made")
    list_filter = ("arrest_made", "breach_date")
    search_fields = ("order__investigation__crime_reference",)
    raw_id_fields = ("order",)

    def investigation_of(self, obj: OrderBreach) -> Investigation:
        return obj.order.investigation


@admin.register(LocalPolicingArea, Team, Flag)
class ReferenceDataAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")


@admin.register(HomeOfficeOffence)
class HomeOfficeOffenceAdmin(SimpleHistoryAdmin):
    list_display = ("code", "description", "offence_group", "is_active")
    list_filter = ("offence_group", "is_active")
    search_fields = ("code", "description")


class ImportProfileAdminForm(forms.ModelForm):
    """The admin checks a profile as the profile page does (:func:`cases.profiles.profile_errors`)."""

    class Meta:
        model = ImportProfile
        fields = ("name", "source", "date_format", "columns", "values", "ignored")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = profile_errors(
            columns=data.get("columns") or [],
            values=data.get("values") or {},
            ignored=data.get("ignored") or [],
            date_format=data.get("date_format") or "",
        )
        for name, messages in problems.items():
            self.add_error(name if name in self.fields else None, messages)
        return data


@admin.register(ImportProfile)
class ImportProfileAdmin(SimpleHistoryAdmin):
    form = ImportProfileAdminForm
    list_display = ("name", "source", "date_format", "updated_at")
    search_fields = ("name", "source")
    readonly_fields = ("created_at", "updated_at")
