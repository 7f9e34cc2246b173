"""Filter pieces every app's FilterSets share (django-filter), so a page and its API read a
parameter the same way and a bad value is a form error on the page and a 400 on the API.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

MAX_ID = 2**63 - 1  # the largest primary key (BigAutoField); a larger number is an error, not an overflow


class IdField(forms.IntegerField):
    """A record's id: a whole number from 1 to ``MAX_ID``."""

    default_error_messages = {"invalid": "Enter an id (a whole number)."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdFilter(django_filters.Filter):
    """Records whose ``field_name`` (a foreign key's ``…_id``) is the id given; an unknown id matches nothing."""

    field_class = IdField


def is_yes(value: Any) -> bool:
    """``1``, ``true``, ``yes`` or ``on`` (a ticked checkbox) is yes; anything else, or nothing, is no."""
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class YesCheckbox(forms.CheckboxInput):
    """A checkbox that hands the field the answer as written (Django's would make ``no`` true)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, check_test=is_yes)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class YesField(forms.BooleanField):
    """A yes/no answer read by :func:`is_yes`."""

    widget = YesCheckbox

    def to_python(self, value: Any) -> bool:
        return is_yes(value)


class YesFilter(django_filters.Filter):
    """A yes/no switch: ``method`` narrows the queryset when the answer is yes."""

    field_class = YesField


def lazy_choices(queryset: QuerySet, empty_label: str) -> Any:
    """Choices ``(id, str(record))`` for a select, read only when the select is rendered (not on the API)."""
    return lambda: [("", empty_label), *((record.pk, str(record)) for record in queryset.all())]
