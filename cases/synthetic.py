"""Synthetic, pseudonymous investigations for the demo seed and for benchmarks.

One generator (:func:`generate`) draws realistic-looking records: strands,
offence groups, LPAs and teams in plausible proportions, arrests with bail or
released-under-investigation, CPS referrals and decisions, Home Office outcomes
dated after the recorded date (never in the future), court results for charged
cases, victim-care facts, flags and some protective orders with breaches.

:func:`write` puts them in the database through :mod:`cases.bulk`, the writer the
CSV import uses too (``COPY`` on PostgreSQL, as for the 1,000,000-row benchmark;
``bulk_create`` elsewhere; keys allocated first so related rows are written in the
same pass), with creation history rows when asked (the demo seed) or none (the
benchmark generator).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from operator import attrgetter
from typing import Any

from django.db import transaction
from django.utils import timezone

from oversight.periods import Period, fy_start_year, quarter, quarter_of

from . import bulk, kpis, rollups
from .choices import BailStatus, CourtOutcome, CpsDecision, OffenceGroup, OrderType, Strand, VictimAgeGroup
from .models import (
    REGISTER_FIELDS,
    CpsReferral,
    Flag,
    Investigation,
    LocalPolicingArea,
    OrderBreach,
    ProtectiveOrder,
    Team,
    register_columns,
)
from .outcomes import CHARGED, POSITIVE, SUSPECT_NOT_IDENTIFIED, VICTIM_WITHDRAWAL

FIRST_DAY = date(2023, 4, 1)  # start of financial year 2023/24
LAST_RECORDED_DAY = date(2026, 3, 31)  # end of financial year 2025/26

# Domestic abuse is several times the volume of rape and serious sexual offences, as in a force's
# recorded crime (about 4 to 1 here; the demo keeps enough RASSO cases for its quarterly rates).
STRAND_WEIGHTS: dict[str, float] = {
    Strand.DOMESTIC_ABUSE: 52,
    Strand.RASSO: 12,
    Strand.STALKING_HARASSMENT: 12,
    Strand.CSA: 8,
    Strand.SEXUAL_HARASSMENT: 4,
    Strand.CSE: 4,
    Strand.HONOUR_BASED_ABUSE: 2,
    Strand.MODERN_SLAVERY: 2,
    Strand.SEX_WORK: 1,
    Strand.FORCED_MARRIAGE: 1,
    Strand.FGM: 1,
}

OFFENCES_BY_STRAND: dict[str, dict[str, float]] = {
    Strand.RASSO: {OffenceGroup.RAPE: 55, OffenceGroup.OTHER_SEXUAL: 45},
    Strand.DOMESTIC_ABUSE: {
        OffenceGroup.VIOLENCE: 60,
        OffenceGroup.COERCIVE_CONTROL: 22,
        OffenceGroup.HARASSMENT: 10,
        OffenceGroup.OTHER: 8,
    },
    Strand.STALKING_HARASSMENT: {OffenceGroup.STALKING: 50, OffenceGroup.HARASSMENT: 50},
    Strand.CSA: {OffenceGroup.ONLINE_CSA: 40, OffenceGroup.OTHER_SEXUAL: 40, OffenceGroup.RAPE: 20},
    Strand.SEXUAL_HARASSMENT: {OffenceGroup.HARASSMENT: 60, OffenceGroup.OTHER_SEXUAL: 40},
    Strand.CSE: {OffenceGroup.EXPLOITATION: 60, OffenceGroup.OTHER_SEXUAL: 25, OffenceGroup.RAPE: 15},
    Strand.HONOUR_BASED_ABUSE: {OffenceGroup.VIOLENCE: 50, OffenceGroup.COERCIVE_CONTROL: 30, OffenceGroup.OTHER: 20},
    Strand.MODERN_SLAVERY: {OffenceGroup.EXPLOITATION: 100},
    Strand.SEX_WORK: {OffenceGroup.EXPLOITATION: 70, OffenceGroup.OTHER: 30},
    Strand.FORCED_MARRIAGE: {OffenceGroup.COERCIVE_CONTROL: 60, OffenceGroup.OTHER: 40},
    Strand.FGM: {OffenceGroup.VIOLENCE: 70, OffenceGroup.OTHER: 30},
}

LPA_WEIGHTS: dict[str, float] = {
    "birmingham": 38,
    "coventry": 12,
    "dudley": 9,
    "sandwell": 11,
    "solihull": 7,
    "walsall": 10,
    "wolverhampton": 13,
}

TEAMS_BY_STRAND: dict[str, dict[str, float]] = {
    Strand.RASSO: {"rasso": 80, "lpa_investigations": 15, "som": 5},
    Strand.DOMESTIC_ABUSE: {"domestic_abuse": 55, "lpa_investigations": 45},
    Strand.STALKING_HARASSMENT: {"lpa_investigations": 70, "domestic_abuse": 30},
    Strand.CSA: {"child_abuse": 60, "ocset": 40},
    Strand.CSE: {"child_abuse": 70, "ocset": 30},
    Strand.SEXUAL_HARASSMENT: {"lpa_investigations": 85, "rasso": 15},
    Strand.HONOUR_BASED_ABUSE: {"domestic_abuse": 70, "lpa_investigations": 30},
    Strand.MODERN_SLAVERY: {"lpa_investigations": 100},
    Strand.SEX_WORK: {"lpa_investigations": 100},
    Strand.FORCED_MARRIAGE: {"domestic_abuse": 70, "lpa_investigations": 30},
    Strand.FGM: {"child_abuse": 60, "domestic_abuse": 40},
}

# Mean days from recording to an outcome, by offence group.
OUTCOME_MEAN_DAYS: dict[str, float] = {
    OffenceGroup.RAPE: 330,
    OffenceGroup.OTHER_SEXUAL: 240,
    OffenceGroup.VIOLENCE: 75,
    OffenceGroup.STALKING: 110,
    OffenceGroup.HARASSMENT: 90,
    OffenceGroup.COERCIVE_CONTROL: 160,
    OffenceGroup.ONLINE_CSA: 300,
    OffenceGroup.EXPLOITATION: 380,
    OffenceGroup.OTHER: 120,
}

# Share of outcomes that are positive, by offence group (rape: by financial year of the outcome).
POSITIVE_SHARE: dict[str, float] = {
    OffenceGroup.OTHER_SEXUAL: 0.12,
    OffenceGroup.VIOLENCE: 0.20,
    OffenceGroup.STALKING: 0.12,
    OffenceGroup.HARASSMENT: 0.14,
    OffenceGroup.COERCIVE_CONTROL: 0.10,
    OffenceGroup.ONLINE_CSA: 0.28,
    OffenceGroup.EXPLOITATION: 0.09,
    OffenceGroup.OTHER: 0.14,
}
# Positive outcomes per rape recorded, by the financial year (start year) of the outcome date.
# Aimed so the published trend shows: about 6 % in 2024/25, about 11 % in 2025/26 (outcomes
# dated in a year also come from earlier years, hence 2025 below its published rate).
RAPE_POSITIVE_RATE_TARGETS: dict[int, float] = {2023: 0.05, 2024: 0.06, 2025: 0.1, 2026: 0.11}
# Roughly what fraction of a year's rape recordings is matched by outcomes dated in a year
# (steady state): turns the rate target into a share of outcomes.
RAPE_OUTCOMES_PER_RECORDED = 0.75

POSITIVE_TYPES: dict[str, float] = {"1": 72, "1A": 5, "3": 7, "2": 3, "8": 10, "4": 1, "6": 1.5, "7": 0.5}
RAPE_POSITIVE_TYPES: dict[str, float] = {"1": 90, "1A": 5, "3": 3, "2": 2}
NON_POSITIVE_TYPES: dict[str, float] = {
    "16": 30,
    "14": 8,
    "15": 20,
    "18": 11,
    "21": 7,
    "10": 4,
    "20": 5,
    "9": 3,
    "13": 2,
    "17": 1,
    "5": 0.5,
    "11": 1,
    "12": 0.5,
    "22": 3,
}

FLAGS_BY_OFFENCE: dict[str, tuple[tuple[str, float], ...]] = {
    OffenceGroup.RAPE: (("spiking", 0.04), ("night_time_economy", 0.10), ("online", 0.05)),
    OffenceGroup.OTHER_SEXUAL: (("night_time_economy", 0.08), ("online", 0.12), ("spiking", 0.02)),
    OffenceGroup.COERCIVE_CONTROL: (("coercive_control", 0.95),),
    OffenceGroup.STALKING: (("stalking", 0.95), ("online", 0.30)),
    OffenceGroup.HARASSMENT: (("online", 0.25),),
    OffenceGroup.ONLINE_CSA: (("online", 0.95), ("ai_generated", 0.06)),
    OffenceGroup.EXPLOITATION: (("group_based", 0.20), ("online", 0.15)),
}
FLAGS_BY_STRAND: dict[str, tuple[tuple[str, float], ...]] = {
    Strand.HONOUR_BASED_ABUSE: (("hba", 1.0),),
    Strand.FORCED_MARRIAGE: (("forced_marriage", 1.0), ("hba", 0.4)),
    Strand.FGM: (("fgm", 1.0), ("hba", 0.2)),
    Strand.CSE: (("group_based", 0.25),),
}
ORDERS_BY_STRAND: dict[str, tuple[str, ...]] = {
    Strand.DOMESTIC_ABUSE: (OrderType.DVPN, OrderType.DVPO, OrderType.NON_MOLESTATION),
    Strand.STALKING_HARASSMENT: (OrderType.SPO,),
    Strand.RASSO: (OrderType.SHPO, OrderType.SRO),
    Strand.CSA: (OrderType.SHPO, OrderType.SRO),
    Strand.CSE: (OrderType.SRO,),
    Strand.FORCED_MARRIAGE: (OrderType.FMPO,),
    Strand.FGM: (OrderType.FGMPO,),
}


@dataclass(slots=True)
class SyntheticReferral:
    referral_date: date
    decision: str = ""
    decision_date: date | None = None


@dataclass(slots=True)
class SyntheticOrder:
    order_type: str
    applied_date: date
    granted_date: date | None = None
    expiry_date: date | None = None
    breaches: list[tuple[date, bool | None]] = field(default_factory=list)


@dataclass(slots=True)
class SyntheticInvestigation:
    """One generated investigation with its related rows (codes, not objects)."""

    crime_reference: str
    strand: str
    offence_group: str
    victim_age_group: str
    lpa: str
    team: str
    recorded_date: date
    offence_date: date | None
    arrest_date: date | None
    bail_status: str
    outcome_type: str
    outcome_date: date | None
    court_outcome: str
    court_outcome_date: date | None
    vcop_compliant: str
    vps_offered: str
    advocate_referral: str
    # register v2
    reported_date: date | None = None
    ho_offence: str | None = None  # the Home Office code (the foreign key's value)
    da_flag: str = ""
    victim_id: str = ""
    suspect_id: str = ""
    victim_sex: str = ""
    suspect_sex: str = ""
    victim_age: int | None = None
    suspect_age: int | None = None
    victim_ethnicity: str = ""
    suspect_ethnicity: str = ""
    relationship: str = ""
    suspect_status: str = ""
    bail_start_date: date | None = None
    bail_expiry_date: date | None = None
    rui_start_date: date | None = None
    withdrawal_reason: str = ""
    evidence_led_considered: str = ""
    cps_file_submitted_date: date | None = None
    cps_action_plans: int | None = None
    first_hearing_date: date | None = None
    trial_date: date | None = None
    sentence_date: date | None = None
    flags: list[str] = field(default_factory=list)
    referrals: list[SyntheticReferral] = field(default_factory=list)
    orders: list[SyntheticOrder] = field(default_factory=list)


class _Picker:
    """Fast weighted choice from a fixed table (cumulative weights + bisect)."""

    def __init__(self, weights: dict[str, float]) -> None:
        from itertools import accumulate

        self.keys = [str(k) for k in weights]
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> str:
        from bisect import bisect_right

        return self.keys[bisect_right(self.cum, rng.random() * self.total)]


_STRANDS = _Picker(STRAND_WEIGHTS)
_OFFENCES = {k: _Picker(v) for k, v in OFFENCES_BY_STRAND.items()}
_LPAS = _Picker(LPA_WEIGHTS)
_TEAMS = {k: _Picker(v) for k, v in TEAMS_BY_STRAND.items()}
_POSITIVE = _Picker(POSITIVE_TYPES)
_RAPE_POSITIVE = _Picker(RAPE_POSITIVE_TYPES)
_NON_POSITIVE = _Picker(NON_POSITIVE_TYPES)
_NOT_WITHDRAWN = _Picker({code: w for code, w in NON_POSITIVE_TYPES.items() if code not in VICTIM_WITHDRAWAL})
# the same for a case whose suspect is known (arrested or sent to the CPS): never "suspect not identified"
_NON_POSITIVE_KNOWN = _Picker({c: w for c, w in NON_POSITIVE_TYPES.items() if c not in SUSPECT_NOT_IDENTIFIED})
_NOT_WITHDRAWN_KNOWN = _Picker(
    {c: w for c, w in NON_POSITIVE_TYPES.items() if c not in VICTIM_WITHDRAWAL | SUSPECT_NOT_IDENTIFIED}
)
# a victim who withdraws support: mostly with the suspect identified (16), now and then not (14)
_WITHDRAWN = _Picker({"16": 90, "14": 10})
_COURT = _Picker({CourtOutcome.CONVICTED: 64, CourtOutcome.ACQUITTED: 26, CourtOutcome.DISCONTINUED: 10})


def _yes_no(rng: random.Random, yes: float, no: float) -> str:
    draw = rng.random()
    return "yes" if draw < yes else "no" if draw < yes + no else ""


def _days(rng: random.Random, mean: float) -> int:
    return int(rng.expovariate(1 / mean)) if mean > 0 else 0


def positive_share(offence_group: str, outcome_date: date) -> float:
    """Probability that an outcome of ``offence_group`` dated ``outcome_date`` is positive."""
    if offence_group == OffenceGroup.RAPE:
        target = RAPE_POSITIVE_RATE_TARGETS.get(fy_start_year(outcome_date), 0.08)
        return min(target / RAPE_OUTCOMES_PER_RECORDED, 0.9)
    return POSITIVE_SHARE.get(offence_group, 0.12)


def suspect_known(case: SyntheticInvestigation) -> bool:
    """Whether ``case``'s suspect is known to the investigation: arrested or sent to the CPS."""
    return case.arrest_date is not None or bool(case.referrals)


