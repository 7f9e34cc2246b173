"""Forms and filters of the scrutiny pages: scrutiny queries and the inspection tracker.

The forms collect input; the services in :mod:`commitments.scrutiny_services` hold the rules.
The filters are shared by the list pages and the API (a bad value is a form error or a 400).
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import QuerySet

from audits.choices import AuditArea
from cases.choices import OffenceGroup, Strand, VictimAgeGroup
from cases.kpis import METRIC_LABELS
from cases.models import Flag, LocalPolicingArea, Team
from oversight.concurrency import VersionField
from oversight.filters import IdFilter, YesCheckbox, YesFilter, lazy_choices
from oversight.forms import GovukDateField, QuarterField
from oversight.models import User

from .choices import (
    QUERY_AWAITING_OWNER,
    RECOMMENDATION_OWNER_TARGETS,
    QueryStatus,
    QuerySubject,
    RecommendationKind,
    RecommendationStatus,
)
from .forms import TEXTAREA, CommitmentChoiceField
from .models import Board, Commitment, InspectionRecommendation, InspectionReport, ScrutinyQuery

DATE_INPUT = {"type": "date", "class": "govuk-input--width-10"}
ISO_DATE = "%Y-%m-%d"  # what an <input type="date"> shows, whatever the locale
KPI_FILTER_FIELDS = ("strand", "offence_group", "victim_age_group", "lpa", "team", "flag")


def _people() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__isnull=False).distinct().order_by("full_name")


def _blank(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *choices]


class RecommendationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.short_label} – {obj.report.title}"


class SingleCommitmentField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.action_ref} – {obj.text}"


# --- scrutiny queries --------------------------------------------------------------------------------


class QueryRaiseForm(forms.Form):
    """What the query is about (one subject), the question, who answers and by when."""

    subject_type = forms.ChoiceField(
        label="What is the query about?", choices=QuerySubject.choices, widget=forms.RadioSelect
    )
    commitment = SingleCommitmentField(
        queryset=Commitment.objects.order_by("plan", "order"),
        required=False,
        label="Which commitment",
        empty_label="Choose a commitment",
        widget=forms.Select(),
    )
    board = forms.ModelChoiceField(
        queryset=Board.objects.order_by("name"),
        required=False,
        label="Which board",
        empty_label="Choose a board",
        widget=forms.Select(),
    )
    recommendation = RecommendationChoiceField(
        queryset=InspectionRecommendation.objects.select_related("report").order_by("report__title", "number"),
        required=False,
        label="Which inspection recommendation",
        empty_label="Choose a recommendation",
        widget=forms.Select(),
    )
    kpi_metric = forms.ChoiceField(
        label="KPI",
        required=False,
        choices=_blank("Choose a KPI", METRIC_LABELS.items()),
        widget=forms.Select(),
    )
    kpi_period = QuarterField(
        label="KPI quarter",
        required=False,
        help_text="For example, 2025-26-Q2",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    strand = forms.ChoiceField(required=False, choices=_blank("Any strand", Strand.choices))
    offence_group = forms.ChoiceField(required=False, choices=_blank("Any offence group", OffenceGroup.choices))
    victim_age_group = forms.ChoiceField(
        required=False, label="Victim age group", choices=_blank("Any age group", VictimAgeGroup.choices)
    )
    lpa = forms.ChoiceField(required=False, label="LPA")
    team = forms.ChoiceField(required=False)
    flag = forms.ChoiceField(required=False)
    audit_area = forms.ChoiceField(
        required=False,
        label="Which audit area",
        choices=_blank("Choose an audit area", AuditArea.choices),
        widget=forms.Select(),
    )
    question = forms.CharField(
        help_text="What the owner must answer. No crime references: queries hold no case-level data.",
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 5}),
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="The default owner (lead, chair or recommendation owner)",
        help_text="Required for a KPI or an audit area.",
        widget=forms.Select(),
    )
    due_date = GovukDateField(label="Answer due by")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = _people()
        reference = {
            "lpa": (LocalPolicingArea, "Any LPA"),
            "team": (Team, "Any team"),
            "flag": (Flag, "Any flag"),
        }
        for name, (model, empty) in reference.items():
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = lambda model=model, empty=empty: _blank(
                empty, model.objects.order_by("name").values_list("code", "name")
            )

    def subject_arguments(self) -> dict[str, Any]:
        """The service's subject arguments for the chosen subject type (other subject fields ignored)."""
        data = self.cleaned_data
        subject = data["subject_type"]
        if subject == QuerySubject.KPI:
            return {
                "kpi_metric": data.get("kpi_metric") or "",
                "kpi_period": data.get("kpi_period") or "",
                "kpi_filters": {name: data[name] for name in KPI_FILTER_FIELDS if data.get(name)},
            }
        value = data.get(subject)
        if not value:
            label = QuerySubject(subject).label.lower()
            self.add_error(subject, f"Choose the {label}.")
            return {}
        return {subject: value}


class QueryAnswerForm(forms.Form):
    response = forms.CharField(
        label="Your response",
        help_text="No crime references: the OPCC sees no case-level data.",
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 8}),
    )
    version = VersionField()


