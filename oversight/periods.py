"""Reporting periods: months and financial quarters/years (April–March).

Keys: month ``2025-11``; quarter ``2025-26-Q2`` (= 1 July – 30 September 2025);
financial year ``2025-26``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .errors import ApplicationError

_QUARTER_RE = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_FY_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive date range with its key."""

    start: date
    end: date
    key: str

    def __str__(self) -> str:
        return self.key


def fy_start_year(day: date) -> int:
    """The calendar year in which the financial year containing ``day`` starts."""
    return day.year if day.month >= 4 else day.year - 1


def fy_key(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def quarter_of(day: date) -> Period:
    """The financial quarter containing ``day``."""
    start_year = fy_start_year(day)
    number = ((day.month - 4) % 12) // 3 + 1
    return quarter(start_year, number)


def quarter(start_year: int, number: int) -> Period:
    first_month = 4 + (number - 1) * 3
    year = start_year if first_month <= 12 else start_year + 1
    first_month = (first_month - 1) % 12 + 1
    last_month = first_month + 2
    end = date(year, last_month, calendar.monthrange(year, last_month)[1])
    return Period(date(year, first_month, 1), end, f"{fy_key(start_year)}-Q{number}")


def parse_quarter(key: str) -> Period:
    """``2025-26-Q2`` → Period(2025-07-01, 2025-09-30). Raises ApplicationError if malformed."""
    match = _QUARTER_RE.match(key or "")
    if not match:
        raise ApplicationError(
            f"'{key}' is not a reporting period: use YYYY-YY-QN, e.g. 2025-26-Q2.", {"period": ["Malformed period."]}
        )
    start_year, end_yy, number = int(match[1]), int(match[2]), int(match[3])
    if (start_year + 1) % 100 != end_yy:
        raise ApplicationError(
            f"'{key}' is not a financial year: the second year must follow the first (e.g. 2025-26).",
            {"period": ["Malformed period."]},
        )
    return quarter(start_year, number)


def previous_quarter(period: Period) -> Period:
    start_year, number = fy_start_year(period.start), int(period.key[-1])
    return quarter(start_year, number - 1) if number > 1 else quarter(start_year - 1, 4)


def next_quarter(period: Period) -> Period:
    start_year, number = fy_start_year(period.start), int(period.key[-1])
    return quarter(start_year, number + 1) if number < 4 else quarter(start_year + 1, 1)


def month_of(day: date) -> Period:
    end = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return Period(date(day.year, day.month, 1), end, f"{day.year}-{day.month:02d}")


def parse_month(key: str) -> Period:
    match = _MONTH_RE.match(key or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise ApplicationError(f"'{key}' is not a month: use YYYY-MM, e.g. 2025-11.", {"month": ["Malformed month."]})
    return month_of(date(int(match[1]), int(match[2]), 1))


def previous_month(period: Period) -> Period:
    return months_later(period.start, -1)


def months_later(day: date, count: int) -> Period:
    """The month ``count`` months after the month of ``day`` (before it when ``count`` is negative)."""
    index = day.year * 12 + day.month - 1 + count
    return month_of(date(index // 12, index % 12 + 1, 1))


def months_between(start: date, end: date) -> list[Period]:
    """Every month from the month of ``start`` to the month of ``end``, in order; none if ``start`` is later."""
    months = []
    current = month_of(start)
    while current.start <= end:
        months.append(current)
        current = months_later(current.start, 1)
    return months


def financial_year_of(day: date) -> Period:
    start_year = fy_start_year(day)
    return Period(date(start_year, 4, 1), date(start_year + 1, 3, 31), fy_key(start_year))


def parse_financial_year(key: str) -> Period:
    """``2026-27`` → Period(2026-04-01, 2027-03-31). Raises ApplicationError if malformed."""
    match = _FY_RE.match(key or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ApplicationError(f"'{key}' is not a financial year: use YYYY-YY, e.g. 2026-27.")
    return financial_year_of(date(int(match.group(1)), 4, 1))


def parse_day(key: str) -> Period:
    """``2025-11-25`` → a one-day Period. Raises ApplicationError if malformed."""
    try:
        day = date.fromisoformat(key)
    except (TypeError, ValueError):
        raise ApplicationError(f"'{key}' is not a day: use YYYY-MM-DD.", {"period": ["Malformed day."]}) from None
    return Period(day, day, day.isoformat())


def same_day_last_year(day: date) -> date:
    """The same calendar day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def same_period_last_year(period: Period) -> tuple[date, date]:
    """The first and last days of ``period`` a year earlier."""
    return same_day_last_year(period.start), same_day_last_year(period.end)
