"""Rounding shared by every figure Oversight shows (DESIGN.md §3).

Percentages are rounded half-up to one decimal and day averages half-up to whole
days; a zero (or missing) denominator gives ``None``, never an error or a 0.

Both are computed with :mod:`decimal` and ``ROUND_HALF_UP`` from the integer counts,
with enough digits that the quotient is exact well below the rounding place: a value
such as 6.25 % is always 6.3, never 6.2 through binary floating point or banker's
rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

_TENTH = Decimal("0.1")
_WHOLE = Decimal("1")


def _half_up(numerator: int, denominator: int, places: Decimal) -> Decimal:
    """``numerator / denominator`` rounded half-up (away from zero on a tie) to ``places``."""
    with localcontext() as context:
        # More digits than both operands have: the division is then exact or off by far less
        # than the distance from any value to the nearest tie, so a tie is never misjudged.
        context.prec = len(str(abs(numerator))) + len(str(abs(denominator))) + 10
        return (Decimal(numerator) / Decimal(denominator)).quantize(places, rounding=ROUND_HALF_UP)


def percentage(numerator: int | None, denominator: int | None) -> float | None:
    """100 × numerator / denominator, half-up to one decimal; ``None`` when the denominator is 0 or None.

    A ``None`` numerator counts as 0 (SQL's ``SUM`` over no rows).
    """
    if not denominator:
        return None
    return float(_half_up(100 * (numerator or 0), denominator, _TENTH))


def mean_days(total_days: int | None, count: int | None) -> int | None:
    """total_days / count, half-up to whole days; ``None`` when nothing was counted.

    A ``None`` total counts as 0 (SQL's ``SUM`` over no rows).
    """
    if not count:
        return None
    return int(_half_up(total_days or 0, count, _WHOLE))


@dataclass(frozen=True)
class Rate:
    """A percentage with the counts it is computed from, so a small denominator is never hidden.

    Shown as ``7.4% (12 of 162)`` (``–`` when the denominator is 0); :attr:`value` is the
    :func:`percentage`, which downloads keep as a number.
    """

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return percentage(self.numerator, self.denominator)

    def __str__(self) -> str:
        value = self.value
        if value is None:
            return "–"
        return f"{value:.1f}% ({self.numerator:,} of {self.denominator:,})"
