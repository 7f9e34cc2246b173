"""Forms of the audits pages (validation of shape only; rules live in services)."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.text import slugify

from cases.models import Team
from oversight.concurrency import VersionField
from oversight.forms import GovukDateField, MonthField
from oversight.models import User

from . import rules
from .choices import (
    MAX_QUESTION_WEIGHT,
    SEVERITY_DEFINITIONS,
    ActionStatus,
    AnswerScale,
    AnswerValue,
    AssuranceLevel,
    AuditArea,
    AuditKind,
    FindingSeverity,
    LearningKind,
    LearningTheme,
)
from .models import QuestionSet

TEXTAREA = {"rows": 3}
DATE = {"class": "govuk-input--width-10", "type": "date"}


class AuditPlanForm(forms.Form):
    kind = forms.ChoiceField(choices=AuditKind.choices, widget=forms.Select(), initial=AuditKind.MONTHLY)
    area = forms.ChoiceField(
        choices=[("", "No area (cross-cutting theme)"), *AuditArea.choices],
        required=False,
        widget=forms.Select(),
        help_text="The PPU portfolio audited. A monthly audit needs one.",
    )
    theme = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(),
        help_text="For a thematic audit or QATT, e.g. victim-blaming language.",
    )
    month = MonthField()
    question_set = forms.ModelChoiceField(
        queryset=QuestionSet.objects.filter(published_at__isnull=False).order_by("title", "-version"),
        widget=forms.Select(),
        empty_label="Choose a question set",
    )
    planned_sample_size = forms.IntegerField(
        min_value=1,
        max_value=200,
        required=False,
        help_text="Leave empty for the annual plan's sample size, or else the area's sampling frame's.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == AuditKind.MONTHLY and not data.get("area"):
            self.add_error("area", "Choose the area of a monthly audit.")
        if data.get("kind") == AuditKind.THEMATIC and not (data.get("theme") or "").strip():
            self.add_error("theme", "Enter the theme of a thematic audit.")
        if not data.get("area") and not (data.get("theme") or "").strip() and "area" not in self.errors:
            self.add_error("theme", "Give the audit an area or a theme.")
        return data


class AuditEditForm(forms.Form):
    theme = forms.CharField(max_length=200, required=False, widget=forms.TextInput())
    version = VersionField()
    planned_sample_size = forms.IntegerField(
        min_value=1,
        max_value=200,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )


class SampleDrawForm(forms.Form):
    size = forms.IntegerField(
        label="Number of cases",
        min_value=1,
        max_value=200,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )
    window_start = GovukDateField(label="Recorded from")
    window_end = GovukDateField(label="Recorded to")
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Leave empty for a new random draw. Enter a stored seed to repeat a draw.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
    )
    stratify_by = forms.ChoiceField(
        label="Stratify the sample",
        required=False,
        choices=[("", "No: a simple random sample")],  # the view offers the strata of the area's subjects
        help_text="Share the sample between groups in proportion to their size, then draw within each group.",
        widget=forms.Select(),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", "The window must end on or after its start.")
        return data


class SamplePickForm(forms.Form):
    crime_references = forms.CharField(
        label="References",
        help_text="One per line, or separated by commas.",
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 4}),
    )

    def clean_crime_references(self) -> list[str]:
        refs = [r.strip() for r in re.split(r"[\n,;]+", self.cleaned_data["crime_references"]) if r.strip()]
        if not refs:
            raise forms.ValidationError("Enter at least one reference.")
        return refs


# The keyboard key that gives each answer on the review page (the same key whatever the question's scale).
ANSWER_KEYS = {
    AnswerValue.COMPLIANT: "1",
    AnswerValue.PARTIAL: "2",
    AnswerValue.NON_COMPLIANT: "3",
    AnswerValue.NOT_APPLICABLE: "4",
}


class ReviewForm(forms.Form):
    """One radio group and one comment per question (fields ``q<id>`` and ``c<id>``), and the
    version of the case's answers the page was opened at."""

    version = VersionField()

    def __init__(self, *args: Any, questions: list[Any], answers: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            existing = answers.get(question.pk)
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=f"{question.order}. {question.text}",
                choices=[(value, AnswerValue(value).label) for value in question.allowed_values],
                required=True,
                initial=existing.value if existing else None,
                error_messages={"required": "Choose an answer."},
            )
            self.fields[f"c{question.pk}"] = forms.CharField(
                label="Comment",
                required=False,
                max_length=2000,
                initial=existing.comment if existing else "",
            )

    def rows(self) -> list[dict[str, Any]]:
        """Per question: its fields and its answers with the keyboard key of each (1 compliant … 4 N/A)."""
        return [
            {
                "question": q,
                "value": self[f"q{q.pk}"],
                "comment": self[f"c{q.pk}"],
                "choices": [(v, AnswerValue(v).label, ANSWER_KEYS[v]) for v in q.allowed_values],
            }
            for q in self.questions
        ]

    def answers(self) -> dict[int, tuple[str, str]]:
        return {q.pk: (self.cleaned_data[f"q{q.pk}"], self.cleaned_data[f"c{q.pk}"]) for q in self.questions}


