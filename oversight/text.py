"""Control characters in text: the one rule every input path applies, and the export clean-up.

A control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) in stored text breaks
spreadsheets (openpyxl refuses most of them), PostgreSQL (NUL) and anyone reading the value. Input
is refused where it enters: query strings and form fields (:mod:`oversight.middleware`), JSON
bodies (:mod:`oversight.parsers`), every service's ``full_clean`` (:func:`oversight.errors.clean_or_raise`)
and the investigation CSV import. Multi-line text may hold tab, line feed and carriage return; a
single-line value none at all.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst

_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # every Cc but \t \n \r
_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What an XLSX cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


_DIGIT = re.compile(r"\d")


def is_pseudonymous(reference: str) -> bool:
    """A records-system reference holds a digit; a name never does, so a name typed where a reference
    belongs (a person's, a managed offender's, a missing episode's) is refused wherever it is entered."""
    return bool(_DIGIT.search(reference))


def control_character(value: Any, *, multiline: bool = True) -> str | None:
    """The first control character ``value`` holds that its kind of text may not, or ``None``."""
    if not isinstance(value, str):
        return None
    found = (_MULTI_LINE if multiline else _SINGLE_LINE).search(value)
    return found.group() if found else None


def control_character_message(character: str) -> str:
    """``contains a control character (U+000B): remove it`` — the wording every refusal uses."""
    return f"contains a control character (U+{ord(character):04X}): remove it"


def control_character_error(value: Any, *, multiline: bool = True) -> str | None:
    """The refusal for ``value`` (see :func:`control_character_message`), or ``None`` when it is clean."""
    character = control_character(value, multiline=multiline)
    return control_character_message(character) if character is not None else None


def validate_text(value: Any, *, multiline: bool = True) -> None:
    """Raise ``ValidationError`` when ``value`` holds a control character its kind of text may not."""
    if message := control_character_error(value, multiline=multiline):
        raise ValidationError(f"This text {message}.", code="control_character")


def xlsx_safe(value: Any) -> Any:
    """``value`` with the characters an XLSX cell cannot hold removed (stored before input was checked)."""
    return _XLSX_ILLEGAL.sub("", value) if isinstance(value, str) else value


def model_text_errors(instance: Any, *, exclude: Any = None) -> dict[str, list[str]]:
    """Field → refusal for every text field of a model instance holding a control character:
    a ``TextField`` is multi-line, a ``CharField`` (and its kinds: email, slug…) single-line."""
    errors: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.name in (exclude or ()):
            continue
        message = control_character_error(
            getattr(instance, field.attname, None), multiline=isinstance(field, models.TextField)
        )
        if message:
            errors[field.name] = [f"{capfirst(field.verbose_name)} {message}."]
    return errors
