"""Forms of the register pages: shape only; the rules are the model's (checked by the services)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models

from .models import (
    REGISTER_FIELDS,
    CpsReferral,
    Flag,
    HomeOfficeOffence,
    Investigation,
    LocalPolicingArea,
    OrderBreach,
    ProtectiveOrder,
    Team,
)

INPUT = {"class": "govuk-input govuk-input--width-20"}
SELECT = {"class": "govuk-select"}
DATE = {"class": "govuk-input govuk-input--width-10", "type": "date"}


def _govuk(form: forms.BaseForm) -> None:
    """GOV.UK classes on every widget; error state on fields with errors (after validation)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            widget.attrs["class"] = "govuk-checkboxes__input"
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", SELECT["class"])
        elif isinstance(widget, forms.DateInput):
            widget.attrs.update(DATE)
            widget.format = "%Y-%m-%d"
        else:
            widget.attrs.setdefault("class", INPUT["class"])


class InvestigationForm(forms.ModelForm):
    """Create or edit an investigation (no names or narrative: codes and dates only)."""

    flags = forms.ModelMultipleChoiceField(
        queryset=Flag.objects.filter(is_active=True), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Investigation
        fields = list(REGISTER_FIELDS)
        widgets = {
            field.name: forms.DateInput()
            for field in Investigation._meta.concrete_fields
            if isinstance(field, models.DateField) and field.name in REGISTER_FIELDS
        }
        help_texts = {
            "crime_reference": "The records-system reference, for example 20/123456/25.",
            "outcome_type": "Home Office crime outcome. Leave empty while the investigation is open.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["lpa"]).queryset = LocalPolicingArea.objects.filter(is_active=True)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = Team.objects.filter(is_active=True)
        cast(forms.ModelChoiceField, self.fields["ho_offence"]).queryset = HomeOfficeOffence.objects.filter(
            is_active=True
        )
        if self.instance.pk:
            self.fields["crime_reference"].disabled = True
            self.fields["crime_reference"].help_text = "The reference cannot change."
            self.initial.setdefault("flags", list(self.instance.flags.all()))
        _govuk(self)


class ReferralForm(forms.ModelForm):
    class Meta:
        model = CpsReferral
        fields = ["referral_date", "decision", "decision_date"]
        widgets = {"referral_date": forms.DateInput(), "decision_date": forms.DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk(self)


class OrderForm(forms.ModelForm):
    class Meta:
        model = ProtectiveOrder
        fields = ["order_type", "applied_date", "granted_date", "expiry_date"]
        widgets = {name: forms.DateInput() for name in ("applied_date", "granted_date", "expiry_date")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk(self)


class BreachForm(forms.ModelForm):
    arrest_made = forms.TypedChoiceField(
        choices=[("", "Not recorded"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        label="Arrest made",
    )

    class Meta:
        model = OrderBreach
        fields = ["breach_date", "arrest_made"]
        widgets = {"breach_date": forms.DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk(self)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="The monthly records-system extract: UTF-8 CSV with a header row.",
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": ".csv,text/csv"}),
    )