class AssuranceForm(forms.Form):
    assurance_override = forms.ChoiceField(
        label="Assurance level",
        choices=[("", "Use the suggested level"), *AssuranceLevel.choices],
        required=False,
        widget=forms.Select(),
    )
    assurance_override_reason = forms.CharField(
        label="Reason for the override", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("assurance_override") and not (data.get("assurance_override_reason") or "").strip():
            self.add_error("assurance_override_reason", "Give a reason for overriding the suggested level.")
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Why is the audit returned?",
        help_text="The lead auditor sees this on the audit. Say what needs correcting before sign-off.",
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=4000,
    )


class LearningForm(forms.Form):
    kind = forms.ChoiceField(choices=LearningKind.choices, widget=forms.Select())
    severity = forms.ChoiceField(
        label="Severity of the finding",
        choices=FindingSeverity.choices,
        required=False,
        help_text="For an area for improvement. Leave it for good practice.",
    )
    theme = forms.ChoiceField(choices=LearningTheme.choices, widget=forms.Select())
    text = forms.CharField(label="What was found", widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)
    review = forms.TypedChoiceField(
        label="Case (optional)", required=False, coerce=int, empty_value=None, widget=forms.Select()
    )

    def __init__(self, *args: Any, review_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["review"]).choices = [("", "Whole audit"), *review_choices]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == LearningKind.IMPROVEMENT and not data.get("severity"):
            self.add_error("severity", "Choose the severity of the finding.")
        if data.get("kind") == LearningKind.GOOD_PRACTICE:
            data["severity"] = ""
        return data

    def severity_options(self) -> list[dict[str, Any]]:
        """The severities with their definitions, for radios that show each definition as a hint."""
        chosen = self["severity"].value()
        return [
            {"value": value, "label": label, "definition": SEVERITY_DEFINITIONS[value], "checked": chosen == value}
            for value, label in FindingSeverity.choices
        ]


class ActionForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput())
    description = forms.CharField(required=False, widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("full_name", "email"),
        widget=forms.Select(),
        empty_label="Choose the owner",
    )
    due_date = GovukDateField()
    version = VersionField()
    learning_point = forms.TypedChoiceField(
        label="From learning point (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(),
    )

    def __init__(self, *args: Any, learning_choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if learning_choices is None:
            del self.fields["learning_point"]
        else:
            cast(forms.ChoiceField, self.fields["learning_point"]).choices = [("", "None"), *learning_choices]


class ProgressForm(forms.Form):
    note = forms.CharField(
        label="Progress note", required=False, widget=forms.Textarea(attrs=TEXTAREA), max_length=4000
    )
    status = forms.ChoiceField(label="Status", widget=forms.Select())

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = rules.OWNER_MOVES[ActionStatus(current)]
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (s.value, s.label) for s in ActionStatus if s in allowed
        ]
        self.fields["status"].initial = current


class VerifyForm(forms.Form):
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)
    decision = forms.ChoiceField(choices=[("verify", "Verify"), ("return", "Send back to the owner")])