def set_outcome(rng: random.Random, case: SyntheticInvestigation, *, positive: bool, today: date) -> None:
    """Give ``case`` a positive or non-positive outcome (its outcome date is already set).

    Keeps every related fact consistent: a charge has a CPS charge decision on or
    before the outcome date and maybe a court result; anything else has no court result.
    """
    assert case.outcome_date is not None
    case.referrals = [r for r in case.referrals if r.referral_date > case.outcome_date or r.decision != "charge"]
    if positive:
        picker = _RAPE_POSITIVE if case.offence_group == OffenceGroup.RAPE else _POSITIVE
        case.outcome_type = picker(rng)
    else:
        case.outcome_type = (_NON_POSITIVE_KNOWN if suspect_known(case) else _NON_POSITIVE)(rng)
    case.court_outcome, case.court_outcome_date = "", None
    if case.outcome_type in CHARGED:
        span = (case.outcome_date - case.recorded_date).days
        referral_date = case.recorded_date + timedelta(days=int(span * rng.uniform(0.5, 1.0)))
        decision_date = min(referral_date + timedelta(days=rng.randint(0, 28)), case.outcome_date)
        case.referrals = [r for r in case.referrals if r.referral_date < referral_date]
        case.referrals.append(SyntheticReferral(referral_date, CpsDecision.CHARGE, decision_date))
        court_date = case.outcome_date + timedelta(days=60 + _days(rng, 260))
        if court_date <= today:
            case.court_outcome, case.court_outcome_date = _COURT(rng), court_date
    elif case.outcome_type in ("9", "15", "16") and not case.referrals and rng.random() < 0.3:
        span = (case.outcome_date - case.recorded_date).days
        referral_date = case.recorded_date + timedelta(days=int(span * rng.uniform(0.3, 0.9)))
        decision_date = min(referral_date + timedelta(days=rng.randint(3, 40)), case.outcome_date)
        case.referrals.append(SyntheticReferral(referral_date, CpsDecision.NFA, decision_date))


