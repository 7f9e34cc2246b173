from datetime import date

import pytest

from oversight.errors import ApplicationError
from oversight.periods import (
    financial_year_of,
    fy_start_year,
    months_between,
    months_later,
    next_quarter,
    parse_month,
    parse_quarter,
    previous_month,
    previous_quarter,
    quarter_of,
)


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("2025-26-Q1", date(2025, 4, 1), date(2025, 6, 30)),
        ("2025-26-Q2", date(2025, 7, 1), date(2025, 9, 30)),
        ("2025-26-Q3", date(2025, 10, 1), date(2025, 12, 31)),
        ("2025-26-Q4", date(2026, 1, 1), date(2026, 3, 31)),
        ("2099-00-Q4", date(2100, 1, 1), date(2100, 3, 31)),
    ],
)
def test_it_parses_quarter_keys(key: str, start: date, end: date) -> None:
    period = parse_quarter(key)
    assert (period.start, period.end, period.key) == (start, end, key)
    assert quarter_of(start).key == key
    assert quarter_of(end).key == key


@pytest.mark.parametrize("bad", ["", "2025-Q2", "2025-27-Q2", "2025-26-Q5", "2025-26-q2", "25-26-Q1", "2025-26-Q2 "])
def test_it_rejects_malformed_quarter_keys(bad: str) -> None:
    with pytest.raises(ApplicationError):
        parse_quarter(bad)


def test_quarters_and_months_step_across_year_ends() -> None:
    assert previous_quarter(parse_quarter("2025-26-Q1")).key == "2024-25-Q4"
    assert next_quarter(parse_quarter("2024-25-Q4")).key == "2025-26-Q1"
    assert previous_month(parse_month("2026-01")).key == "2025-12"
    assert financial_year_of(date(2026, 3, 31)).key == "2025-26"
    assert financial_year_of(date(2026, 4, 1)).key == "2026-27"


@pytest.mark.parametrize("bad", ["2025-13", "2025-1", "2025-00", "nonsense"])
def test_it_rejects_malformed_months(bad: str) -> None:
    with pytest.raises(ApplicationError):
        parse_month(bad)


@pytest.mark.parametrize(
    ("day", "count", "key"),
    [
        (date(2025, 11, 25), 0, "2025-11"),
        (date(2025, 11, 25), -11, "2024-12"),
        (date(2025, 1, 31), -1, "2024-12"),
        (date(2025, 12, 1), 1, "2026-01"),
        (date(2025, 3, 31), -12, "2024-03"),
        (date(2024, 2, 29), 24, "2026-02"),
    ],
)
def test_months_later_steps_whole_months_across_year_ends(day: date, count: int, key: str) -> None:
    month = months_later(day, count)
    assert month.key == key and month.start.day == 1


def test_months_between_lists_every_month_touching_the_range() -> None:
    months = months_between(date(2025, 11, 15), date(2026, 2, 1))
    assert [m.key for m in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert (months[0].start, months[-1].end) == (date(2025, 11, 1), date(2026, 2, 28))
    assert months_between(date(2026, 3, 1), date(2026, 2, 28)) == []


def test_the_financial_year_starts_in_april() -> None:
    assert fy_start_year(date(2026, 3, 31)) == 2025
    assert fy_start_year(date(2026, 4, 1)) == 2026