class QueryCloseForm(forms.Form):
    comment = forms.CharField(
        required=False, label="Comment (optional)", widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3})
    )


class QueryReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why reopen it?",
        help_text="Say what the answer still lacks.",
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 4}),
    )
    due_date = GovukDateField(
        required=False, label="New due date", help_text="Needed when the current due date has passed."
    )


class QueryFilter(django_filters.FilterSet):
    """Queries by status, subject type, owner, subject record and overdue only."""

    status = django_filters.ChoiceFilter(choices=QueryStatus.choices, empty_label="Any status")
    subject = django_filters.ChoiceFilter(
        field_name="subject_type", choices=QuerySubject.choices, empty_label="Any subject"
    )
    owner = IdFilter(field_name="owner_id", label="Owner")
    commitment = IdFilter(field_name="commitment_id", widget=forms.HiddenInput)
    board = IdFilter(field_name="board_id", widget=forms.HiddenInput)
    recommendation = IdFilter(field_name="recommendation_id", widget=forms.HiddenInput)
    overdue = YesFilter(
        label="Overdue only",
        method="filter_overdue",
        widget=YesCheckbox(attrs={}),
    )
    awaiting = YesFilter(
        label="Waiting for an answer",
        method="filter_awaiting",
        widget=YesCheckbox(attrs={}),
    )

    class Meta:
        model = ScrutinyQuery
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = User.objects.filter(owned_scrutiny_queries__isnull=False).distinct().order_by("full_name")
        self.form.fields["owner"].widget = forms.Select(choices=lazy_choices(owners, "Anyone"))

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        """``is_overdue`` is annotated by the selector (``with_overdue(today)``)."""
        return queryset.filter(is_overdue=True) if value else queryset

    def filter_awaiting(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        """Open or reopened: waiting for the owner's answer."""
        return queryset.filter(status__in=QUERY_AWAITING_OWNER) if value else queryset


# --- the inspection tracker ------------------------------------------------------------------------


class InspectionReportForm(forms.ModelForm):
    class Meta:
        model = InspectionReport
        fields = ["title", "inspectorate", "published_on", "pcc_response", "pcc_response_published_on"]
        field_classes = {"published_on": GovukDateField, "pcc_response_published_on": GovukDateField}
        widgets = {
            "title": forms.TextInput(),
            "inspectorate": forms.TextInput(attrs={"class": "govuk-input--width-20"}),
            "pcc_response": forms.Textarea(attrs={**TEXTAREA, "rows": 8}),
        }
        help_texts = {
            "published_on": "The PCC's response is due 56 days after this date.",
            "pcc_response_published_on": "Leave empty until the response is published.",
        }


class RecommendationForm(forms.ModelForm):
    commitments = CommitmentChoiceField(
        queryset=Commitment.objects.order_by("plan", "order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Linked commitments",
    )

    class Meta:
        model = InspectionRecommendation
        fields = ["report", "number", "kind", "text", "response", "owner", "due_date", "board", "commitments"]
        field_classes = {"due_date": GovukDateField}
        labels = {"kind": "Type", "response": "Force response", "number": "Number in the report"}
        widgets = {
            "report": forms.Select(),
            "number": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
            "kind": forms.Select(),
            "text": forms.Textarea(attrs={**TEXTAREA, "rows": 4}),
            "response": forms.Textarea(attrs={**TEXTAREA, "rows": 6}),
            "owner": forms.Select(),
            "board": forms.Select(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = _people()


class EvidenceForm(forms.Form):
    date = GovukDateField(label="Date of the evidence")
    text = forms.CharField(
        label="Evidence", help_text="What was done and how it is evidenced.", widget=forms.Textarea(attrs=TEXTAREA)
    )
    status = forms.ChoiceField(
        required=False,
        label="Move the item to",
        choices=[("", "Keep the current status"), *RECOMMENDATION_OWNER_TARGETS],
        widget=forms.Select(),
    )


class EvidenceDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("accept", "Accept the evidence"), ("return", "Return it to the owner")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        required=False,
        label="Comment",
        help_text="Required when you return it: say what is missing.",
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 4}),
    )


class RecommendationFilter(django_filters.FilterSet):
    """Tracker items by status, type, owner and report."""

    status = django_filters.ChoiceFilter(choices=RecommendationStatus.choices, empty_label="Any status")
    kind = django_filters.ChoiceFilter(choices=RecommendationKind.choices, empty_label="Any type", label="Type")
    owner = IdFilter(field_name="owner_id", label="Owner")
    report = IdFilter(field_name="report_id", label="Report")

    class Meta:
        model = InspectionRecommendation
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = User.objects.filter(owned_recommendations__isnull=False).distinct().order_by("full_name")
        self.form.fields["owner"].widget = forms.Select(choices=lazy_choices(owners, "Anyone"))
        reports = InspectionReport.objects.order_by("-published_on", "title")
        self.form.fields["report"].widget = forms.Select(choices=lazy_choices(reports, "Any report"))
