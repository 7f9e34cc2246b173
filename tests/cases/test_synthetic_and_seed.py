"""Synthetic data: the benchmark generator, the demo seed, and the derived phase."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone

from cases import seed, synthetic
from cases.models import CpsReferral, Investigation, OrderBreach
from cases.outcomes import CHARGED, POSITIVE, SUSPECT_NOT_IDENTIFIED
from tests.cases.factories import InvestigationFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


def test_generated_cases_keep_every_rule_and_never_reach_the_future() -> None:
    cases = list(synthetic.generate(3000, seed=11, today=TODAY))
    assert {c.strand for c in cases} >= {"rasso", "domestic_abuse", "stalking_harassment", "csa"}
    assert len({c.lpa for c in cases}) == 7 and len({c.team for c in cases}) == 6
    for c in cases:
        dates = [c.recorded_date, c.offence_date, c.arrest_date, c.outcome_date, c.court_outcome_date]
        assert all(d is None or d <= TODAY for d in dates)
        assert bool(c.outcome_type) == bool(c.outcome_date)
        assert c.outcome_date is None or c.outcome_date >= c.recorded_date
        assert bool(c.court_outcome) == bool(c.court_outcome_date)
        assert not c.court_outcome or c.outcome_type in CHARGED
        assert (c.bail_status != "") == (c.arrest_date is not None)
        for r in c.referrals:
            assert r.referral_date >= c.recorded_date and bool(r.decision) == bool(r.decision_date)
            assert r.decision_date is None or r.referral_date <= r.decision_date <= TODAY
        if c.outcome_type in CHARGED:
            outcome_date = c.outcome_date
            assert outcome_date is not None
            assert any(
                r.decision == "charge" and r.decision_date is not None and r.decision_date <= outcome_date
                for r in c.referrals
            )
    assert any(c.bail_status == "rui" for c in cases) and any(c.court_outcome == "convicted" for c in cases)


def test_the_same_seed_gives_the_same_cases() -> None:
    first = [c.crime_reference + str(c.outcome_type) for c in synthetic.generate(200, seed=5, today=TODAY)]
    again = [c.crime_reference + str(c.outcome_type) for c in synthetic.generate(200, seed=5, today=TODAY)]
    assert first == again


def test_the_command_inserts_related_rows_with_syn_references_and_can_run_twice() -> None:
    out = StringIO()
    call_command("generate_investigations", "--count", "300", "--seed", "3", stdout=out)
    call_command("generate_investigations", "--count", "200", stdout=out)
    assert Investigation.objects.count() == 500
    assert Investigation.objects.exclude(crime_reference__startswith="SYN/").count() == 0
    assert CpsReferral.objects.exists() and Investigation.flags.through.objects.exists()
    assert "Inserted 300 investigations" in out.getvalue()
    # every database constraint held (they are checked on insert) and the id sequence continues
    highest = max(Investigation.objects.values_list("pk", flat=True))
    assert InvestigationFactory(crime_reference="20/1/26").pk > highest


def test_the_command_refuses_a_bad_count() -> None:
    with pytest.raises(CommandError):
        call_command("generate_investigations", "--count", "0")


def test_the_demo_seed_hits_the_published_rape_positive_outcome_rates_and_is_idempotent(make_user: Any) -> None:
    editor = make_user("case_editor")
    seed.run(stdout=StringIO(), users={"case_editor": editor})
    count = Investigation.objects.count()
    assert 3000 <= count <= 6000
    assert Investigation.history.count() == count
    assert Investigation.history.first().history_user == editor
    assert not Investigation.objects.filter(
        Q(recorded_date__gt=date.today()) | Q(outcome_date__gt=date.today())
    ).exists()
    for year, target in ((2024, 6.0), (2025, 11.0)):
        start, end = date(year, 4, 1), date(year + 1, 3, 31)
        rapes = Investigation.objects.filter(offence_group="rape")
        recorded = rapes.filter(recorded_date__range=(start, end)).count()
        positive = rapes.filter(outcome_date__range=(start, end), outcome_type__in=POSITIVE).count()
        assert abs(100 * positive / recorded - target) < 0.5, (year, positive, recorded)
    years = {d.year for d in Investigation.objects.dates("recorded_date", "year")}
    assert years == set(range(2023, timezone.localdate().year + 1))  # from FY 2023/24 up to today
    # "no suspect identified" (14, 18) never on a case whose suspect was arrested or sent to the CPS,
    # after every calibration of the outcome mix
    no_suspect = Investigation.objects.filter(outcome_type__in=SUSPECT_NOT_IDENTIFIED)
    assert no_suspect.count() > 50
    assert not no_suspect.filter(Q(arrest_date__isnull=False) | Q(referrals__isnull=False)).exists()

    breaches = OrderBreach.objects.count()
    seed.run(stdout=StringIO(), users={"case_editor": editor})
    assert Investigation.objects.count() == count and OrderBreach.objects.count() == breaches


def test_phase_is_an_annotation_usable_as_a_filter() -> None:
    InvestigationFactory(crime_reference="A")
    InvestigationFactory(crime_reference="B", outcome_type="1A", outcome_date=date(2025, 6, 1))
    InvestigationFactory(
        crime_reference="C",
        outcome_type="1",
        outcome_date=date(2025, 6, 1),
        court_outcome="acquitted",
        court_outcome_date=date(2025, 12, 1),
    )
    InvestigationFactory(crime_reference="D", outcome_type="18", outcome_date=date(2025, 6, 1))
    by_phase = dict(Investigation.objects.with_phase().values_list("crime_reference", "phase_code"))
    assert by_phase == {"A": "pre_charge", "B": "post_charge", "C": "finalised", "D": "finalised"}
    finalised = Investigation.objects.with_phase().filter(phase_code="finalised")
    assert sorted(finalised.values_list("crime_reference", flat=True)) == ["C", "D"]
    assert all(i.phase == i.phase_code for i in Investigation.objects.with_phase())
