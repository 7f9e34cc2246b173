"""Demo data for the ``cases`` app, called by ``manage.py seed_demo``.

A few thousand synthetic investigations recorded from the start of financial year
2023/24 up to today (so the dashboards' default "this year to date" has data), spread
over strands, LPAs and teams, calibrated so that the commitments' narratives and the
indicators the commitments seed sets agree with the register (positive outcome rate =
positive outcomes dated in the period / offences recorded in it, DESIGN.md §3):

- rape (every strand): 6 % in 2024/25, 11 % in 2025/26 and the year in progress, no quarter
  below 10 % from 2025/26 (commitment 38, "about 6 % rising to about 11 %");
- CSE, and group-based CSE within it: 7 % in 2023/24 and 2024/25 ("under 10 %"), 26 % from
  2025/26 with no quarter below 22 % (commitment 256, "22 %+ within 25/26");
- domestic abuse: 15 %, 16 %, then 18 % with no quarter below 15 % (commitment 38, "the force's
  highest levels of positive outcomes");
- stalking and harassment: 14 % a year, no quarter below 12 % (commitment 39);
- online child sexual abuse: 25 % a year, no quarter below 20 % (commitment 147);
- rape victim withdrawal (outcomes 14 and 16 / outcomes assigned, adult and other victims each): 80 %
  a quarter up to 2024/25 Q2, 75 % from Q3, adults never above (commitment 43's indicator, target 75 %).

Each slice is calibrated without moving one calibrated before it. Then the register v2 facts
(people, bail, CPS and court dates, lawful orders) are filled from the final outcomes
(:mod:`cases.synthetic_people`), from their own random stream: the calibrated outcomes stay as
they are. Running it again (any day) adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from oversight.periods import Period
from oversight.seeding import register_seed

from . import synthetic, synthetic_people
from .choices import OffenceGroup, Strand, VictimAgeGroup
from .models import ImportProfile, Investigation
from .profiles import SAMPLE_PROFILE, sample_profile_fields

DEMO_COUNT = 5_600  # about 1,500 a year
DEMO_SEED = 2526
CHANGE_REASON = "Demo data"
Target = synthetic.RateTarget
YEARS_FROM_2023 = (2023, 2024, 2025, 2026, 2027, 2028)
RAPE_TARGETS = {2024: Target(0.06), **{y: Target(0.11, 0.10) for y in YEARS_FROM_2023[2:]}}
CSE_TARGETS = {2023: Target(0.07), 2024: Target(0.07), **{y: Target(0.26, 0.22) for y in YEARS_FROM_2023[2:]}}
GROUP_CSE_TARGETS = {2023: Target(0.07), 2024: Target(0.07), **{y: Target(0.26) for y in YEARS_FROM_2023[2:]}}
DA_TARGETS = {2023: Target(0.15), 2024: Target(0.16), **{y: Target(0.18, 0.15) for y in YEARS_FROM_2023[2:]}}
STALKING_TARGETS = {y: Target(0.14, 0.12) for y in YEARS_FROM_2023}
ONLINE_CSA_TARGETS = {y: Target(0.25, 0.20) for y in YEARS_FROM_2023}
# Rape victim withdrawal (outcomes 14 and 16) as a share of outcomes assigned, at most, each quarter:
# about three quarters, as the force published for adult rape (74.9 % and 75.0 %, seed 004), a little
# higher before the second half of 2024/25 (the quarters commitment 43 was Amber; from then on Green,
# its indicator's target of 75 % met every quarter).
WITHDRAWAL_IMPROVES_FROM = date(2024, 10, 1)
RAPE_WITHDRAWAL_BEFORE, RAPE_WITHDRAWAL_AFTER = 0.8, 0.75


def _is_rape(case: synthetic.SyntheticInvestigation) -> bool:
    return case.offence_group == OffenceGroup.RAPE


def _is_group_cse(case: synthetic.SyntheticInvestigation) -> bool:
    return case.strand == Strand.CSE and "group_based" in case.flags


def calibrate(cases: list[synthetic.SyntheticInvestigation], *, today: date) -> None:
    """Calibrate the slices above, each leaving those before it as they are."""
    options: dict[str, Any] = {"seed": DEMO_SEED, "today": today}
    synthetic.calibrate_rape_positive_rate(cases, targets=dict(RAPE_TARGETS), **options)
    synthetic.calibrate_positive_rate(cases, member=_is_group_cse, fixed=_is_rape, targets=GROUP_CSE_TARGETS, **options)
    synthetic.calibrate_positive_rate(
        cases,
        member=lambda c: c.strand == Strand.CSE,
        fixed=lambda c: _is_rape(c) or _is_group_cse(c),
        targets=CSE_TARGETS,
        **options,
    )
    slices: list[tuple[Any, dict[int, synthetic.RateTarget]]] = [
        (lambda c: c.strand == Strand.DOMESTIC_ABUSE, DA_TARGETS),
        (lambda c: c.strand == Strand.STALKING_HARASSMENT, STALKING_TARGETS),
        (lambda c: c.offence_group == OffenceGroup.ONLINE_CSA, ONLINE_CSA_TARGETS),
    ]
    for member, targets in slices:
        # disjoint from rape and CSE: online CSA is a CSA-strand offence group, the others are strands
        synthetic.calibrate_positive_rate(cases, member=member, targets=targets, **options)
    # last: it changes only non-positive outcomes, so every positive rate above stays as it is. Adult
    # victims never above the quarter's share (commitment 43's indicator); the others to the nearest.
    for adult in (True, False):
        synthetic.calibrate_withdrawal_share(
            cases, member=_rape_victims(adult=adult), share=_rape_withdrawal_share, at_most=adult, seed=DEMO_SEED
        )


def _rape_victims(*, adult: bool) -> Callable[[synthetic.SyntheticInvestigation], bool]:
    return lambda c: _is_rape(c) and (c.victim_age_group == VictimAgeGroup.ADULT) == adult


def _rape_withdrawal_share(period: Period) -> float:
    return RAPE_WITHDRAWAL_BEFORE if period.start < WITHDRAWAL_IMPROVES_FROM else RAPE_WITHDRAWAL_AFTER


def demo_cases() -> list[synthetic.SyntheticInvestigation]:
    """The demo investigations, calibrated; references look like the force's (``20/1xxxxx/YY``)."""
    today = timezone.localdate()
    cases = list(synthetic.generate(DEMO_COUNT, seed=DEMO_SEED, last_day=today, today=today))
    for number, case in enumerate(cases, start=1):
        case.crime_reference = f"20/{100000 + number:06d}/{case.recorded_date:%y}"
    calibrate(cases, today=today)
    synthetic_people.fill(cases, seed=DEMO_SEED, today=today)  # after calibration: it reads the final outcomes
    return cases


@register_seed(order=11)
def seed_import_profile(*, stdout: Any, users: dict[str, Any]) -> None:
    """The demo import profile for the sample records-system export (created once, never overwritten)."""
    fields = sample_profile_fields()
    _profile, created = ImportProfile.objects.get_or_create(name=SAMPLE_PROFILE["name"], defaults=fields)
    if created:
        stdout.write(f"  cases: import profile {SAMPLE_PROFILE['name']} added.")


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