def generate(
    count: int,
    *,
    seed: int = 1,
    reference: Callable[[int], str] = lambda n: f"SYN/{n:07d}",
    first_day: date = FIRST_DAY,
    last_day: date = LAST_RECORDED_DAY,
    today: date | None = None,
) -> Iterator[SyntheticInvestigation]:
    """Yield ``count`` synthetic investigations recorded between ``first_day`` and ``last_day``.

    Deterministic for a given ``seed``. ``reference(n)`` names the n-th record (from 1).
    No date is after ``today`` (default: the local date).
    """
    rng = random.Random(seed)
    today = today or timezone.localdate()
    last_day = min(last_day, today)
    span = (last_day - first_day).days
    for n in range(1, count + 1):
        # Recording grows a little over time: a share of dates is drawn towards later days.
        fraction = math.sqrt(rng.random()) if rng.random() < 0.2 else rng.random()
        recorded = first_day + timedelta(days=int(span * fraction))
        strand = _STRANDS(rng)
        offence = _OFFENCES[strand](rng)
        if strand in (Strand.CSA, Strand.CSE) or offence == OffenceGroup.ONLINE_CSA:
            age = VictimAgeGroup.CHILD
        else:
            draw = rng.random()
            age = (
                VictimAgeGroup.ADULT if draw < 0.86 else VictimAgeGroup.CHILD if draw < 0.95 else VictimAgeGroup.UNKNOWN
            )
        historic = offence in (OffenceGroup.RAPE, OffenceGroup.OTHER_SEXUAL) and rng.random() < 0.2
        offence_date: date | None = recorded - timedelta(days=_days(rng, 900 if historic else 6))
        if rng.random() < 0.03:
            offence_date = None
        case = SyntheticInvestigation(
            crime_reference=reference(n),
            strand=strand,
            offence_group=offence,
            victim_age_group=age,
            lpa=_LPAS(rng),
            team=_TEAMS[strand](rng),
            recorded_date=recorded,
            offence_date=offence_date,
            arrest_date=None,
            bail_status="",
            outcome_type="",
            outcome_date=None,
            court_outcome="",
            court_outcome_date=None,
            vcop_compliant=_yes_no(rng, 0.8, 0.12),
            vps_offered=_yes_no(rng, 0.65, 0.2),
            advocate_referral=(
                _yes_no(rng, 0.6, 0.25) if strand in (Strand.RASSO, Strand.DOMESTIC_ABUSE) else _yes_no(rng, 0.3, 0.3)
            ),
        )
        outcome_day = recorded + timedelta(days=1 + _days(rng, OUTCOME_MEAN_DAYS[offence]))
        arrest_chance = 0.7 if offence == OffenceGroup.VIOLENCE else 0.55 if offence == OffenceGroup.RAPE else 0.4
        if rng.random() < arrest_chance:
            arrest = recorded + timedelta(days=_days(rng, 18))
            if arrest <= min(today, outcome_day):
                case.arrest_date = arrest
                # Released under investigation falls over time in favour of bail with conditions.
                rui_share = 0.55 - 0.08 * (fy_start_year(arrest) - 2023)
                draw = rng.random()
                case.bail_status = (
                    BailStatus.RUI if draw < rui_share else BailStatus.BAIL if draw < 0.8 else BailStatus.NONE
                )
        if outcome_day <= today:
            case.outcome_date = outcome_day
            set_outcome(rng, case, positive=rng.random() < positive_share(offence, outcome_day), today=today)
        elif (today - recorded).days > 60 and rng.random() < 0.12:
            referral_date = recorded + timedelta(days=rng.randint(20, (today - recorded).days))
            pending = rng.random()
            if pending < 0.5 or referral_date >= today:
                case.referrals.append(SyntheticReferral(referral_date))
            else:
                decision = CpsDecision.FURTHER_EVIDENCE if pending < 0.85 else CpsDecision.ADVICE
                decision_date = min(referral_date + timedelta(days=rng.randint(1, 30)), today)
                case.referrals.append(SyntheticReferral(referral_date, decision, decision_date))
        flags = [code for code, p in FLAGS_BY_OFFENCE.get(offence, ()) if rng.random() < p]
        flags += [code for code, p in FLAGS_BY_STRAND.get(strand, ()) if rng.random() < p and code not in flags]
        case.flags = flags
        order_types = ORDERS_BY_STRAND.get(strand)
        if order_types and rng.random() < 0.04:
            applied = recorded + timedelta(days=rng.randint(0, 60))
            if applied <= today:
                order = SyntheticOrder(order_type=rng.choice(order_types), applied_date=applied)
                if rng.random() < 0.8:
                    order.granted_date = min(applied + timedelta(days=rng.randint(0, 21)), today)
                    order.expiry_date = order.granted_date + timedelta(days=rng.choice((28, 365, 730, 1825)))
                    for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
                        breach = order.granted_date + timedelta(days=rng.randint(1, 200))
                        if breach <= today:
                            order.breaches.append((breach, rng.random() < 0.7 if rng.random() < 0.9 else None))
                case.orders.append(order)
        yield case


