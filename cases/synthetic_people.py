"""Register v2 facts for synthetic investigations (:mod:`cases.synthetic`): people, bail and RUI, CPS and
court dates, and protective orders of lawful length.

Run after the generator and after any calibration of outcomes (:func:`fill` for a list, a
:class:`PeopleFiller` for a stream), from its own random stream, so the calibrated outcomes and the
generator's draws stay exactly as they were; it only reads the outcome each case ended with:

- demographics plausible for the West Midlands (2021 census shares; victims of sexual offences
  mostly female, suspects mostly male), ages consistent with the victim's age group (adult is 16
  or over), a Home Office classification consistent with the offence, age and sex;
- repeat victims and suspects: a share of domestic abuse and stalking cases reuse an earlier
  victim–suspect pair (same people, same relationship, older by the time between);
- bail for three months from arrest (extended, or left to lapse now and then), RUI from arrest;
- CPS file submitted with the first referral; a first hearing within four weeks of charge; Crown
  Court trials (sexual and exploitation offences) about 15 to 20 months after charge, magistrates'
  courts sooner; rape convictions 79.5 % of court outcomes (seed 001), whatever the day;
- orders: an SHPO on most convictions for a sexual offence and only on a conviction, SROs at least
  2 years, DVPN 48 hours followed by a DVPO of 14 to 28 days, breaches inside each order's life;
- a small share of records left with the gaps a real register has (no Home Office code,
  ethnicity not stated, a withdrawal reason missing, recording more than a day after the report)
  so the data-quality report has something to find.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from . import rules
from .choices import BailStatus, CourtOutcome, CpsDecision, OffenceGroup, OrderType, Strand, VictimAgeGroup
from .outcomes import CHARGED, SUSPECT_NOT_IDENTIFIED, VICTIM_WITHDRAWAL
from .synthetic import SyntheticInvestigation, SyntheticOrder

# 2021 census, West Midlands metropolitan county (rounded shares, per cent)
ETHNICITY_WEIGHTS: dict[str, float] = {
    "white_british": 60.0,
    "white_irish": 1.0,
    "white_gypsy_traveller": 0.2,
    "white_roma": 0.3,
    "white_other": 4.0,
    "asian_indian": 6.0,
    "asian_pakistani": 9.0,
    "asian_bangladeshi": 2.0,
    "asian_chinese": 0.6,
    "asian_other": 2.0,
    "black_african": 3.5,
    "black_caribbean": 2.5,
    "black_other": 1.0,
    "mixed_white_black_caribbean": 2.5,
    "mixed_white_black_african": 0.5,
    "mixed_white_asian": 1.0,
    "mixed_other": 1.0,
    "other_arab": 0.8,
    "other_any": 1.5,
}
VICTIM_NOT_STATED, SUSPECT_NOT_STATED = 0.06, 0.10
FEMALE_VICTIM: dict[str, float] = {
    Strand.RASSO: 0.9,
    Strand.DOMESTIC_ABUSE: 0.76,
    Strand.STALKING_HARASSMENT: 0.8,
    Strand.CSA: 0.8,
    Strand.CSE: 0.85,
}
MALE_SUSPECT: dict[str, float] = {Strand.DOMESTIC_ABUSE: 0.8, Strand.STALKING_HARASSMENT: 0.85}
RELATIONSHIPS: dict[str, dict[str, float]] = {
    Strand.DOMESTIC_ABUSE: {"partner": 50, "ex_partner": 38, "family": 12},
    Strand.RASSO: {
        "partner": 18,
        "ex_partner": 12,
        "acquaintance": 38,
        "stranger": 14,
        "family": 6,
        "other": 6,
        "unknown": 6,
    },
    Strand.STALKING_HARASSMENT: {"ex_partner": 45, "acquaintance": 30, "stranger": 14, "partner": 5, "unknown": 6},
    Strand.CSA: {"family": 45, "acquaintance": 30, "stranger": 12, "other": 8, "unknown": 5},
    Strand.CSE: {"acquaintance": 45, "stranger": 35, "other": 15, "unknown": 5},
    Strand.HONOUR_BASED_ABUSE: {"family": 85, "partner": 15},
    Strand.FORCED_MARRIAGE: {"family": 100},
    Strand.FGM: {"family": 100},
}
OTHER_RELATIONSHIPS = {"acquaintance": 40, "stranger": 30, "other": 15, "unknown": 15}
REPEAT_SHARE: dict[str, float] = {Strand.DOMESTIC_ABUSE: 0.28, Strand.STALKING_HARASSMENT: 0.2, Strand.RASSO: 0.05}
WITHDRAWAL_REASONS = {
    "fear_of_reprisal": 24,
    "relationship_resumed": 20,
    "investigation_length": 24,
    "intrusive_process": 10,
    "safeguarding_only": 17,
    "other": 5,
}
CROWN_COURT = frozenset({OffenceGroup.RAPE, OffenceGroup.OTHER_SEXUAL, OffenceGroup.EXPLOITATION})
# Rape convictions / court outcomes (convicted, acquitted, discontinued: the KPI engine's conviction rate):
# the published 79.5 % (seed 001), held case by case; a rape result other than conviction is an
# acquittal three times in four.
RAPE_CONVICTION = 0.795
RAPE_NOT_CONVICTED = {CourtOutcome.ACQUITTED: 75, CourtOutcome.DISCONTINUED: 25}
HO_BY_GROUP: dict[str, dict[str, float]] = {
    OffenceGroup.VIOLENCE: {"8N": 60, "105A": 35, "5D": 4, "5E": 1},
    OffenceGroup.STALKING: {"8Q": 100},
    OffenceGroup.HARASSMENT: {"8L": 95, "8M": 5},
    OffenceGroup.COERCIVE_CONTROL: {"8U": 100},
    OffenceGroup.ONLINE_CSA: {"86": 80, "88A": 20},
}
MISSING_HO_CODE = 0.03
# An SHPO is made on most convictions for a sexual offence (at sentence); never without a conviction.
SHPO_OFFENCES = frozenset({OffenceGroup.RAPE, OffenceGroup.OTHER_SEXUAL, OffenceGroup.ONLINE_CSA})
SHPO_ON_CONVICTION = 0.6


class _Picker:
    def __init__(self, weights: Mapping[Any, float]) -> None:
        self.keys = list(weights)
        self.cum = list(accumulate(weights.values()))

    def __call__(self, rng: random.Random) -> str:
        return self.keys[bisect_right(self.cum, rng.random() * self.cum[-1])]


_ETHNICITY = _Picker(ETHNICITY_WEIGHTS)
_RELATIONSHIPS = {strand: _Picker(weights) for strand, weights in RELATIONSHIPS.items()}
_OTHER_RELATIONSHIP = _Picker(OTHER_RELATIONSHIPS)
_WITHDRAWAL = _Picker(WITHDRAWAL_REASONS)
_RAPE_NOT_CONVICTED = _Picker(RAPE_NOT_CONVICTED)
_HO = {group: _Picker(weights) for group, weights in HO_BY_GROUP.items()}
_OPEN_SUSPECT = _Picker({"identified": 60, "not_identified": 25, "wanted": 15})
_OTHER_COURT = _Picker({"convicted": 64, "acquitted": 26, "discontinued": 10})


@dataclass
class _Person:
    reference: str
    sex: str
    born: int  # year
    ethnicity: str


def _age_at(person: _Person, day: date) -> int:
    return max(0, day.year - person.born)


def ho_code(offence_group: str, *, sex: str, age: int | None, strand: str, rng: random.Random) -> str | None:
    """The Home Office classification that fits the offence group, the victim's sex and age."""
    young = age is not None and age < 16
    under_13 = age is not None and age < 13
    male = sex == "male"
    if offence_group == OffenceGroup.RAPE:
        if male:
            return "19H" if under_13 else "19G" if young else "19F"
        return "19E" if under_13 else "19D" if young else "19C"
    if offence_group == OffenceGroup.OTHER_SEXUAL:
        if young and rng.random() < 0.25:
            return "22B" if not under_13 else "21"
        if rng.random() < 0.12:
            return rng.choice(("22A", "88E", "73"))
        if male:
            return "17B" if under_13 else "17A"
        return "20B" if under_13 else "20A"
    if offence_group == OffenceGroup.EXPLOITATION:
        return "106" if strand == Strand.MODERN_SLAVERY else "71"
    picker = _HO.get(offence_group)
    return picker(rng) if picker else None


