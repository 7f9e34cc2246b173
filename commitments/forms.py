"""Forms of the commitments pages (GOV.UK classes on the widgets; services do the validation that matters)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.formats import date_format

from audits.choices import AuditArea
from oversight.concurrency import VersionField
from oversight.models import User

from .choices import BoardActionStatus, Rating
from .models import Board, BoardAction, Commitment, CommitmentIndicator
from .narrative import MARKUP_HINT
from .rules import CONFLICT_ACKNOWLEDGEMENT

TEXTAREA = {"rows": 8}


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
    version = VersionField()


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
    acknowledge_conflict = forms.BooleanField(
        required=False,
        label=CONFLICT_ACKNOWLEDGEMENT,
        help_text="Needed only when the evidence conflicts with Green; then say in the rationale why Green stands.",
    )


class CorrectForm(PublishForm):
    reason = forms.CharField(
        label="Reason for the correction",
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )


class MeetingForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"}))
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
        widget=forms.Select(),
    )
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"})
    )


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=BoardActionStatus.choices)
    version = VersionField()


class OpenPeriodForm(forms.Form):
    period = forms.CharField(max_length=10)


class BoardActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        due = f", due {date_format(obj.due_date)}" if obj.due_date else ""
        return f"{obj.description} ({obj.get_status_display()}{due})"


class IndicatorForm(forms.ModelForm):
    """An indicator's KPI slice, baseline, target and links (its values come from the KPI engine)."""

    audit_areas = forms.MultipleChoiceField(
        choices=AuditArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Linked audit areas",
        help_text="Their compliance rate for the quarter is shown with the evidence.",
    )
    board_actions = BoardActionChoiceField(
        queryset=BoardAction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Linked board actions",
    )
    version = VersionField()

    class Meta:
        model = CommitmentIndicator
        fields = [
            "name",
            "metric",
            "strand",
            "offence_group",
            "victim_age_group",
            "lpa",
            "team",
            "flag",
            "baseline_period",
            "baseline_value",
            "target",
            "direction",
            "order",
            "is_active",
            "audit_areas",
            "board_actions",
        ]
        widgets = {
            "name": forms.TextInput(),
            "metric": forms.Select(),
            "strand": forms.Select(),
            "offence_group": forms.Select(),
            "victim_age_group": forms.Select(),
            "lpa": forms.Select(),
            "team": forms.Select(),
            "flag": forms.Select(),
            "baseline_period": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "baseline_value": forms.NumberInput(attrs={"class": "govuk-input--width-5", "step": "0.1"}),
            "target": forms.NumberInput(attrs={"class": "govuk-input--width-5", "step": "0.1"}),
            "direction": forms.RadioSelect,
            "order": forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        }
        help_texts = {"target": "In the metric's unit: a percentage, a count or days."}

    def __init__(self, *args: Any, commitment: Commitment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.commitment = commitment
        actions = BoardAction.objects.filter(meeting__board=commitment.board).select_related("meeting__board")
        cast(forms.ModelChoiceField, self.fields["board_actions"]).queryset = actions.order_by("due_date", "pk")
