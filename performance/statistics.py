"""Is a change real or noise? Plain statistics for rates on small numbers.

Monthly rates built on a few dozen cases swing widely by chance alone (one charge more or less
among 14 outcomes moves a charge rate by 7 points). Two rules tell a reader when a movement is
worth a question, both from the counts behind each rate:

- **p-chart** (a Shewhart control chart for proportions), for monthly trends. With ``x_i`` of
  ``n_i`` in month ``i``, the centre line is ``p̄ = Σx / Σn`` and the 3-sigma limits of month ``i``
  are ``p̄ ± 3 √(p̄ (1 − p̄) / n_i)``, clipped to [0, 100] %. A month outside its limits is a
  *signal*: a rate that chance alone would give less than about 3 times in 1,000. Months with small
  ``n_i`` get wide limits, which is the point.
- **Two-proportion z-test**, for a headline figure against the same period last year:
  ``z = (p₁ − p₂) / √(p (1 − p) (1/n₁ + 1/n₂))`` with the pooled ``p = (x₁ + x₂) / (n₁ + n₂)``.
  A change with ``|z| < 2`` (:data:`NOISE_Z`, about the 95 % level) is reported as *within the
  noise*: it could well be chance. Counts with no denominator (recorded offences) are compared
  as two Poisson counts, ``z = (a − b) / √(a + b)``, by the same threshold.

A rate whose numerator may exceed its denominator (the positive outcome rate counts outcomes by
outcome date over offences recorded in the period) is treated as a proportion while ``p̄`` is at
most 1, which it is in practice; when it is not, no limits and no test are given (``None``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from oversight.numbers import percentage

NOISE_Z = 2.0  # |z| below this: within the noise
SIGMA_LIMITS = 3.0  # p-chart limits at ± 3 standard errors


@dataclass(frozen=True)
class PChartPoint:
    """One period of a p-chart, in per cent: the rate, its limits, and whether it is a signal."""

    value: float | None  # None when the denominator is 0
    lower: float | None
    upper: float | None
    signal: str = ""  # "above" the upper limit, "below" the lower limit, or ""


@dataclass(frozen=True)
class PChart:
    """A p-chart: the centre line ``p̄`` (per cent) and one point per period, in order."""

    centre: float | None
    points: list[PChartPoint]

    @property
    def signals(self) -> list[int]:
        """Indexes of the periods outside their limits."""
        return [i for i, point in enumerate(self.points) if point.signal]


def p_chart(fractions: Sequence[tuple[int, int]]) -> PChart:
    """The p-chart of ``(numerator, denominator)`` per period (see the module docstring)."""
    total = sum(denominator for _numerator, denominator in fractions)
    if not total:
        return PChart(centre=None, points=[PChartPoint(None, None, None) for _ in fractions])
    p = sum(numerator for numerator, _denominator in fractions) / total
    points = []
    for numerator, denominator in fractions:
        if not denominator:
            points.append(PChartPoint(None, None, None))
            continue
        value = 100 * numerator / denominator
        if not 0 <= p <= 1:
            points.append(PChartPoint(value, None, None))
            continue
        spread = SIGMA_LIMITS * math.sqrt(p * (1 - p) / denominator)
        lower, upper = max(0.0, 100 * (p - spread)), min(100.0, 100 * (p + spread))
        signal = "above" if value > upper else "below" if value < lower else ""
        points.append(PChartPoint(value, lower, upper, signal))
    return PChart(centre=100 * p, points=points)


def two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """z of the change from ``x2/n2`` to ``x1/n1`` (pooled standard error); ``None`` when it cannot be tested.

    Equal rates give 0.0 (even at a pooled 0 % or 100 %, where the standard error is 0).
    """
    if not n1 or not n2:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    if not 0 <= pooled <= 1:
        return None
    difference = x1 / n1 - x2 / n2
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance == 0:
        return 0.0 if difference == 0 else None
    return difference / math.sqrt(variance)


def poisson_z(now: int, before: int) -> float | None:
    """z of the change from count ``before`` to count ``now`` (two Poisson counts over equal periods)."""
    if now + before == 0:
        return None
    return (now - before) / math.sqrt(now + before)


def within_noise(z: float | None) -> bool | None:
    """True when ``|z| < NOISE_Z`` (the change could be chance), False beyond it, None without a test."""
    if z is None:
        return None
    return abs(z) < NOISE_Z


# --------------------------------------------------------------------------- intervals and percentiles

WILSON_Z = 1.959963984540054  # the 97.5th percentile of the standard normal: a 95 % interval


@dataclass(frozen=True)
class RateInterval:
    """A rate in per cent with its 95 % Wilson score interval (per cent), from its counts."""

    numerator: int
    denominator: int
    rate: float | None  # half-up to one decimal, None for a zero denominator
    lower: float | None
    upper: float | None


def wilson_interval(successes: int, trials: int, z: float = WILSON_Z) -> tuple[float, float] | None:
    """The Wilson score interval of ``successes / trials``, in per cent (unrounded).

    ``(p + z²/2n ± z √(p(1 − p)/n + z²/4n²)) / (1 + z²/n)``: unlike the normal approximation it stays
    within [0, 100] and is honest for small ``n`` and for rates near 0 or 100 %. ``None`` when
    ``trials`` is 0 or the "rate" is not a proportion (more successes than trials).
    """
    if trials <= 0 or not 0 <= successes <= trials:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, 100 * (centre - half)), min(100.0, 100 * (centre + half))


def rate_interval(numerator: int, denominator: int) -> RateInterval:
    """The rate (half-up, one decimal) and its 95 % Wilson interval (one decimal) of ``numerator / denominator``."""
    interval = wilson_interval(numerator, denominator)
    lower, upper = (round(interval[0], 1), round(interval[1], 1)) if interval else (None, None)
    return RateInterval(numerator, denominator, percentage(numerator, denominator), lower, upper)


def ratio(value: float | None, overall: float | None) -> float | None:
    """``value / overall`` to two decimals (1.0 = the same as overall); ``None`` without both or for a 0 overall."""
    if value is None or not overall:
        return None
    return round(value / overall, 2)


def percentile(histogram: Mapping[int, int], fraction: float) -> float | None:
    """The ``fraction`` percentile (0.5 = the median) of values given as ``{value: how many}``, with linear
    interpolation between the closest ranks (as PostgreSQL's ``percentile_cont``); ``None`` when empty."""
    values = sorted(histogram)
    total = sum(histogram[value] for value in values)
    if not total:
        return None
    position = fraction * (total - 1)  # 0-based rank
    below, above = math.floor(position), math.ceil(position)

    def at(rank: int) -> int:
        seen = 0
        for value in values:
            seen += histogram[value]
            if rank < seen:
                return value
        return values[-1]

    low, high = at(below), at(above)
    return low + (high - low) * (position - below)
