"""Forms of the commitments pages (GOV.UK classes on the widgets; services do the validation that matters)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from oversight.models import User

from .choices import BoardActionStatus, Rating
from .models import Board, Commitment
from .narrative import MARKUP_HINT

TEXTAREA = {"class": "govuk-textarea", "rows": 8}
SELECT = {"class": "govuk-select"}


class CommitmentChoiceField(forms.ModelMultipleChoiceField):
    """Commitments shown as "action ref – text"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.action_ref} – {obj.text}"


class RatingField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Rating.choices, widget=forms.RadioSelect, **kwargs)


class ProgressUpdateForm(forms.Form):
    narrative = forms.CharField(
        label="Progress this quarter",
        help_text=MARKUP_HINT,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 14}),
    )
    proposed_rating = RatingField(label="Proposed rating")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("endorse", "Endorse the proposed rating"), ("challenge", "Challenge the proposed rating")],
        widget=forms.RadioSelect,
        label="Your decision",
    )
    comment = forms.CharField(
        required=False,
        label="Comment",
        help_text="Required when you challenge: say what the lead should reconsider.",
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 4}),
    )


class PublishForm(forms.Form):
    rating = RatingField(label="Rating to publish")
    rationale = forms.CharField(
        label="Rationale",
        help_text="Why this rating (required, and shown with the rating).",
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 5}),
    )


class CorrectForm(PublishForm):
    reason = forms.CharField(
        label="Reason for the correction",
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )


class MeetingForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}))
    attendees = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_attendees = forms.CharField(
        required=False,
        label="Other attendees",
        help_text="People without an account, one per line.",
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )
    commitments_reviewed = CommitmentChoiceField(
        queryset=Commitment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Commitments reviewed",
    )
    minutes = forms.CharField(required=False, widget=forms.Textarea(attrs=TEXTAREA))
    decisions = forms.CharField(required=False, widget=forms.Textarea(attrs={**TEXTAREA, "rows": 4}))

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).filter(
            pk__in=[*board.members.values_list("pk", flat=True), board.chair_id]
        )
        cast(forms.ModelChoiceField, self.fields["attendees"]).queryset = people.order_by("full_name")
        cast(forms.ModelChoiceField, self.fields["commitments_reviewed"]).queryset = board.commitments.order_by("order")


class BoardActionForm(forms.Form):
    description = forms.CharField(widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}))
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, groups__isnull=False).distinct().order_by("full_name"),
        required=False,
        empty_label="No owner yet",
        widget=forms.Select(attrs=SELECT),
    )
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})
    )


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=BoardActionStatus.choices)


class OpenPeriodForm(forms.Form):
    period = forms.CharField(max_length=10)
