"""Forms of the register pages: shape only; the rules are the model's (checked by the services)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db import models

from oversight.concurrency import VersionField, version_token
from oversight.forms import use_date_inputs

from .models import (
    REGISTER_FIELDS,
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
from .profiles import parse_value_lines

INPUT = {"class": "govuk-input--width-20"}
DATE = {"class": "govuk-input--width-10", "type": "date"}


def _govuk(form: forms.BaseForm, date_inputs: bool = True) -> None:
    """Widths, and dates as GOV.UK date inputs (the GOV.UK classes are the form renderer's); a filter
    read from the query string (``date_inputs=False``) keeps one ISO box per date."""
    if date_inputs:
        use_date_inputs(form)
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.DateInput):
            widget.attrs.update(DATE)
            widget.format = "%Y-%m-%d"
        elif not isinstance(widget, forms.Select | forms.CheckboxInput | forms.Textarea):
            widget.attrs.setdefault("class", INPUT["class"])


def _carry_version(form: forms.ModelForm) -> None:
    """An edit form carries the record's version (``oversight.concurrency``): a stale save is refused."""
    if form.instance.pk:
        form.initial.setdefault("version", version_token(form.instance))


class InvestigationForm(forms.ModelForm):
    """Create or edit an investigation (no names or narrative: codes and dates only)."""

    flags = forms.ModelMultipleChoiceField(
        queryset=Flag.objects.filter(is_active=True), required=False, widget=forms.CheckboxSelectMultiple
    )
    version = VersionField()

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
        _carry_version(self)
        _govuk(self)


class ReferralForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = CpsReferral
        fields = ["referral_date", "decision", "decision_date"]
        widgets = {"referral_date": forms.DateInput(), "decision_date": forms.DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _carry_version(self)
        _govuk(self)


class OrderForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = ProtectiveOrder
        fields = ["order_type", "applied_date", "granted_date", "expiry_date"]
        widgets = {name: forms.DateInput() for name in ("applied_date", "granted_date", "expiry_date")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _carry_version(self)
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
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        """Refuse a file above ``IMPORT_MAX_UPLOAD_BYTES`` before reading a row of it."""
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_000_000:.1f} MB: the largest file accepted is "
                f"{limit / 1_000_000:.0f} MB. Split the extract into smaller files (by month, for example)."
            )
        return upload


class ImportChoiceForm(ImportForm):
    """The upload with the profile to read it through (none: the register's own columns, exactly)."""

    profile = forms.ModelChoiceField(
        queryset=ImportProfile.objects.all(),
        required=False,
        empty_label="None: the file uses the register's own columns",
        label="Import profile",
        help_text="The mapping of your records system's export onto the register's columns.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ImportProfileForm(forms.Form):
    """A profile: name, source, date format, the export's column for each register column, columns to
    ignore and value mappings (``register column | value in the export | code`` lines)."""

    name = forms.CharField(max_length=60, help_text="Short, as given with --profile NAME, e.g. rms-crime-export.")
    source = forms.CharField(max_length=200, required=False, label="Records system and export")
    date_format = forms.CharField(
        max_length=20, required=False, help_text="How the export writes dates, e.g. DD/MM/YYYY. Empty: YYYY-MM-DD."
    )
    ignored = forms.CharField(
        required=False,
        label="Columns to ignore",
        help_text="One a line, as the export names them. Free-text columns (MO, narrative) belong here.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    values = forms.CharField(
        required=False,
        label="Value mappings",
        help_text="One a line: register column | value in the export | code, "
        "e.g. offence_group | Rape of a female aged 16 or over | rape.",
        widget=forms.Textarea(attrs={"rows": 12}),
    )

    def __init__(self, *args: Any, columns: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.column_names = columns
        for column in columns:
            self.fields[f"column_{column}"] = forms.CharField(
                required=False, max_length=400, label=column, widget=forms.TextInput(attrs={"class": INPUT["class"]})
            )
        _govuk(self)

    def column_fields(self) -> list[tuple[str, forms.BoundField]]:
        return [(column, self[f"column_{column}"]) for column in self.column_names]

    def clean_values(self) -> dict[str, dict[str, str]]:
        values, problems = parse_value_lines(self.cleaned_data.get("values") or "")
        if problems:
            raise forms.ValidationError(problems)
        return values

    def clean_name(self) -> str:
        return (self.cleaned_data.get("name") or "").strip()


class QualityPeriodForm(forms.Form):
    """The period of the data-quality report: investigations recorded from … to …."""

    date_from = forms.DateField(label="Recorded from", widget=forms.DateInput())
    date_to = forms.DateField(label="Recorded to", widget=forms.DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk(self, date_inputs=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end cannot be before the start.")
        return data
