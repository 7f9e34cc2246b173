"""The register's date rules (DESIGN.md §4), in one place for the model's ``clean()`` and the CSV import.

Each rule gives its message as the import reports it after ``row N, column C:``; a form shows
the same words under the field (and as ``Label: message`` in the error summary).

- no date in the future;
- no outcome, court outcome or arrest dated before the crime was recorded, and no CPS
  referral or decision either;
- an outcome type and its date come together, and so do a court outcome and its date;
- register v2: reported on or before recorded; bail expiry after bail start; the victim's age
  group follows from their age (adult is 16 or over at the offence). Dates set in advance (bail
  expiry, first hearing, trial) may be in the future; every other date may not.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from .choices import ADULT_AGE

INVESTIGATION_DATES: tuple[str, ...] = (
    "recorded_date",
    "offence_date",
    "arrest_date",
    "outcome_date",
    "court_outcome_date",
    # register v2
    "reported_date",
    "bail_start_date",
    "bail_expiry_date",
    "rui_start_date",
    "cps_file_submitted_date",
    "first_hearing_date",
    "trial_date",
    "sentence_date",
)
# Dates fixed ahead of the day they fall on: a bail return date, a listed hearing or trial.
SCHEDULED_DATES: frozenset[str] = frozenset({"bail_expiry_date", "first_hearing_date", "trial_date"})
NOT_BEFORE_RECORDED: tuple[str, ...] = (
    "arrest_date",
    "outcome_date",
    "court_outcome_date",
    "bail_start_date",
    "rui_start_date",
    "cps_file_submitted_date",
    "first_hearing_date",
    "trial_date",
    "sentence_date",
)
MAX_AGE = 120
# (what, when, message when the date is missing, message when what is missing)
PAIRS: tuple[tuple[str, str, str, str], ...] = (
    ("outcome_type", "outcome_date", "an outcome type needs an outcome date", "an outcome date needs an outcome type"),
    ("court_outcome", "court_outcome_date", "a court outcome needs its date", "a court outcome date needs the result"),
)
# Every field the rules read: an import of some columns checks them over the stored record.
CHECKED_FIELDS: tuple[str, ...] = (*INVESTIGATION_DATES, "outcome_type", "court_outcome")


def age_group_of(age: int) -> str:
    """``adult`` at 16 or over at the offence (the Home Office rape classifications, the domestic-abuse
    definition), ``child`` below."""
    return "adult" if age >= ADULT_AGE else "child"


def age_group_error(group: str, *, age: int | None) -> str | None:
    """The message when a victim age group contradicts the victim's age (``unknown`` or empty does not)."""
    if age is None or group not in ("adult", "child") or group == age_group_of(age):
        return None
    return f"'{group}' contradicts victim_age {age} (adult is {ADULT_AGE} or over at the offence)"


def future_error(value: date | None, *, today: date) -> str | None:
    """The message when ``value`` is after ``today``."""
    if value is not None and value > today:
        return f"{value:%Y-%m-%d} is in the future"
    return None


def before_recorded_error(value: date | None, *, recorded: date | None) -> str | None:
    """The message when ``value`` is before the crime was recorded."""
    if value is not None and recorded is not None and value < recorded:
        return f"is before the recorded date ({recorded:%Y-%m-%d})"
    return None


def investigation_date_errors(values: Mapping[str, Any], *, today: date, skip: Collection[str] = ()) -> dict[str, str]:
    """Field → message for every date rule that ``values`` (field name → value) breaks, one per field.

    Fields missing from ``values`` count as empty. Fields in ``skip`` (already in error for another
    reason) are neither reported nor used: a rule that needs a skipped field is not checked.
    """
    errors: dict[str, str] = {}

    def add(field: str, message: str | None) -> None:
        if message and field not in skip and field not in errors:
            errors[field] = message

    for name in INVESTIGATION_DATES:
        if name not in SCHEDULED_DATES:
            add(name, future_error(values.get(name), today=today))
    for what, when, needs_date, needs_what in PAIRS:
        if {what, when} & {*skip, *errors}:
            continue
        if values.get(what) and not values.get(when):
            add(when, needs_date)
        elif values.get(when) and not values.get(what):
            add(what, needs_what)
    if "recorded_date" not in skip and "recorded_date" not in errors:
        recorded = values.get("recorded_date")
        for name in NOT_BEFORE_RECORDED:
            add(name, before_recorded_error(values.get(name), recorded=recorded))
        reported = values.get("reported_date")
        if reported is not None and recorded is not None and reported > recorded:
            add("reported_date", f"is after the recorded date ({recorded:%Y-%m-%d})")
    if not {"bail_start_date", "bail_expiry_date"} & {*skip, *errors}:
        start, expiry = values.get("bail_start_date"), values.get("bail_expiry_date")
        if start is not None and expiry is not None and expiry <= start:
            add("bail_expiry_date", f"is not after the bail start date ({start:%Y-%m-%d})")
    return errors
