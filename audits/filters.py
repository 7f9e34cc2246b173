"""The filters of the audit and action lists, shared by the pages and the API (same names, same checks)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from oversight.filters import IdFilter, YesCheckbox, YesFilter, lazy_choices
from oversight.forms import MonthField
from oversight.models import User

from .choices import ActionStatus, AuditArea, AuditKind, AuditStatus
from .models import Action, Audit


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class AuditFilter(django_filters.FilterSet):
    """Audits by kind, area, status and month range."""

    kind = django_filters.ChoiceFilter(choices=AuditKind.choices, empty_label="Any kind")
    area = django_filters.ChoiceFilter(choices=AuditArea.choices, empty_label="Any area")
    status = django_filters.ChoiceFilter(choices=AuditStatus.choices, empty_label="Any status")
    month_from = MonthFilter(field_name="month", lookup_expr="gte", label="From month")
    month_to = MonthFilter(field_name="month", lookup_expr="lte", label="To month")
    lead_auditor = IdFilter(field_name="lead_auditor_id", widget=forms.HiddenInput)

    class Meta:
        model = Audit
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ActionFilter(django_filters.FilterSet):
    """Actions by status, owner, audit, the audit's area, and overdue only."""

    status = django_filters.ChoiceFilter(choices=ActionStatus.choices, empty_label="Any status")
    owner = IdFilter(field_name="owner_id", label="Owner")
    area = django_filters.ChoiceFilter(field_name="audit__area", choices=AuditArea.choices, empty_label="Any area")
    audit = IdFilter(field_name="audit_id", widget=forms.HiddenInput)
    not_owner = IdFilter(field_name="owner_id", exclude=True, widget=forms.HiddenInput)
    overdue = YesFilter(
        label="Overdue only",
        method="filter_overdue",
        widget=YesCheckbox(attrs={}),
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = User.objects.filter(audit_actions__isnull=False).distinct()
        self.form.fields["owner"].widget = forms.Select(choices=lazy_choices(owners, "Anyone"))

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        """``is_overdue`` is annotated by the selector (``with_overdue(today)``)."""
        return queryset.filter(is_overdue=True) if value else queryset


class AuditIdFilter(django_filters.FilterSet):
    """``?audit=<id>``: the case reviews or learning points of one audit."""

    audit = IdFilter(field_name="audit_id")
