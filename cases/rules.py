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

from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta
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
MAX_ACTION_PLANS = 99
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


def rows_to_check(columns: Mapping[str, Sequence[Any]], count: int, *, today: date) -> set[int]:
    """The positions, among ``count`` rows given column by column (field → values; a field absent is
    empty), of the rows that may break a rule of :func:`investigation_date_errors`: every other row
    breaks none. For the CSV import: a chunk costs a few passes over its columns, and only the rows
    found here are checked one by one (by :func:`investigation_date_errors`, for the messages)."""
    empty: list[Any] = [None] * count
    found: set[int] = set()
    for name in INVESTIGATION_DATES:
        if name in columns and name not in SCHEDULED_DATES:
            found.update(i for i, value in enumerate(columns[name]) if value is not None and value > today)
    for what, when, _needs_date, _needs_what in PAIRS:
        pairs = zip(columns.get(what, empty), columns.get(when, empty), strict=True)
        found.update(i for i, (a, b) in enumerate(pairs) if bool(a) != bool(b))
    recorded = columns.get("recorded_date", empty)
    for name in NOT_BEFORE_RECORDED:
        if name in columns:
            pairs = zip(columns[name], recorded, strict=True)
            found.update(i for i, (value, r) in enumerate(pairs) if value is not None and r is not None and value < r)
    if "reported_date" in columns:
        pairs = zip(columns["reported_date"], recorded, strict=True)
        found.update(i for i, (value, r) in enumerate(pairs) if value is not None and r is not None and value > r)
    if "bail_expiry_date" in columns:
        pairs = zip(columns.get("bail_start_date", empty), columns["bail_expiry_date"], strict=True)
        found.update(
            i for i, (start, end) in enumerate(pairs) if start is not None and end is not None and end <= start
        )
    return found


# --- protective orders: their legal durations, and breaches within an order's life ------------

# order type → (shortest, longest) life from the day it is made, as (years, days); None: no limit.
#   SRO  Sexual Risk Order: at least 2 years
#   SHPO Sexual Harm Prevention Order: at least 5 years (or until further order: no expiry date)
#   DVPN Domestic Violence Protection Notice: 48 hours (Crime and Security Act 2010 s.24-25)
#   DVPO Domestic Violence Protection Order: 14 to 28 days (Crime and Security Act 2010 s.28)
ORDER_DURATIONS: dict[str, tuple[tuple[int, int], tuple[int, int] | None]] = {
    "sro": ((2, 0), None),
    "shpo": ((5, 0), None),
    "dvpn": ((0, 2), (0, 2)),
    "dvpo": ((0, 14), (0, 28)),
}
ORDER_DURATION_WORDS: dict[str, str] = {
    "sro": "a Sexual Risk Order runs at least 2 years",
    "shpo": "a Sexual Harm Prevention Order runs at least 5 years",
    "dvpn": "a Domestic Violence Protection Notice lasts 48 hours (expiry 2 days after it is made)",
    "dvpo": "a Domestic Violence Protection Order runs 14 to 28 days",
}


def add_years(day: date, years: int) -> date:
    """``day`` ``years`` later (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _after(day: date, span: tuple[int, int]) -> date:
    years, days = span
    return add_years(day, years) + timedelta(days=days)


def order_duration_error(order_type: str, *, made: date | None, expiry: date | None) -> str | None:
    """The message when an order's expiry breaks the legal duration of its type (made = granted date)."""
    limits = ORDER_DURATIONS.get(order_type)
    if limits is None or made is None or expiry is None:
        return None
    shortest, longest = limits
    if expiry < _after(made, shortest) or (longest is not None and expiry > _after(made, longest)):
        return f"{expiry:%Y-%m-%d} does not fit: {ORDER_DURATION_WORDS[order_type]} from {made:%Y-%m-%d}"
    return None


def breach_error(breach: date | None, *, granted: date | None, expiry: date | None) -> str | None:
    """The message when a breach falls outside the order's life (made on ``granted``, ending on ``expiry``)."""
    if breach is None:
        return None
    if granted is None:
        return "an order that was not granted cannot be breached"
    if breach < granted:
        return f"{breach:%Y-%m-%d} is before the order was made ({granted:%Y-%m-%d})"
    if expiry is not None and breach > expiry:
        return f"{breach:%Y-%m-%d} is after the order expired ({expiry:%Y-%m-%d})"
    return None
