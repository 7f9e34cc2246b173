"""Demo data for the ``cases`` app, called by ``manage.py seed_demo``.

A few thousand synthetic investigations recorded from the start of financial year
2023/24 up to today (so the dashboards' default "this year to date" has data), spread
over strands, LPAs and teams, with outcomes whose rape positive-outcome rate is 6 % in
2024/25 and 11 % in 2025/26, as in the published figures, and stays at 11 % for the
year in progress. Running it again (any day) adds nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from oversight.seeding import register_seed

from . import synthetic
from .models import Investigation

DEMO_COUNT = 5_600  # about 1,500 a year
DEMO_SEED = 2526
RAPE_TARGETS = {2024: 0.06, 2025: 0.11, 2026: 0.11}
CHANGE_REASON = "Demo data"


def demo_cases() -> list[synthetic.SyntheticInvestigation]:
    """The demo investigations, calibrated; references look like the force's (``20/1xxxxx/YY``)."""
    today = timezone.localdate()
    cases = list(synthetic.generate(DEMO_COUNT, seed=DEMO_SEED, last_day=today, today=today))
    for number, case in enumerate(cases, start=1):
        case.crime_reference = f"20/{100000 + number:06d}/{case.recorded_date:%y}"
    synthetic.calibrate_rape_positive_rate(cases, targets=RAPE_TARGETS, seed=DEMO_SEED, today=today)
    return cases


@transaction.atomic
@register_seed(order=10)
def run(*, stdout: Any, users: dict[str, Any]) -> None:
    """Create this app's demo data (idempotent). ``users`` maps role → demo user."""
    # The dates run up to the day of the first seed; on a later day the same numbers would
    # get other dates, so an earlier seed (its first reference) means there is nothing to do.
    if Investigation.objects.filter(crime_reference__startswith="20/100001/").exists():
        stdout.write("  cases: demo investigations already there.")
        return
    cases = demo_cases()
    existing = set(
        Investigation.objects.filter(crime_reference__in=[c.crime_reference for c in cases]).values_list(
            "crime_reference", flat=True
        )
    )
    missing = [c for c in cases if c.crime_reference not in existing]
    if not missing:
        stdout.write(f"  cases: {len(cases)} demo investigations already there.")
        return
    result = synthetic.write(iter(missing), actor=users.get("case_editor"), history_reason=CHANGE_REASON)
    stdout.write(
        f"  cases: {result.investigations} demo investigations, {result.referrals} CPS referrals, "
        f"{result.orders} protective orders added."
    )
