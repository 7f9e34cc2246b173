"""The one rounding rule for percentages and day averages (DESIGN.md §3)."""

from __future__ import annotations

import pytest

from oversight.numbers import Rate, mean_days, percentage


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 16, 6.3),  # 6.25 → 6.3 half-up (banker's rounding would give 6.2)
        (3, 16, 18.8),  # 18.75 → 18.8
        (1, 80, 1.3),  # 1.25 → 1.3
        (1, 400, 0.3),  # 0.25 → 0.3
        (1, 2000, 0.1),  # 0.05 → 0.1: the smallest tie
        (1, 2001, 0.0),  # 0.04997… → 0.0: just under a tie
        (1, 1999, 0.1),  # 0.05002… → 0.1: just over a tie
        (1, 8, 12.5),  # exact, nothing to round
        (1, 3, 33.3),  # 33.333…
        (2, 3, 66.7),  # 66.666…
        (1, 6, 16.7),  # 16.666…
        (0, 5, 0.0),  # a real zero is 0.0, not null
        (7, 7, 100.0),
        (9, 4, 225.0),  # a rate over 100 is allowed (positive outcomes of older crimes)
        (123_456_789_013, 2_000_000_000_000, 6.2),  # 6.17284…: large counts stay exact
        (1_234_567_890_125, 20_000_000_000_000, 6.2),  # 6.172839450625 → 6.2
        (5, 16_000, 0.0),  # 0.03125 → 0.0
        (9, 16_000, 0.1),  # 0.05625 → 0.1
    ],
)
def test_percentages_round_half_up_to_one_decimal(numerator: int, denominator: int, expected: float) -> None:
    assert percentage(numerator, denominator) == expected


def test_a_tie_at_every_tenth_rounds_up() -> None:
    # k.k5 % for every tenth from 0.05 to 99.95: (2n + 1) / 2000 of the denominator.
    for n in range(1000):
        assert percentage(2 * n + 1, 2000) == pytest.approx((n + 1) / 10)


def test_a_zero_or_missing_denominator_gives_none_not_zero() -> None:
    assert percentage(0, 0) is None
    assert percentage(3, 0) is None
    assert percentage(3, None) is None
    assert mean_days(0, 0) is None
    assert mean_days(10, None) is None
    assert mean_days(None, 0) is None


def test_a_missing_numerator_counts_as_zero() -> None:
    assert percentage(None, 4) == 0.0
    assert mean_days(None, 3) == 0


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [(21, 2, 11), (25, 2, 13), (24, 2, 12), (10, 3, 3), (11, 3, 4), (0, 4, 0), (1, 2, 1), (3, 8, 0), (5, 8, 1)],
    # 10.5 → 11 and 12.5 → 13 (half-up, not to even); 3.33 → 3; 3.67 → 4; 0.5 → 1; 0.375 → 0; 0.625 → 1
)
def test_day_averages_round_half_up_to_whole_days(total: int, count: int, expected: int) -> None:
    assert mean_days(total, count) == expected


def test_the_results_are_plain_numbers_for_json() -> None:
    assert type(percentage(1, 3)) is float
    assert type(mean_days(10, 3)) is int


def test_a_rate_shows_its_counts_beside_the_percentage() -> None:
    assert str(Rate(12, 162)) == "7.4% (12 of 162)"  # 7.407 → 7.4
    assert str(Rate(1, 16)) == "6.3% (1 of 16)"  # 6.25 half-up
    assert str(Rate(1234, 2000)) == "61.7% (1,234 of 2,000)"
    assert Rate(1, 16).value == 6.3
    assert str(Rate(0, 0)) == "–"
    assert Rate(0, 0).value is None