class QuestionSetForm(forms.Form):
    """A new question set, or a draft's details."""

    title = forms.CharField(max_length=200, widget=forms.TextInput())
    area = forms.ChoiceField(
        choices=[("", "No area (thematic or QATT)"), *AuditArea.choices],
        required=False,
        widget=forms.Select(),
        help_text="The PPU portfolio whose audits ask these questions.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)
    code = forms.SlugField(
        max_length=60,
        required=False,
        label="Code (optional)",
        help_text="Lower-case letters, numbers and hyphens, shared by every version. Made from the title if empty.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    version = VersionField()  # a draft's details: the version they were opened at

    def __init__(self, *args: Any, with_code: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_code:
            del self.fields["version"]  # a new set has no version yet
        else:
            del self.fields["code"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "code" in self.fields and not data.get("code") and data.get("title"):
            data["code"] = slugify(data["title"])[:60] or "question-set"
        return data


class QuestionForm(forms.Form):
    version = VersionField()  # of the question being changed (empty for a new one)
    text = forms.CharField(label="Question", max_length=300, widget=forms.TextInput())
    guidance = forms.CharField(
        label="Guidance for the auditor (optional)",
        required=False,
        max_length=4000,
        help_text="What to look for in the case file.",
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    standard = forms.CharField(
        label="Standard or policy it tests (optional)",
        required=False,
        max_length=200,
        help_text="For example: Victims' Code right 6; Operation Soteria pillar 1; APP investigation.",
        widget=forms.TextInput(),
    )
    answer_scale = forms.ChoiceField(
        label="Answer scale", choices=AnswerScale.choices, initial=AnswerScale.GRADED, widget=forms.Select()
    )
    allow_not_applicable = forms.TypedChoiceField(
        label="May the auditor answer 'not applicable'?",
        choices=[("yes", "Yes"), ("no", "No: every case must be graded")],
        coerce=lambda value: value == "yes",
        initial="yes",
        widget=forms.Select(),
    )
    weight = forms.IntegerField(
        min_value=1,
        max_value=MAX_QUESTION_WEIGHT,
        initial=1,
        help_text=f"1 to {MAX_QUESTION_WEIGHT}: how much the question matters, shown with it to auditors and readers.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
    )


class QuestionSetCopyForm(QuestionSetForm):
    """A new set made from a version's questions: its title, area and code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["description"]
        self.fields["title"].label = "Title of the new set"


class PlanItemForm(forms.Form):
    kind = forms.ChoiceField(choices=AuditKind.choices, widget=forms.Select(), initial=AuditKind.MONTHLY)
    area = forms.ChoiceField(
        choices=[("", "No area (cross-cutting theme)"), *AuditArea.choices],
        required=False,
        widget=forms.Select(),
        help_text="A monthly audit needs one; a thematic audit or QATT may have one.",
    )
    theme = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(),
        help_text="For a thematic audit or QATT, e.g. victim withdrawal in rape cases.",
    )
    month = MonthField()
    sample_size = forms.IntegerField(
        min_value=1,
        max_value=200,
        initial=10,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == AuditKind.MONTHLY and not data.get("area"):
            self.add_error("area", "Choose the area of a monthly audit.")
        if data.get("kind") in (AuditKind.THEMATIC, AuditKind.QATT) and not (data.get("theme") or "").strip():
            self.add_error("theme", "Enter the theme of a thematic audit or QATT.")
        return data


class PlanFillForm(forms.Form):
    areas = forms.MultipleChoiceField(
        choices=AuditArea.choices,
        widget=forms.SelectMultiple(attrs={"size": len(AuditArea.choices)}),
        help_text="A monthly audit of each area chosen, in every month of the year.",
    )
    sample_size = forms.IntegerField(
        min_value=1,
        max_value=200,
        initial=10,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )


class TrendsForm(forms.Form):
    month_from = MonthField(required=False, label="From month")
    month_to = MonthField(required=False, label="To month")
    area = forms.ChoiceField(choices=[("", "Every area"), *AuditArea.choices], required=False, widget=forms.Select())
    team = forms.ChoiceField(required=False, widget=forms.Select(), help_text="The sampled case's team.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(is_active=True).order_by("name").values_list("code", "name")
        cast(forms.ChoiceField, self.fields["team"]).choices = [("", "Every team"), *teams]


class ReauditForm(forms.Form):
    month = MonthField(label="Month of the re-audit")
    scope = forms.ChoiceField(
        label="What to re-audit",
        choices=[
            ("failed", "The cases that failed a question (same cases, looked at again)"),
            ("area", "The area, with a fresh sample"),
        ],
        widget=forms.Select(),
    )


class OverviewForm(forms.Form):
    month_from = MonthField(required=False, label="From month")
    month_to = MonthField(required=False, label="To month")


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="PDF, PNG, JPEG, Word (DOCX), Excel (XLSX) or plain text (TXT).",
        error_messages={"required": "Choose a file to attach."},
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.txt"}),
    )
    description = forms.CharField(
        label="What it shows (optional)",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={}),
    )


def _frame_size(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=200,
        initial=5,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )


class DipSampleForm(forms.Form):
    """A joint police/CPS dip sample: how many cases from each frame, the window and the seed."""

    unreferred = _frame_size("Closed without a CPS referral, suspect identified")
    cps_nfa = _frame_size("CPS no-further-action decisions")
    further_evidence = _frame_size("CPS requests for further evidence")
    window_start = GovukDateField(label="From")
    window_end = GovukDateField(label="To")
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Leave empty for a new random draw. Enter a stored seed to repeat a draw.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", "The window must end on or after its start.")
        return data

    def sizes(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key in ("unreferred", "cps_nfa", "further_evidence")}