class PeopleFiller:
    """Fills the register v2 facts of one case after another (keeps the people seen, for repeats)."""

    def __init__(self, *, seed: int, today: date) -> None:
        self.rng = random.Random(seed * 7919 + 13)
        self.today = today
        self.counter = 0
        self.pairs: dict[str, list[tuple[_Person, _Person, str]]] = {}  # strand → earlier victim/suspect pairs
        self.rape_results = [0, 0]  # rape court outcomes so far (dated up to today): convicted, all

    def _new_person(self, *, female: float, age: int | None, day: date, not_stated: float) -> _Person:
        rng = self.rng
        self.counter += 1
        sex = "female" if rng.random() < female else "male" if rng.random() < 0.98 else "unknown"
        draw = rng.random()
        ethnicity = "not_stated" if draw < not_stated else "" if draw < not_stated + 0.02 else _ETHNICITY(rng)
        born = day.year - (age if age is not None else rng.randint(18, 60))
        return _Person(f"PN{1_000_000 + self.counter * 7 + rng.randint(0, 6):08d}", sex, born, ethnicity)

    def _victim_age(self, case: SyntheticInvestigation) -> int | None:
        rng = self.rng
        if case.victim_age_group == VictimAgeGroup.CHILD:
            return rng.randint(3, 15) if case.offence_group != OffenceGroup.ONLINE_CSA else rng.randint(9, 15)
        if case.victim_age_group == VictimAgeGroup.ADULT:
            return min(16 + int(rng.expovariate(1 / 14)), 90)
        return None

    def add(self, case: SyntheticInvestigation) -> None:
        """Set every register v2 fact of ``case`` (and rebuild its orders) from its other facts."""
        rng = self.rng
        day = case.offence_date or case.recorded_date
        pairs = self.pairs.setdefault(case.strand, [])
        repeat = (
            pairs
            and case.victim_age_group == VictimAgeGroup.ADULT
            and rng.random() < REPEAT_SHARE.get(case.strand, 0.0)
        )
        if repeat:
            victim, suspect, relationship = rng.choice(pairs[-200:])
            if _age_at(victim, day) < 16:
                repeat = False
        if not repeat:
            age = self._victim_age(case)
            victim = self._new_person(
                female=FEMALE_VICTIM.get(case.strand, 0.7), age=age, day=day, not_stated=VICTIM_NOT_STATED
            )
            if age is None:
                victim.born = 0  # unknown
            male_suspect = MALE_SUSPECT.get(case.strand, 0.95)
            suspect = self._new_person(female=1 - male_suspect, age=None, day=day, not_stated=SUSPECT_NOT_STATED)
            suspect.born = day.year - min(max(14, 18 + int(rng.expovariate(1 / 16))), 85)
            picker = _RELATIONSHIPS.get(case.strand, _OTHER_RELATIONSHIP)
            relationship = picker(rng)
            if case.victim_age_group != VictimAgeGroup.ADULT and relationship in ("partner", "ex_partner"):
                relationship = "acquaintance"
            pairs.append((victim, suspect, relationship))
        case.victim_id, case.victim_sex, case.victim_ethnicity = victim.reference, victim.sex, victim.ethnicity
        # the age follows the age group the generator drew (never the reverse: calibrated slices read it)
        case.victim_age = None if victim.born == 0 else _age_at(victim, day)
        case.relationship = relationship
        case.reported_date = case.recorded_date - timedelta(
            days=0 if rng.random() < 0.86 else 1 if rng.random() < 0.7 else rng.randint(2, 6)
        )
        if case.offence_date and case.reported_date < case.offence_date:
            case.reported_date = case.offence_date
        code = ho_code(case.offence_group, sex=case.victim_sex, age=case.victim_age, strand=case.strand, rng=rng)
        case.ho_offence = None if rng.random() < MISSING_HO_CODE else code
        intimate = relationship in ("partner", "ex_partner", "family") and (case.victim_age or 16) >= 16
        case.da_flag = "yes" if case.strand == Strand.DOMESTIC_ABUSE or intimate else "no"
        self._suspect(case, suspect, day)
        self._bail(case)
        self._withdrawal(case)
        self._court(case)
        self._orders(case)

    def _suspect(self, case: SyntheticInvestigation, suspect: _Person, day: date) -> None:
        rng = self.rng
        if case.outcome_type in SUSPECT_NOT_IDENTIFIED and rng.random() < 0.97:
            status, identified = "not_identified", False
        elif case.outcome_type in CHARGED:
            status, identified = "charged", True
        elif case.arrest_date:
            status, identified = ("interviewed" if case.outcome_type or rng.random() < 0.6 else "arrested"), True
        elif not case.outcome_type:
            status = _OPEN_SUSPECT(rng)
            identified = status != "not_identified"
        else:
            status, identified = "identified", True
        case.suspect_status = status
        if identified:  # includes the 3 % of 18s and 14s with a suspect: a data-quality finding
            case.suspect_id, case.suspect_sex, case.suspect_ethnicity = (
                suspect.reference,
                suspect.sex,
                suspect.ethnicity,
            )
            case.suspect_age = _age_at(suspect, day)
        else:
            case.suspect_id = case.suspect_sex = case.suspect_ethnicity = ""
            case.suspect_age = None

    def _bail(self, case: SyntheticInvestigation) -> None:
        rng, today = self.rng, self.today
        case.bail_start_date = case.bail_expiry_date = case.rui_start_date = None
        if case.arrest_date is None:
            return
        if case.bail_status == BailStatus.BAIL:
            case.bail_start_date = case.arrest_date
            expiry = case.arrest_date + timedelta(days=91)  # three months
            end = case.outcome_date or today
            while expiry < end and rng.random() < 0.9:  # extended by the inspector, then the court
                expiry += timedelta(days=91)
            case.bail_expiry_date = expiry
        elif case.bail_status == BailStatus.RUI:
            case.rui_start_date = case.arrest_date

    def _withdrawal(self, case: SyntheticInvestigation) -> None:
        rng = self.rng
        case.withdrawal_reason = case.evidence_led_considered = ""
        if case.outcome_type in VICTIM_WITHDRAWAL:
            case.withdrawal_reason = "" if rng.random() < 0.08 else _WITHDRAWAL(rng)
            if case.strand == Strand.DOMESTIC_ABUSE or case.da_flag == "yes":
                draw = rng.random()
                case.evidence_led_considered = "yes" if draw < 0.6 else "no" if draw < 0.85 else ""

    def _court(self, case: SyntheticInvestigation) -> None:
        rng, today = self.rng, self.today
        referrals = sorted(case.referrals, key=lambda r: r.referral_date)
        case.cps_file_submitted_date = referrals[0].referral_date if referrals else None
        plans = sum(1 for r in referrals if r.decision == CpsDecision.FURTHER_EVIDENCE)
        case.cps_action_plans = plans + (rng.random() < 0.3) if referrals else None
        case.first_hearing_date = case.trial_date = case.sentence_date = None
        if case.outcome_type not in CHARGED or case.outcome_date is None:
            case.court_outcome, case.court_outcome_date = "", None
            return
        charged = case.outcome_date
        case.first_hearing_date = charged + timedelta(days=rng.randint(1, 28))
        crown = case.offence_group in CROWN_COURT
        guilty_plea = rng.random() < (0.3 if crown else 0.55)
        result: str
        if guilty_plea:
            verdict = case.first_hearing_date + timedelta(days=rng.randint(0, 60) if crown else 0)
            result = CourtOutcome.CONVICTED
        else:
            # listed trials: Crown Court about 15 to 20 months after charge, magistrates' 2 to 6 months
            span = rng.randint(420, 640) if crown else rng.randint(60, 180)
            case.trial_date = charged + timedelta(days=span)
            verdict = case.trial_date + timedelta(days=rng.randint(1, 10) if crown else 0)
            if case.offence_group == OffenceGroup.RAPE:
                convicted, results = self.rape_results
                below = convicted + 1 <= RAPE_CONVICTION * (results + 1)
                result = CourtOutcome.CONVICTED if below else _RAPE_NOT_CONVICTED(rng)
            else:
                result = case.court_outcome or _OTHER_COURT(rng)
            if result == CourtOutcome.DISCONTINUED:
                verdict = charged + timedelta(days=rng.randint(60, span))
        if verdict <= today:
            case.court_outcome, case.court_outcome_date = result, verdict
            if case.offence_group == OffenceGroup.RAPE:
                self.rape_results[0] += result == CourtOutcome.CONVICTED
                self.rape_results[1] += 1
            if result == CourtOutcome.CONVICTED:
                sentence = (
                    verdict if not crown and rng.random() < 0.5 else verdict + timedelta(days=rng.randint(21, 56))
                )
                case.sentence_date = sentence if sentence <= today else None
        else:
            case.court_outcome, case.court_outcome_date = "", None

    def _orders(self, case: SyntheticInvestigation) -> None:
        """Rebuild ``case.orders`` to the law: the order types the generator chose, lawful dates."""
        rng, today = self.rng, self.today
        wanted = [order.order_type for order in case.orders]
        sexual = case.offence_group in SHPO_OFFENCES
        if sexual and case.court_outcome == CourtOutcome.CONVICTED and rng.random() < SHPO_ON_CONVICTION:
            wanted = [t for t in wanted if t not in (OrderType.SHPO, OrderType.SRO)] + [OrderType.SHPO]
        case.orders = []
        for order_type in wanted:
            if order_type == OrderType.SHPO and case.court_outcome != CourtOutcome.CONVICTED:
                order_type = OrderType.SRO  # an SHPO follows a conviction; without one, a Sexual Risk Order
            if order_type in (OrderType.DVPN, OrderType.DVPO):
                start = case.arrest_date or case.recorded_date
                notice = SyntheticOrder(OrderType.DVPN, start, start, start + timedelta(days=2))
                case.orders.append(notice)
                if start + timedelta(days=1) <= today:
                    applied = start + timedelta(days=1)  # the application is heard within 48 hours
                    order = SyntheticOrder(OrderType.DVPO, applied, applied)
                    order.expiry_date = applied + timedelta(days=rng.randint(14, 28))
                    case.orders.append(order)
                continue
            if order_type == OrderType.SHPO:
                assert case.court_outcome_date is not None
                made = case.sentence_date or case.court_outcome_date
                order = SyntheticOrder(order_type, made, made)
                years = rng.choice((5, 5, 10, 0))
                order.expiry_date = rules.add_years(made, years) if years else None  # 0: until further order
            else:
                applied = case.recorded_date + timedelta(days=rng.randint(0, 90))
                if applied > today:
                    continue
                order = SyntheticOrder(order_type, applied)
                granted = applied + timedelta(days=rng.randint(7, 60))
                if granted <= today and rng.random() < 0.85:
                    order.granted_date = granted
                    lengths: dict[str, int] = {OrderType.SRO: rng.choice((2, 2, 5)), OrderType.NON_MOLESTATION: 1}
                    years = lengths.get(order_type, rng.choice((1, 2, 3)))
                    order.expiry_date = rules.add_years(granted, years)
            case.orders.append(order)
        for order in case.orders:
            order.breaches = []
            if order.granted_date is None:
                continue
            last = min(order.expiry_date or today, today)
            for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
                if last <= order.granted_date:
                    break
                breach = order.granted_date + timedelta(days=rng.randint(1, (last - order.granted_date).days))
                if all(breach != earlier for earlier, _arrest in order.breaches):
                    order.breaches.append((breach, rng.random() < 0.7 if rng.random() < 0.9 else None))
            order.breaches.sort()


def fill(cases: Iterable[SyntheticInvestigation], *, seed: int, today: date) -> None:
    """Give every case its register v2 facts (after any calibration of outcomes)."""
    filler = PeopleFiller(seed=seed, today=today)
    for case in cases:
        filler.add(case)
