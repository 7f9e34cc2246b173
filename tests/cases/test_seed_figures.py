"""The demo register is one a practitioner would believe: the published figures, read through the KPI
engine as every page reads them, and people, court dates and orders as a force's register holds them."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.db.models import Count, F
from django.utils import timezone

from cases import rules
from cases import seed as cases_seed
from cases.kpis import kpi_rows
from cases.models import Investigation, OrderBreach, ProtectiveOrder

pytestmark = pytest.mark.django_db

FIRST_DAY = date(2023, 4, 1)


@pytest.fixture
def register(make_user: Any) -> None:
    cases_seed.run(stdout=io.StringIO(), users={"case_editor": make_user("case_editor")})


def _rows(group_by: str | None = None, **filters: str) -> list[dict[str, Any]]:
    return kpi_rows(date_from=FIRST_DAY, date_to=timezone.localdate(), group_by=group_by, filters=filters)


def test_the_published_figures_read_through_the_kpi_engine(register: Any) -> None:
    # rape victim withdrawal about three quarters of outcomes assigned (seed 004: 74.9 %, 75.0 %)
    rape = _rows(offence_group="rape")[0]
    assert 72 <= rape["victim_withdrawal_pct"] <= 78, rape["victim_withdrawal_pct"]
    by_year = {row["group"]: row for row in _rows("year", offence_group="rape")}
    for year in ("2024-25", "2025-26"):
        assert 72 <= by_year[year]["victim_withdrawal_pct"] <= 78, (year, by_year[year])
    # rape conviction about 80 % of court outcomes (seed 001: 79.5 %), with enough results to mean it
    courts = kpi_rows(
        date_from=FIRST_DAY, date_to=timezone.localdate(), filters={"offence_group": "rape"}, fractions=True
    )[0]
    convicted, results = courts["fractions"]["conviction_rate"]
    assert results >= 10 and 75 <= courts["conviction_rate"] <= 85, courts["fractions"]["conviction_rate"]
    assert convicted < results  # some acquittals and discontinuances too
    # domestic abuse several times the volume of RASSO, year by year
    for year in ("2023-24", "2024-25", "2025-26"):
        start = date(int(year[:4]), 4, 1)
        strands = {
            row["group"]: row["recorded_offences"]
            for row in kpi_rows(date_from=start, date_to=date(start.year + 1, 3, 31), group_by="strand")
        }
        assert strands["domestic_abuse"] >= 3 * strands["rasso"], (year, strands)


def test_crown_court_cases_run_from_charge_to_verdict_in_order_and_in_realistic_time(register: Any) -> None:
    charged = Investigation.objects.filter(outcome_type__in=("1", "1A"), offence_group__in=("rape", "other_sexual"))
    assert charged.exists()
    for case in charged:
        assert case.first_hearing_date is not None and case.outcome_date is not None
        assert 1 <= (case.first_hearing_date - case.outcome_date).days <= 28
        if case.trial_date:
            assert case.trial_date > case.first_hearing_date
        if case.court_outcome_date:
            assert case.court_outcome_date >= case.first_hearing_date
            if case.trial_date and case.court_outcome != "discontinued":
                assert case.court_outcome_date >= case.trial_date
        if case.sentence_date:
            assert case.court_outcome == "convicted" and case.court_outcome_date is not None
            assert case.sentence_date >= case.court_outcome_date
    trials = []
    for case in charged.filter(trial_date__isnull=False, court_outcome__in=("convicted", "acquitted")):
        assert case.court_outcome_date is not None and case.outcome_date is not None
        trials.append((case.court_outcome_date - case.outcome_date).days)
    trials.sort()
    assert trials, "no Crown Court trial has finished"
    assert 420 <= trials[len(trials) // 2] <= 660 and trials[0] >= 420  # 14 to 22 months from charge


def test_repeat_victims_and_suspects_and_west_midlands_demographics(register: Any) -> None:
    domestic_abuse = Investigation.objects.filter(strand="domestic_abuse").exclude(victim_id="")
    per_victim = list(domestic_abuse.values("victim_id").annotate(n=Count("id")).values_list("n", flat=True))
    repeat_share = sum(n >= 2 for n in per_victim) / len(per_victim)
    assert 0.15 <= repeat_share <= 0.35, repeat_share  # a plausible share of victims come back
    suspects = Investigation.objects.exclude(suspect_id="").values("suspect_id").annotate(n=Count("id"))
    assert suspects.filter(n__gte=2).count() >= 50

    stated = Investigation.objects.exclude(victim_ethnicity__in=("", "not_stated"))
    shares = {
        row["victim_ethnicity"]: row["n"] / stated.count()
        for row in stated.values("victim_ethnicity").annotate(n=Count("id"))
    }
    # 2021 census, West Midlands: about 60 % White British, Pakistani the largest Asian group
    assert 0.55 <= shares["white_british"] <= 0.7, shares
    assert shares["asian_pakistani"] > shares["asian_indian"] > shares["asian_bangladeshi"]
    rasso = Investigation.objects.filter(strand="rasso")
    assert rasso.filter(victim_sex="female").count() / rasso.count() > 0.8
    assert rasso.filter(suspect_sex="male").count() / rasso.exclude(suspect_sex="").count() > 0.9


def test_shpos_follow_convictions_and_breaches_fall_inside_each_orders_life(register: Any) -> None:
    shpos = ProtectiveOrder.objects.filter(order_type="shpo").select_related("investigation")
    assert shpos.exists()
    for order in shpos:
        convicted = order.investigation.court_outcome_date
        assert order.investigation.court_outcome == "convicted" and convicted is not None
        assert order.granted_date is not None and order.granted_date >= convicted
    breaches = OrderBreach.objects.select_related("order")
    assert breaches.exists()
    for breach in breaches:
        granted, expiry = breach.order.granted_date, breach.order.expiry_date
        assert rules.breach_error(breach.breach_date, granted=granted, expiry=expiry) is None, breach
    # no order is made before the offence it follows was recorded
    assert not ProtectiveOrder.objects.filter(applied_date__lt=F("investigation__recorded_date")).exists()