def is_positive(outcome_type: str) -> bool:
    return outcome_type in POSITIVE


# --- writer ------------------------------------------------------------------------------------

_INVESTIGATION_COLUMNS = (*register_columns(), "created_at", "updated_at")
# A generated case's values in the order of REGISTER_FIELDS (LPA and team as codes, replaced by keys).
_register_values = attrgetter(*REGISTER_FIELDS)
_LPA, _TEAM = REGISTER_FIELDS.index("lpa"), REGISTER_FIELDS.index("team")
_REFERRAL_COLUMNS = ("investigation_id", "referral_date", "decision", "decision_date")
_ORDER_COLUMNS = ("investigation_id", "order_type", "applied_date", "granted_date", "expiry_date")
_BREACH_COLUMNS = ("order_id", "breach_date", "arrest_made")


@dataclass
class WriteResult:
    investigations: int = 0
    referrals: int = 0
    flags: int = 0
    orders: int = 0
    breaches: int = 0


def _chunks(cases: Iterator[SyntheticInvestigation], size: int) -> Iterator[list[SyntheticInvestigation]]:
    while chunk := list(islice(cases, size)):
        yield chunk


def write(
    cases: Iterator[SyntheticInvestigation],
    *,
    chunk_size: int = 50_000,
    progress: Callable[[int], None] | None = None,
    name_by_id: Callable[[int], str] | None = None,
    actor: Any = None,
    history_reason: str | None = None,
) -> WriteResult:
    """Insert ``cases`` with their related rows through :mod:`cases.bulk`, in one transaction.

    ``name_by_id(id)``, when given, replaces each generated reference (unique by construction).
    With ``history_reason`` every row gets a creation history row by ``actor``, as an import
    leaves (the demo seed); without it, none (the benchmark generator).
    """
    result = WriteResult()
    now = timezone.now()
    references = (
        dict(LocalPolicingArea.objects.values_list("code", "id")),
        dict(Team.objects.values_list("code", "id")),
        dict(Flag.objects.values_list("code", "id")),
    )
    with transaction.atomic():
        transaction.on_commit(kpis.data_changed)  # bulk writes send no model signals
        for chunk in _chunks(cases, chunk_size):
            keys = _write_chunk(chunk, references=references, now=now, name_by_id=name_by_id, result=result)
            if history_reason is not None:
                _write_history(keys, actor=actor, reason=history_reason, now=now)
            if progress:
                progress(result.investigations)
    return result


