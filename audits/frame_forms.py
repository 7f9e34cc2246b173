"""Forms of the sampling-frame and subject pages (shape only; the rules are ``frame_services``')."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.choices import OffenceGroup, Strand
from cases.forms import ImportForm
from cases.models import Flag, LocalPolicingArea, Team
from cases.outcomes import OUTCOME_GROUPS, OutcomeType
from oversight.concurrency import VersionField
from oversight.forms import GovukDateField

from .choices import MAX_WINDOW_MONTHS, RiskLevel, Stratum, SubjectKind, VisorCategory
from .forms import TEXTAREA

NARROW = {"class": "govuk-input--width-4"}


def _checkboxes(label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
    )


class SamplingFrameForm(forms.Form):
    """What an area samples; empty filters mean "any"."""

    version = VersionField()  # of the frame as the form was opened (empty for a new one)

    subject_kind = forms.ChoiceField(
        label="What the area's audits sample",
        choices=SubjectKind.choices,
        widget=forms.Select(),
        help_text="Investigations from the register, or pseudonymous subjects entered or imported here.",
    )
    strands = _checkboxes("Strands", "None ticked: the area's usual strands.")
    offence_groups = _checkboxes("Offence groups")
    teams = _checkboxes("Teams")
    lpas = _checkboxes("Local policing areas")
    outcome_groups = _checkboxes("Outcome groups", "A case matching a ticked outcome group or outcome type is sampled.")
    outcome_types = _checkboxes("Outcome types")
    flags = _checkboxes("Flags", "A case with any ticked flag is sampled.")
    window_months = forms.IntegerField(
        label="Sample window (months)",
        min_value=1,
        max_value=MAX_WINDOW_MONTHS,
        initial=12,
        help_text="Cases recorded (or subjects starting) in this many months before the audited month, and that month.",
        widget=forms.NumberInput(attrs=NARROW),
    )
    sample_size = forms.IntegerField(
        label="Default sample size", min_value=1, max_value=200, initial=10, widget=forms.NumberInput(attrs=NARROW)
    )
    stratify_by = forms.ChoiceField(
        label="Stratify the draw by default",
        required=False,
        choices=[("", "No: a simple random sample"), *Stratum.choices],
        widget=forms.Select(),
        help_text="Outcome group, team or LPA for investigations; risk, team or LPA for other subjects.",
    )
    description = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs=TEXTAREA), max_length=2000
    )

    FILTERS = ("strands", "offence_groups", "teams", "lpas", "outcome_groups", "outcome_types", "flags")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[str, str]]] = {
            "strands": list(Strand.choices),
            "offence_groups": list(OffenceGroup.choices),
            "teams": list(Team.objects.order_by("name").values_list("code", "name")),
            "lpas": list(LocalPolicingArea.objects.order_by("name").values_list("code", "name")),
            "outcome_groups": [(key, label) for key, label, _codes in OUTCOME_GROUPS],
            "outcome_types": list(OutcomeType.choices),
            "flags": list(Flag.objects.order_by("name").values_list("code", "name")),
        }
        for name, options in choices.items():
            self.fields[name].choices = options  # type: ignore[attr-defined]

    def filters(self) -> dict[str, list[str]]:
        return {name: self.cleaned_data.get(name) or [] for name in self.FILTERS}


class SubjectForm(forms.Form):
    """A managed offender or a missing episode: a pseudonymous reference and categories, no names."""

    version = VersionField()  # of the subject as the form was opened (empty for a new one)

    reference = forms.CharField(
        max_length=40,
        help_text="The records system's pseudonymous reference (with at least one digit). Never a name.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    visor_category = forms.ChoiceField(
        label="VISOR category",
        choices=[("", "Choose a category"), *VisorCategory.choices],
        required=False,
        widget=forms.Select(),
    )
    risk_level = forms.ChoiceField(
        label="Risk level",
        choices=[("", "Choose a level"), *RiskLevel.choices],
        required=False,
        widget=forms.Select(),
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"), required=False, empty_label="None", widget=forms.Select()
    )
    lpa = forms.ModelChoiceField(
        label="Local policing area",
        queryset=LocalPolicingArea.objects.order_by("name"),
        required=False,
        empty_label="None",
        widget=forms.Select(),
    )
    start_date = GovukDateField(required=False)
    end_date = GovukDateField(required=False)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind == SubjectKind.MANAGED_OFFENDERS:
            self.fields["start_date"].label = "Registered on"
            self.fields["end_date"].label = "Deregistered on (optional)"
        else:
            del self.fields["visor_category"]
            self.fields["risk_level"].label = "Risk grading"
            self.fields["start_date"].label = "Reported missing on"
            self.fields["end_date"].label = "Found or returned on (optional)"


class SubjectImportForm(ImportForm):
    """The upload of a subjects CSV (the register import's size limit applies)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = "UTF-8 CSV with a header row."
