"""Forms and form fields every app shares: the login form and the reporting-period fields."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .errors import ApplicationError
from .periods import parse_month, parse_quarter


class LoginForm(AuthenticationForm):
    """Email and password; the field stays named ``username`` for Django and django-axes."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True, "class": "govuk-input"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "govuk-input"}),
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive.",
        "inactive": "This account is inactive.",
    }


class MonthField(forms.CharField):
    """A month written ``YYYY-MM`` (:func:`oversight.periods.parse_month`), cleaned to its first day."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "placeholder": "2025-11"})
        )
        kwargs.setdefault("help_text", "Year and month, for example 2025-11.")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> date | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return parse_month(text).start
        except ApplicationError as exc:
            # As a parameter, never as the format itself: the message quotes the value, which may hold a '%'.
            raise forms.ValidationError("%(message)s", params={"message": exc.message}) from exc


class QuarterField(forms.CharField):
    """A financial quarter written ``YYYY-YY-QN`` (:func:`oversight.periods.parse_quarter`), cleaned to its key."""

    def clean(self, value: Any) -> str | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return parse_quarter(text).key
        except ApplicationError as exc:
            # As a parameter, never as the format itself: the message quotes the value, which may hold a '%'.
            raise forms.ValidationError("%(message)s", params={"message": exc.message}) from exc