def _write_chunk(
    chunk: list[SyntheticInvestigation],
    *,
    references: tuple[dict[str, int], dict[str, int], dict[str, int]],
    now: datetime,
    name_by_id: Callable[[int], str] | None,
    result: WriteResult,
) -> list[int]:
    """Write one chunk; return the new investigations' ids."""
    lpas, teams, flags = references
    investigation_ids = bulk.allocate_keys(Investigation, len(chunk))
    order_ids = bulk.allocate_keys(ProtectiveOrder, sum(len(case.orders) for case in chunk))
    next_order_id = iter(order_ids).__next__
    inv_rows, ref_rows, flag_rows, order_rows, breach_rows = [], [], [], [], []
    for inv_id, case in zip(investigation_ids, chunk, strict=True):
        row = list(_register_values(case))
        row[0] = name_by_id(inv_id) if name_by_id else case.crime_reference
        row[_LPA], row[_TEAM] = lpas.get(case.lpa), teams.get(case.team)
        inv_rows.append((*row, now, now))
        ref_rows += [(inv_id, r.referral_date, r.decision, r.decision_date) for r in case.referrals]
        flag_rows += [(inv_id, flags[code]) for code in case.flags]
        for order in case.orders:
            order_id = next_order_id()
            order_rows.append((inv_id, order.order_type, order.applied_date, order.granted_date, order.expiry_date))
            breach_rows += [(order_id, breach_date, arrest_made) for breach_date, arrest_made in order.breaches]
    bulk.insert_rows(Investigation, _INVESTIGATION_COLUMNS, inv_rows, keys=investigation_ids)
    bulk.insert_rows(CpsReferral, _REFERRAL_COLUMNS, ref_rows)
    bulk.insert_rows(Investigation.flags.through, ("investigation_id", "flag_id"), flag_rows)
    bulk.insert_rows(ProtectiveOrder, _ORDER_COLUMNS, order_rows, keys=order_ids)
    bulk.insert_rows(OrderBreach, _BREACH_COLUMNS, breach_rows)
    rollups.add_investigations(investigation_ids)  # the KPI rollup: one grouped statement per chunk
    result.investigations += len(inv_rows)
    result.referrals += len(ref_rows)
    result.flags += len(flag_rows)
    result.orders += len(order_rows)
    result.breaches += len(breach_rows)
    return investigation_ids


