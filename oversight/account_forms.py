"""Forms of sign-in's second step, the account page and the administrators' pages (users, access log)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms

from .accesslog import AccessLogFilters
from .concurrency import VersionField
from .models import AccessKind, User
from .roles import Role

INPUT = {"class": "govuk-input--width-20"}
DATE = {"class": "govuk-input--width-10", "type": "date"}


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app, or (at sign-in) a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-10",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class AccessLogSearchForm(forms.Form):
    """The access-log search: every field optional; dates are whole days, from and to included."""

    user = forms.CharField(
        label="User's email (or part of it)", required=False, max_length=254, widget=forms.TextInput()
    )
    reference = forms.CharField(
        label="Crime reference or investigation id",
        required=False,
        max_length=64,
        widget=forms.TextInput(),
    )
    kind = forms.ChoiceField(
        label="What was read",
        required=False,
        choices=[("", "Any"), *AccessKind.choices],
        widget=forms.Select(attrs={}),
    )
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data

    def filters(self) -> AccessLogFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return AccessLogFilters(
            user=data.get("user", "").strip(),
            reference=data.get("reference", "").strip(),
            kind=data.get("kind", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


ROLE_CHOICES = [(role.value, role.label) for role in Role]


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", ROLE_CHOICES)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(**kwargs)


class InviteForm(forms.Form):
    email = forms.EmailField(label="Work email address", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    full_name = forms.CharField(label="Full name", max_length=150, widget=forms.TextInput(attrs={}))
    job_title = forms.CharField(label="Job title", max_length=150, required=False, widget=forms.TextInput(attrs={}))
    roles = RolesField(label="Roles")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A user with this email address already exists.")
        return email


class RolesForm(forms.Form):
    roles = RolesField(label="Roles")
    version = VersionField()


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's "forgot your password" form, in GOV.UK dress."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Work email address"
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Django's set-password form (reset and invitation links), in GOV.UK dress."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs.update({"autocomplete": "new-password"})
        self.fields["new_password1"].help_text = "At least 12 characters; not a common password or all numbers."
