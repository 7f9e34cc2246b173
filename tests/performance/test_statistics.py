"""performance.statistics: p-chart limits and the noise tests, worked by hand in the comments."""

from __future__ import annotations

import pytest

from performance.statistics import NOISE_Z, p_chart, poisson_z, two_proportion_z, within_noise


def test_the_p_chart_centre_is_the_pooled_rate_and_a_point_above_its_limit_is_a_signal() -> None:
    # p̄ = (10 + 10 + 40) / 300 = 0.2; σ at n = 100: √(0.2 × 0.8 / 100) = 0.04; limits 20 ± 12 = 8 … 32 %
    chart = p_chart([(10, 100), (10, 100), (40, 100)])
    assert chart.centre == pytest.approx(20.0)
    first, _second, third = chart.points
    assert (first.value, first.lower, first.upper, first.signal) == (
        pytest.approx(10.0),
        pytest.approx(8.0),
        pytest.approx(32.0),
        "",
    )
    assert (third.value, third.signal) == (pytest.approx(40.0), "above")
    assert chart.signals == [2]


def test_a_point_below_its_lower_limit_is_a_signal() -> None:
    # p̄ = 60 / 400 = 0.15; 3σ at n = 100: 3 √(0.15 × 0.85 / 100) = 0.1071; limits 4.29 … 25.71 %
    chart = p_chart([(2, 100), (20, 100), (20, 100), (18, 100)])
    assert chart.points[0].lower == pytest.approx(4.288, abs=0.001)
    assert chart.points[0].upper == pytest.approx(25.712, abs=0.001)
    assert [p.signal for p in chart.points] == ["below", "", "", ""]


def test_small_denominators_get_wide_limits_clipped_to_0_and_100() -> None:
    # p̄ = 31 / 104 = 0.2981; n = 4: 3σ = 3 √(0.2981 × 0.7019 / 4) = 0.6861 → 0 … 98.4 %;
    # n = 100: 3σ = 0.1372 → 16.1 … 43.5 %
    small, large = p_chart([(1, 4), (30, 100)]).points
    assert (small.lower, small.upper) == (0.0, pytest.approx(98.42, abs=0.01))
    assert (large.lower, large.upper) == (pytest.approx(16.09, abs=0.01), pytest.approx(43.53, abs=0.01))
    assert small.signal == large.signal == ""
    # 0 of 10 against p̄ = 10 / 30: limits 0 … 78.05 %; 0 % is on the lower limit, not below it;
    # 8 of 10 (80 %) is above 78.05 %
    assert [p.signal for p in p_chart([(2, 10), (0, 10), (8, 10)]).points] == ["", "", "above"]
    assert p_chart([(2, 10), (0, 10), (8, 10)]).points[2].upper == pytest.approx(78.05, abs=0.01)


def test_periods_without_a_denominator_have_no_point_and_no_limits() -> None:
    chart = p_chart([(0, 0), (5, 10)])
    assert chart.centre == pytest.approx(50.0)
    assert (chart.points[0].value, chart.points[0].lower, chart.points[0].upper) == (None, None, None)
    assert p_chart([(0, 0), (0, 0)]).centre is None


def test_a_ratio_above_one_gets_no_limits() -> None:
    # 12 positive outcomes over 10 recorded offences: p̄ = 1.2 is no proportion
    chart = p_chart([(12, 10)])
    assert chart.centre == pytest.approx(120.0)
    assert (chart.points[0].lower, chart.points[0].upper, chart.points[0].signal) == (None, None, "")


def test_a_change_on_small_numbers_is_within_the_noise() -> None:
    # 12 of 162 (7.4 %) against 20 of 160 (12.5 %): pooled 32 / 322 = 0.0994;
    # se = √(0.0994 × 0.9006 × (1/162 + 1/160)) = 0.03334; z = (0.0741 − 0.125) / 0.03334 = −1.53
    z = two_proportion_z(12, 162, 20, 160)
    assert z == pytest.approx(-1.527, abs=0.001)
    assert within_noise(z) is True


def test_a_change_on_large_numbers_is_beyond_the_noise() -> None:
    # 100 of 1,000 against 60 of 1,000: pooled 0.08; se = √(0.08 × 0.92 × 0.002) = 0.01213; z = 0.04 / 0.01213 = 3.30
    z = two_proportion_z(100, 1000, 60, 1000)
    assert z == pytest.approx(3.297, abs=0.001)
    assert within_noise(z) is False


def test_rates_that_cannot_be_compared_give_no_test() -> None:
    assert two_proportion_z(1, 0, 1, 5) is None
    assert two_proportion_z(0, 5, 0, 8) == 0.0  # 0 % both years: no change, although the pooled rate is 0
    # 100 % (3 of 3) against 40 % (2 of 5): pooled 5 / 8; se = √(0.625 × 0.375 × (1/3 + 1/5)) = 0.3536; z = 0.6 / 0.3536
    assert two_proportion_z(3, 3, 2, 5) == pytest.approx(1.697, abs=0.001)
    assert two_proportion_z(12, 10, 9, 10) is None  # pooled 21 / 20: no proportion
    assert within_noise(None) is None


def test_counts_are_compared_as_poisson_counts() -> None:
    # 130 against 100: z = 30 / √230 = 1.98 (within); 150 against 100: 50 / √250 = 3.16 (beyond)
    assert poisson_z(130, 100) == pytest.approx(1.978, abs=0.001)
    assert within_noise(poisson_z(130, 100)) is True
    assert within_noise(poisson_z(150, 100)) is False
    assert poisson_z(0, 0) is None
    assert NOISE_Z == 2.0