def _write_history(investigation_ids: list[int], *, actor: Any, reason: str, now: datetime) -> None:
    """A creation history row for every record just written, flags included."""
    options = {"history_type": bulk.CREATED, "actor": actor, "reason": reason, "now": now}
    investigations = list(Investigation.objects.filter(id__in=investigation_ids))
    history_ids = bulk.insert_history(Investigation, investigations, **options)
    bulk.insert_flag_history({inv.pk: history_id for inv, history_id in zip(investigations, history_ids, strict=True)})
    orders = list(ProtectiveOrder.objects.filter(investigation_id__in=investigation_ids))
    bulk.insert_history(
        CpsReferral, list(CpsReferral.objects.filter(investigation_id__in=investigation_ids)), **options
    )
    bulk.insert_history(ProtectiveOrder, orders, **options)
    bulk.insert_history(OrderBreach, list(OrderBreach.objects.filter(order__in=orders)), **options)


@dataclass(frozen=True)
class RateTarget:
    """A financial year's positive-outcome rate for a slice, and optionally a floor for each quarter.

    ``rate`` is hit for the year as a whole (rounded to whole outcomes); ``quarterly_floor``, when
    given, keeps every quarter of the year at or above it (as far as the outcomes dated in the
    quarter allow).
    """

    rate: float
    quarterly_floor: float | None = None


