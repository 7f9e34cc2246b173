"""The GOV.UK form renderer: ids that exist, classes from one place, GOV.UK error wording, no dashes."""

from __future__ import annotations

import re
from datetime import date

from django import forms

from oversight.forms import GovukBoundField, GovukDateField


class Example(forms.Form):
    reason = forms.CharField(label="Reason", help_text="Say why.")
    rating = forms.ChoiceField(
        label="Proposed rating", choices=[("", "---------"), ("g", "Green"), ("r", "Red")], widget=forms.RadioSelect
    )
    area = forms.ChoiceField(label="Area", choices=[("", "---------"), ("x", "X")])
    recorded = forms.CharField(label="Recorded date")


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_every_described_by_id_exists_before_and_after_errors() -> None:
    for form in (Example(), Example(data={})):
        html = "".join(form[name].as_field_group() for name in form.fields)
        ids = _ids(html)
        described = [i for value in re.findall(r'aria-describedby="([^"]+)"', html) for i in value.split()]
        assert described, html
        assert set(described) <= ids, set(described) - ids


def test_errors_have_ids_and_the_gov_uk_classes_come_from_the_renderer() -> None:
    form = Example(data={})
    assert isinstance(form["reason"], GovukBoundField)
    html = form["reason"].as_field_group()
    assert 'id="id_reason-hint"' in html and 'id="id_reason-error"' in html
    assert 'aria-describedby="id_reason-hint id_reason-error"' in html
    assert "govuk-input govuk-input--error" in html
    assert 'class="govuk-select govuk-select--error"' in form["area"].as_field_group()


def test_required_messages_say_what_to_do_and_selects_have_no_dashes() -> None:
    form = Example(data={})
    assert not form.is_valid()
    assert form.errors["reason"] == ["Enter the reason"]
    assert form.errors["recorded"] == ["Enter the recorded date"]
    assert form.errors["rating"] == ["Select a proposed rating"]
    assert form.errors["area"] == ["Select an area"]
    html = str(form)
    assert "---------" not in html
    assert "This field is required" not in html


def test_radios_are_a_fieldset_and_the_error_summary_links_to_the_first_radio() -> None:
    form = Example(data={})
    form.is_valid()
    html = form["rating"].as_field_group()
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_rating-error">' in html
    assert "govuk-radios__input" in html and "govuk-fieldset__legend" in html
    rating = form["rating"]
    assert isinstance(rating, GovukBoundField)
    assert rating.first_input_id == "id_rating_0"
    assert 'id="id_rating_0"' in html


class DateExample(forms.Form):
    recorded = GovukDateField(label="Recorded date")


def test_a_date_is_three_boxes_and_one_iso_value_is_accepted_too() -> None:
    today = date.today()
    boxes = DateExample(
        data={"recorded-day": str(today.day), "recorded-month": str(today.month), "recorded-year": str(today.year)}
    )
    assert boxes.is_valid(), boxes.errors
    assert boxes.cleaned_data["recorded"] == today
    iso = DateExample(data={"recorded": today.isoformat()})
    assert iso.is_valid(), iso.errors
    assert iso.cleaned_data["recorded"] == today
    html = DateExample(initial={"recorded": today})["recorded"].as_field_group()
    for part in ("day", "month", "year"):
        assert f'name="recorded-{part}"' in html and f'id="id_recorded-{part}"' in html
    assert f'value="{today.year}"' in html and "<legend" in html


def test_date_errors_say_what_is_wrong_in_gov_uk_words() -> None:
    cases = [
        ({}, "Enter the recorded date"),
        ({"recorded-day": "31", "recorded-year": "2026"}, "Recorded date must include a month"),
        ({"recorded-day": "31", "recorded-month": "2", "recorded-year": "2026"}, "Recorded date must be a real date"),
        ({"recorded": "not-a-date"}, "Recorded date must be a real date"),
    ]
    for data, message in cases:
        form = DateExample(data=data)
        assert not form.is_valid()
        assert form.errors["recorded"] == [message]
    form = DateExample(data={"recorded-month": "2"})
    form.is_valid()
    assert form["recorded"].first_input_id == "id_recorded-day"  # type: ignore[attr-defined]  # GovukBoundField


def _fresh(form: forms.BaseForm, skip: tuple[str, ...] = ()) -> str:
    return "".join(form[name].as_field_group() for name in form.fields if name not in skip)


def test_remembered_fields_are_the_fresh_rendering_for_the_same_values() -> None:
    from django.http import QueryDict

    from oversight.forms import rendered_fields

    for data in (None, QueryDict("reason=Late&area=x"), QueryDict("reason=Other&area=x")):
        first = rendered_fields(Example(data=data) if data is not None else Example(), skip=("rating",))
        again = rendered_fields(Example(data=data) if data is not None else Example(), skip=("rating",))
        assert first == again == _fresh(Example(data=data) if data is not None else Example(), skip=("rating",))
        assert "id_rating" not in first
    # Different values are different entries: the second form shows its own value, not the first's.
    assert 'value="Other"' in rendered_fields(Example(data=QueryDict("reason=Other&area=x")), skip=("rating",))


def test_remembered_fields_follow_the_choices_as_they_are_now() -> None:
    from oversight.forms import rendered_fields

    form = Example()
    before = rendered_fields(form)
    area = form.fields["area"]
    assert isinstance(area, forms.ChoiceField)
    area.choices = [("", "Any"), ("x", "X"), ("y", "A new area")]
    after = rendered_fields(form)
    assert "A new area" not in before and "A new area" in after


def test_a_form_with_errors_is_rendered_afresh_each_time() -> None:
    from django.http import QueryDict

    from oversight.forms import rendered_fields

    first = rendered_fields(Example(data=QueryDict("reason=&area=zzz")))
    assert "govuk-form-group--error" in first
    assert first == _fresh(Example(data=QueryDict("reason=&area=zzz")))
    # The same values once valid render without the errors (no error HTML was remembered for them).
    assert "govuk-form-group--error" not in rendered_fields(
        Example(data=QueryDict("reason=Late&area=x&rating=g&recorded=today"))
    )
