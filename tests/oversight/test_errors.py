"""``add_errors_to_form``: a service's ApplicationError on a page's form, nothing lost on the way."""

from __future__ import annotations

from django import forms

from oversight.errors import ApplicationError, add_errors_to_form


class DatesForm(forms.Form):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)


def _bound() -> DatesForm:
    form = DatesForm({})
    assert form.is_valid()
    return form


def test_it_puts_field_messages_on_their_fields_without_repeating_the_message() -> None:
    form = _bound()
    add_errors_to_form(
        form, ApplicationError("The end is before the start.", {"end": ["The end is before the start."]})
    )
    assert form.errors == {"end": ["The end is before the start."]}


def test_it_keeps_the_sentence_that_says_why_next_to_a_short_field_hint() -> None:
    form = _bound()
    add_errors_to_form(form, ApplicationError("The end must be on or after the start.", {"end": ["Too early."]}))
    assert form.non_field_errors() == ["The end must be on or after the start."]
    assert form.errors["end"] == ["Too early."]


def test_it_keeps_non_field_messages_that_come_with_field_messages() -> None:
    form = _bound()
    errors = {"start": ["This date cannot be in the future."], "__all__": ["An outcome needs both a type and a date."]}
    add_errors_to_form(form, ApplicationError("This date cannot be in the future.", errors))
    assert form.errors["start"] == ["This date cannot be in the future."]
    assert form.non_field_errors() == ["An outcome needs both a type and a date."]


def test_it_shows_the_message_when_no_field_of_the_form_is_concerned() -> None:
    form = _bound()
    add_errors_to_form(form, ApplicationError("Already published.", {"period": ["Published."]}))
    assert form.errors == {"__all__": ["Already published."]}