def _quarter_wanted(
    recorded: dict[str, int], target: RateTarget, low: dict[str, int], high: dict[str, int]
) -> dict[str, int]:
    """Positive outcomes wanted per quarter: the year's total exactly (largest remainders), each
    quarter at least its floor, and within what its outcomes allow (``low``..``high``)."""
    keys = sorted(recorded)
    total = round(target.rate * sum(recorded.values()))
    wanted = {k: math.floor(target.rate * recorded[k]) for k in keys}
    if target.quarterly_floor is not None:
        wanted = {k: max(wanted[k], math.ceil(target.quarterly_floor * recorded[k] - 1e-9)) for k in keys}
    wanted = {k: min(max(wanted[k], low[k]), high[k]) for k in keys}
    by_remainder = sorted(keys, key=lambda k: math.floor(target.rate * recorded[k]) - target.rate * recorded[k])
    turn = 0
    while sum(wanted.values()) < total and any(wanted[k] < high[k] for k in keys):
        key = by_remainder[turn % len(keys)]
        turn += 1
        if wanted[key] < high[key]:
            wanted[key] += 1
    return wanted


def calibrate_positive_rate(
    cases: list[SyntheticInvestigation],
    *,
    member: Callable[[SyntheticInvestigation], bool],
    targets: dict[int, RateTarget],
    fixed: Callable[[SyntheticInvestigation], bool] = lambda case: False,
    seed: int = 1,
    today: date | None = None,
) -> dict[str, tuple[int, int]]:
    """Make the positive outcome rate of a slice (``member``) hit its target, quarter by quarter.

    Rate = positive outcomes dated in the period / offences recorded in it (DESIGN.md §3), the
    KPI engine's ``positive_outcome_rate``. For each financial year (start year → target) the
    year's rate is the target (to the nearest outcome) and, with a floor, no quarter falls below
    it. Flips outcomes dated in the quarter between positive and not, keeping every related fact
    consistent; outcomes of ``fixed`` cases (calibrated already for another slice) are left alone.
    Returns quarter key → (positive outcomes, offences recorded).
    """
    rng = random.Random(seed)
    today = today or timezone.localdate()
    chosen = [c for c in cases if member(c)]
    achieved: dict[str, tuple[int, int]] = {}
    for year, target in sorted(targets.items()):
        quarters = [quarter(year, number).key for number in (1, 2, 3, 4)]
        recorded = dict.fromkeys(quarters, 0)
        dated: dict[str, list[SyntheticInvestigation]] = {key: [] for key in quarters}
        for case in chosen:
            if fy_start_year(case.recorded_date) == year:
                recorded[quarter_of(case.recorded_date).key] += 1
            if case.outcome_date and fy_start_year(case.outcome_date) == year:
                dated[quarter_of(case.outcome_date).key].append(case)
        low = {k: sum(1 for c in dated[k] if fixed(c) and is_positive(c.outcome_type)) for k in quarters}
        high = {k: low[k] + sum(1 for c in dated[k] if not fixed(c)) for k in quarters}
        wanted = _quarter_wanted(recorded, target, low, high)
        for key in quarters:
            free = [c for c in dated[key] if not fixed(c)]
            positive = [c for c in free if is_positive(c.outcome_type)]
            others = [c for c in free if not is_positive(c.outcome_type)]
            free_wanted = wanted[key] - low[key]
            if len(positive) > free_wanted:
                for case in rng.sample(positive, len(positive) - free_wanted):
                    set_outcome(rng, case, positive=False, today=today)
            elif len(positive) < free_wanted:
                for case in rng.sample(others, free_wanted - len(positive)):
                    set_outcome(rng, case, positive=True, today=today)
            achieved[key] = (wanted[key], recorded[key])
    return achieved


