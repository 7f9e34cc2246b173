"""Forms of the audits pages (validation of shape only; rules live in services)."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms

from oversight.concurrency import VersionField
from oversight.forms import MonthField
from oversight.models import User

from . import rules
from .choices import (
    ActionStatus,
    AnswerValue,
    AssuranceLevel,
    AuditArea,
    AuditKind,
    LearningKind,
    LearningTheme,
)
from .models import QuestionSet

INPUT = {"class": "govuk-input"}
SELECT = {"class": "govuk-select"}
TEXTAREA = {"class": "govuk-textarea", "rows": 3}
DATE = {"class": "govuk-input govuk-input--width-10", "type": "date"}


class AuditPlanForm(forms.Form):
    kind = forms.ChoiceField(choices=AuditKind.choices, widget=forms.Select(attrs=SELECT), initial=AuditKind.MONTHLY)
    area = forms.ChoiceField(
        choices=[("", "No area (cross-cutting theme)"), *AuditArea.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
        help_text="The PPU portfolio audited. A monthly audit needs one.",
    )
    theme = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=INPUT),
        help_text="For a thematic audit or QATT, e.g. victim-blaming language.",
    )
    month = MonthField()
    question_set = forms.ModelChoiceField(
        queryset=QuestionSet.objects.filter(published_at__isnull=False).order_by("title", "-version"),
        widget=forms.Select(attrs=SELECT),
        empty_label="Choose a question set",
    )
    planned_sample_size = forms.IntegerField(
        min_value=1,
        max_value=200,
        initial=10,
        widget=forms.NumberInput(attrs={**INPUT, "class": "govuk-input govuk-input--width-4"}),
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
    theme = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs=INPUT))
    version = VersionField()
    planned_sample_size = forms.IntegerField(
        min_value=1,
        max_value=200,
        widget=forms.NumberInput(attrs={**INPUT, "class": "govuk-input govuk-input--width-4"}),
    )


class SampleDrawForm(forms.Form):
    size = forms.IntegerField(
        label="Number of cases",
        min_value=1,
        max_value=200,
        widget=forms.NumberInput(attrs={**INPUT, "class": "govuk-input govuk-input--width-4"}),
    )
    window_start = forms.DateField(label="Recorded from", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    window_end = forms.DateField(label="Recorded to", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Leave empty for a new random draw. Enter a stored seed to repeat a draw.",
        widget=forms.NumberInput(attrs={**INPUT, "class": "govuk-input govuk-input--width-10"}),
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
        label="Crime references",
        help_text="One per line, or separated by commas.",
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 4}),
    )

    def clean_crime_references(self) -> list[str]:
        refs = [r.strip() for r in re.split(r"[\n,;]+", self.cleaned_data["crime_references"]) if r.strip()]
        if not refs:
            raise forms.ValidationError("Enter at least one crime reference.")
        return refs


class ReviewForm(forms.Form):
    """One radio group and one comment per question (fields ``q<id>`` and ``c<id>``)."""

    def __init__(self, *args: Any, questions: list[Any], answers: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            existing = answers.get(question.pk)
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=f"{question.order}. {question.text}",
                choices=AnswerValue.choices,
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
        return [{"question": q, "value": self[f"q{q.pk}"], "comment": self[f"c{q.pk}"]} for q in self.questions]

    def answers(self) -> dict[int, tuple[str, str]]:
        return {q.pk: (self.cleaned_data[f"q{q.pk}"], self.cleaned_data[f"c{q.pk}"]) for q in self.questions}


class AssuranceForm(forms.Form):
    assurance_override = forms.ChoiceField(
        label="Assurance level",
        choices=[("", "Use the suggested level"), *AssuranceLevel.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
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


class LearningForm(forms.Form):
    kind = forms.ChoiceField(choices=LearningKind.choices, widget=forms.Select(attrs=SELECT))
    theme = forms.ChoiceField(choices=LearningTheme.choices, widget=forms.Select(attrs=SELECT))
    text = forms.CharField(label="What was found", widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)
    review = forms.TypedChoiceField(
        label="Case (optional)", required=False, coerce=int, empty_value=None, widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, review_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["review"]).choices = [("", "Whole audit"), *review_choices]


class ActionForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=INPUT))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("full_name", "email"),
        widget=forms.Select(attrs=SELECT),
        empty_label="Choose the owner",
    )
    due_date = forms.DateField(widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    learning_point = forms.TypedChoiceField(
        label="From learning point (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
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
    status = forms.ChoiceField(label="Status", widget=forms.Select(attrs=SELECT))

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


class QuestionSetEditForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=INPUT))
    questions = forms.CharField(
        help_text="One question per line, in order.", widget=forms.Textarea(attrs={**TEXTAREA, "rows": 12})
    )

    def clean_questions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError("Enter at least one question.")
        too_long = [i for i, line in enumerate(lines, start=1) if len(line) > 300]
        if too_long:
            raise forms.ValidationError(f"Question {too_long[0]} is longer than 300 characters.")
        return lines


class OverviewForm(forms.Form):
    month_from = MonthField(required=False, label="From month")
    month_to = MonthField(required=False, label="To month")
