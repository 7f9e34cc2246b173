"""Benchmark figures published in the force's VAWG/CSE progress report to the Commissioner (2025-26 Q2).

Paragraph 4.2: live Sexual Risk Orders in the region and the Most Similar Group. Idempotent: re-running
updates the same rows. Registered with ``seed_demo``; runs after the commitments and audits seeds.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from oversight.seeding import register_seed

from .models import BenchmarkFigure, BenchmarkMeasure

LIVE_SROS = {
    "code": "live-sros",
    "name": "Live Sexual Risk Orders",
    "unit": "live orders",
    "comparison_group": "Regional forces and the Most Similar Group",
    "description": (
        "Sexual Risk Orders in force on the date of the comparison. Benchmarking in the force's progress "
        "report to the Commissioner found it is not an outlier in volume and is comparable within its "
        "Most Similar Group."
    ),
}
PERIOD = "2025-26-Q2"
SOURCE = "Force VAWG and CSE progress report to the Commissioner, paragraph 4.2"
# (force, live SROs, this force?) as published
FIGURES: tuple[tuple[str, int, bool], ...] = (
    ("West Midlands Police", 29, True),
    ("Greater Manchester Police", 23, False),
    ("Merseyside Police", 16, False),
    ("Thames Valley Police", 21, False),
    ("West Yorkshire Police", 13, False),
    ("West Mercia Police", 29, False),
    ("Warwickshire Police", 8, False),
    ("Staffordshire Police", 6, False),
)


@register_seed(order=40)
@transaction.atomic
def run(*, stdout: Any, users: dict[str, Any]) -> None:
    """Create (or refresh) the live-SRO benchmark and its eight published figures."""
    code = LIVE_SROS["code"]
    measure, _ = BenchmarkMeasure.objects.update_or_create(
        code=code, defaults={k: v for k, v in LIVE_SROS.items() if k != "code"}
    )
    for force, value, own in FIGURES:
        BenchmarkFigure.objects.update_or_create(
            measure=measure,
            period=PERIOD,
            force=force,
            defaults={"value": Decimal(value), "is_own_force": own, "source": SOURCE},
        )
    stdout.write(f"Benchmarks: {measure.name}, {len(FIGURES)} forces for {PERIOD}.\n")