def calibrate_rape_positive_rate(
    cases: list[SyntheticInvestigation],
    *,
    targets: dict[int, float | RateTarget],
    seed: int = 1,
    today: date | None = None,
) -> dict[str, tuple[int, int]]:
    """The rape positive-outcome rate (offence group ``rape``, every strand) by financial year."""
    return calibrate_positive_rate(
        cases,
        member=lambda case: case.offence_group == OffenceGroup.RAPE,
        targets={year: t if isinstance(t, RateTarget) else RateTarget(t) for year, t in targets.items()},
        seed=seed,
        today=today,
    )


def calibrate_withdrawal_share(
    cases: list[SyntheticInvestigation],
    *,
    member: Callable[[SyntheticInvestigation], bool],
    share: Callable[[Period], float],
    at_most: bool = True,
    seed: int = 1,
) -> dict[str, tuple[int, int]]:
    """Make victim withdrawal (outcomes 14 and 16) ``share(quarter)`` of a slice's outcomes, quarter by quarter.

    The KPI engine's ``victim_withdrawal_pct``: withdrawal outcomes dated in the period / outcomes dated
    in it (DESIGN.md §3). Each quarter gets ``share`` of its outcomes, rounded down to whole outcomes
    (``at_most``: never above it) or to the nearest, as near as its non-positive outcomes allow. Only
    non-positive outcomes change (one non-positive type for another, no court or charge facts involved),
    so every positive-outcome calibration stays as it was.
    Returns quarter key → (withdrawal outcomes, outcomes assigned).
    """
    rng = random.Random(seed)
    dated: dict[Period, list[SyntheticInvestigation]] = {}
    for case in cases:
        if case.outcome_date and member(case):
            dated.setdefault(quarter_of(case.outcome_date), []).append(case)
    achieved: dict[str, tuple[int, int]] = {}
    for period, outcomes in sorted(dated.items(), key=lambda item: item[0].start):
        withdrawn = [c for c in outcomes if c.outcome_type in VICTIM_WITHDRAWAL]
        others = [c for c in outcomes if c.outcome_type not in VICTIM_WITHDRAWAL and not is_positive(c.outcome_type)]
        exact = share(period) * len(outcomes)
        wanted = min(math.floor(exact + 1e-9) if at_most else math.floor(exact + 0.5), len(withdrawn) + len(others))
        if len(withdrawn) > wanted:
            for case in rng.sample(withdrawn, len(withdrawn) - wanted):
                # a case the CPS saw ends on evidential difficulties with the victim's support
                case.outcome_type = (
                    "15" if case.referrals else (_NOT_WITHDRAWN_KNOWN if case.arrest_date else _NOT_WITHDRAWN)(rng)
                )
        elif len(withdrawn) < wanted:
            for case in rng.sample(others, wanted - len(withdrawn)):
                # 14 (suspect not identified) only where nobody was arrested or referred
                case.outcome_type = "16" if suspect_known(case) else _WITHDRAWN(rng)
        achieved[period.key] = (wanted, len(outcomes))
    return achieved
