"""The register v2 facts of synthetic investigations: lawful, consistent and plausible."""

from __future__ import annotations

from collections import Counter
from datetime import date

from cases import rules, synthetic, synthetic_people
from cases.outcomes import CHARGED, SUSPECT_NOT_IDENTIFIED, VICTIM_WITHDRAWAL

TODAY = date(2026, 11, 25)


def _cases() -> list[synthetic.SyntheticInvestigation]:
    cases = list(synthetic.generate(4000, seed=11, today=TODAY))
    synthetic_people.fill(cases, seed=11, today=TODAY)
    return cases


def test_every_case_keeps_the_registers_rules_and_every_order_its_legal_duration() -> None:
    for c in _cases():
        values = {name: getattr(c, name) for name in rules.CHECKED_FIELDS}
        assert rules.investigation_date_errors(values, today=TODAY) == {}, (c.crime_reference, values)
        assert rules.age_group_error(c.victim_age_group, age=c.victim_age) is None
        assert c.victim_age is None or 0 <= c.victim_age <= 120
        assert not c.court_outcome or c.outcome_type in CHARGED
        for order in c.orders:
            assert order.granted_date is None or order.applied_date <= order.granted_date <= TODAY
            made, expiry = order.granted_date, order.expiry_date
            assert rules.order_duration_error(order.order_type, made=made, expiry=expiry) is None
            for breach, _arrest in order.breaches:
                assert rules.breach_error(breach, granted=made, expiry=expiry) is None and breach <= TODAY
            if order.order_type == "shpo":
                assert c.court_outcome == "convicted"  # an SHPO follows a conviction


def test_the_people_are_plausible_with_repeat_victims_and_suspects() -> None:
    cases = _cases()
    rasso = [c for c in cases if c.strand == "rasso"]
    assert sum(c.victim_sex == "female" for c in rasso) / len(rasso) > 0.8
    victims = Counter(c.victim_id for c in cases if c.strand == "domestic_abuse")
    suspects = Counter(c.suspect_id for c in cases if c.suspect_id)
    assert sum(1 for n in victims.values() if n > 1) > 20 and sum(1 for n in suspects.values() if n > 1) > 20
    ethnicity = Counter(c.victim_ethnicity for c in cases)
    assert (
        0.5 < ethnicity["white_british"] / len(cases) < 0.7
        and ethnicity["asian_pakistani"] > ethnicity["asian_chinese"]
    )
    rapes = [c for c in cases if c.offence_group == "rape" and c.ho_offence]
    assert {c.ho_offence for c in rapes} <= {"19C", "19D", "19E", "19F", "19G", "19H"}
    assert all(
        c.ho_offence in ("19D", "19E", "19G", "19H") for c in rapes if c.victim_age is not None and c.victim_age < 16
    )


def test_court_and_withdrawal_facts_follow_the_outcome() -> None:
    cases = _cases()
    rape_results = Counter(c.court_outcome for c in cases if c.offence_group == "rape" and c.court_outcome)
    assert 0.7 < rape_results["convicted"] / sum(rape_results.values()) < 0.9  # about 80 %
    crown_trials = [
        (c.trial_date - c.outcome_date).days
        for c in cases
        if c.offence_group == "rape" and c.trial_date and c.outcome_date
    ]
    assert crown_trials and min(crown_trials) >= 420 and max(crown_trials) <= 640
    withdrawn = [c for c in cases if c.outcome_type in VICTIM_WITHDRAWAL]
    assert sum(bool(c.withdrawal_reason) for c in withdrawn) / len(withdrawn) > 0.85
    assert all(c.suspect_status == "charged" for c in cases if c.outcome_type in CHARGED)
    assert all(c.rui_start_date == c.arrest_date for c in cases if c.bail_status == "rui")
    no_suspect = [c for c in cases if c.outcome_type in SUSPECT_NOT_IDENTIFIED]
    assert len(no_suspect) > 100 and not any(c.arrest_date or c.referrals for c in no_suspect)
