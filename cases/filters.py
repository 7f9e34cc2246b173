"""The investigation filters, shared by the register page and the API (same names, same codes)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from .choices import OffenceGroup, Phase, Strand, VictimAgeGroup
from .models import Flag, Investigation, LocalPolicingArea, ReferenceData, Team
from .outcomes import OutcomeType

DATE = {"class": "govuk-input--width-10", "type": "date"}
INPUT = {"class": "govuk-input--width-20"}  # the GOV.UK base class is the form renderer's


class ReferenceCodeField(forms.CharField):
    """A reference-data record given by code or name, case-insensitive (as in the CSV)."""

    def __init__(self, *, model: type[ReferenceData], **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def clean(self, value: Any) -> ReferenceData | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        record = self.model.objects.by_code_or_name(text)
        if record is not None:
            return record
        raise forms.ValidationError(
            "'%(text)s' is not a known %(name)s code or name.",
            params={"text": text, "name": self.model._meta.verbose_name},
        )


class ReferenceCodeFilter(django_filters.Filter):
    field_class = ReferenceCodeField


def _code_choices(model: type[LocalPolicingArea | Team | Flag]) -> list[tuple[str, str]]:
    return [("", "Any"), *model._default_manager.filter(is_active=True).values_list("code", "name")]


class InvestigationFilter(django_filters.FilterSet):
    """Filters of the register: strand, offence group, victim age, LPA, team, outcome, phase, flag, dates."""

    q = django_filters.CharFilter(
        field_name="crime_reference", lookup_expr="icontains", label="Crime reference contains"
    )
    strand = django_filters.ChoiceFilter(choices=Strand.choices, empty_label="Any")
    offence_group = django_filters.ChoiceFilter(choices=OffenceGroup.choices, empty_label="Any")
    victim_age_group = django_filters.ChoiceFilter(
        choices=VictimAgeGroup.choices, empty_label="Any", label="Victim age group"
    )
    lpa = ReferenceCodeFilter(field_name="lpa", model=LocalPolicingArea, label="LPA")
    team = ReferenceCodeFilter(field_name="team", model=Team, label="Team")
    outcome_type = django_filters.ChoiceFilter(
        choices=[("open", "No outcome yet"), *OutcomeType.choices], empty_label="Any", method="filter_outcome"
    )
    phase = django_filters.ChoiceFilter(
        choices=Phase.choices, empty_label="Any", field_name="phase_code", label="Phase"
    )
    flag = ReferenceCodeFilter(field_name="flags", model=Flag, label="Flag", distinct=True)
    recorded_from = django_filters.DateFilter(field_name="recorded_date", lookup_expr="gte", label="Recorded from")
    recorded_to = django_filters.DateFilter(field_name="recorded_date", lookup_expr="lte", label="Recorded to")
    outcome_from = django_filters.DateFilter(field_name="outcome_date", lookup_expr="gte", label="Outcome from")
    outcome_to = django_filters.DateFilter(field_name="outcome_date", lookup_expr="lte", label="Outcome to")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("crime_reference", "crime_reference"),
            ("recorded_date", "recorded_date"),
            ("outcome_date", "outcome_date"),
            ("strand", "strand"),
            ("offence_group", "offence_group"),
            ("lpa__name", "lpa"),
            ("team__name", "team"),
            ("outcome_type", "outcome_type"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Investigation
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widgets = self.form.fields
        for name in ("lpa", "team", "flag"):
            models: dict[str, type[LocalPolicingArea | Team | Flag]] = {
                "lpa": LocalPolicingArea,
                "team": Team,
                "flag": Flag,
            }
            model = models[name]
            widgets[name].widget = forms.Select(choices=_code_choices(model))
        for name, field in widgets.items():
            if name.endswith(("_from", "_to")):
                field.widget.attrs.update(DATE)
            elif name == "q":
                field.widget.attrs.update(INPUT)

    def filter_outcome(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "open":
            return queryset.filter(outcome_type="")
        return queryset.filter(outcome_type=value)
