"""Forms of the performance pages: the dashboard's parameters and benchmark entry.

The dashboard form and the KPI API's input serializer (``performance/api.py``) validate the same
things against the same bounds, which live with the engine in :mod:`cases.kpis`.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django import forms

from cases.choices import OffenceGroup, Strand, VictimAgeGroup
from cases.kpis import FILTER_PARAMS, KpiFilters, kpi_date_error, resolve_filters
from cases.models import Flag, LocalPolicingArea, Team
from oversight.forms import QuarterField
from oversight.periods import financial_year_of, previous_quarter, quarter, quarter_of

from .models import BenchmarkFigure, BenchmarkMeasure

FIRST_QUARTER_YEAR = 2019  # earliest financial year offered in the Soteria quarter pickers


# --------------------------------------------------------------------------- the dashboard form


def _quarter_choices(today: date) -> list[tuple[str, str]]:
    latest = quarter_of(today)
    choices = []
    current = quarter(FIRST_QUARTER_YEAR, 1)
    while current.start <= latest.start:
        choices.append((current.key, f"{current.key} ({current.start:%b %Y} to {current.end:%b %Y})"))
        current = quarter_of(current.end + timedelta(days=1))
    return list(reversed(choices))


def _blank(choices: Any, label: str = "All") -> list[tuple[str, str]]:
    return [("", label), *list(choices)]


class PerformanceForm(forms.Form):
    """The dashboard's period, filters and the two Soteria quarters (all GET parameters)."""

    date_from = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    strand = forms.ChoiceField(label="Strand", required=False)
    offence_group = forms.ChoiceField(label="Offence group", required=False)
    victim_age_group = forms.ChoiceField(label="Victim age", required=False)
    lpa = forms.ChoiceField(label="Local Policing Area", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    flag = forms.ChoiceField(label="Flag", required=False)
    quarter_a = forms.ChoiceField(label="Soteria: earlier quarter")
    quarter_b = forms.ChoiceField(label="Soteria: later quarter")

    FILTERS = FILTER_PARAMS

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        quarters = _quarter_choices(today)
        choices = {
            "strand": _blank(Strand.choices),
            "offence_group": _blank(OffenceGroup.choices),
            "victim_age_group": _blank(VictimAgeGroup.choices),
            # Reference data: three small queries, codes as values (the same codes as the API).
            "lpa": _blank(LocalPolicingArea.objects.values_list("code", "name")),
            "team": _blank(Team.objects.values_list("code", "name")),
            "flag": _blank(Flag.objects.values_list("code", "name")),
            "quarter_a": quarters,
            "quarter_b": quarters,
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options

    @staticmethod
    def defaults(today: date) -> dict[str, str]:
        """Financial year to date; Soteria: the latest complete quarter and the same quarter a year before."""
        later = previous_quarter(quarter_of(today))
        earlier = quarter(int(later.key[:4]) - 1, int(later.key[-1]))
        return {
            "date_from": financial_year_of(today).start.isoformat(),
            "date_to": today.isoformat(),
            "quarter_a": earlier.key,
            "quarter_b": later.key,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_from", "The start date must be on or before the end date.")
        for name in ("date_from", "date_to"):
            if data.get(name) and (error := kpi_date_error(data[name])):
                self.add_error(name, error)
        return data

    def kpi_filters(self) -> KpiFilters:
        return resolve_filters({name: self.cleaned_data.get(name) for name in self.FILTERS})

    def field_groups(self) -> dict[str, list[forms.BoundField]]:
        return {
            "period": [self["date_from"], self["date_to"]],
            "filters": [self[name] for name in self.FILTERS],
            "soteria": [self["quarter_a"], self["quarter_b"]],
        }


# --------------------------------------------------------------------------- benchmarks


class BenchmarkFigureForm(forms.ModelForm):
    """One force's figure; the model's full_clean (in the service) checks uniqueness and the period."""

    period = QuarterField(label="Period", help_text="Financial quarter, e.g. 2025-26-Q2.")

    class Meta:
        model = BenchmarkFigure
        fields = ["measure", "period", "force", "is_own_force", "value", "source"]
        labels = {"is_own_force": "This is our force"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.attrs["class"] = "govuk-input--width-10"
        self.fields["value"].widget.attrs["class"] = "govuk-input--width-10"

    def clean_value(self) -> Decimal:
        value = self.cleaned_data["value"]
        if value is not None and value < 0:
            raise forms.ValidationError("Enter a figure of 0 or more.")
        return value


class BenchmarkMeasureForm(forms.ModelForm):
    """A measure to compare forces on."""

    class Meta:
        model = BenchmarkMeasure
        fields = ["name", "code", "unit", "comparison_group", "description"]
