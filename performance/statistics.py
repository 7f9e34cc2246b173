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
from collections.abc import Sequence
from dataclasses import dataclass

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
