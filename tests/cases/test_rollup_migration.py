"""Migrations 0020, 0022 and 0024 add the months per LPA, the days force-wide and the LPA totals (months
and days): a database that already has a month and day rollup gets them filled from it (the team, the
LPA, or the strand, offence and age groups with the team, summed away), so KPI requests read the same
figures the day they are applied.

It winds ``cases`` back to 0019, writes month and day rows through the old models, migrates forward
and reads the new tables. It runs on whichever database the suite uses (PostgreSQL in CI).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import KpiRollupForceDay, KpiRollupLpaMonth, KpiRollupLpaTotalDay, KpiRollupLpaTotalMonth

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_new_tables_are_filled_from_the_month_and_day_rollups() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0019_history_without_reference_indexes")])
    old = executor.loader.project_state([("cases", "0019_history_without_reference_indexes")]).apps
    month, day = old.get_model("cases", "KpiRollupMonth"), old.get_model("cases", "KpiRollupDay")
    may, june = dt.date(2025, 5, 1), dt.date(2025, 6, 1)
    key = {"strand": "rasso", "offence_group": "rape", "victim_age_group": "adult"}
    for period, lpa, team, recorded, outcomes in (
        (may, 1, 1, 3, 1),
        (may, 1, 2, 4, 0),  # the same LPA, another team: summed with the row above
        (may, 2, 1, 5, 2),
        (june, 1, 1, 7, 0),
    ):
        month.objects.create(period=period, lpa_id=lpa, team_id=team, recorded=recorded, outcomes=outcomes, **key)
        # the same counts on the month's second day, in the day rollup
        second = period.replace(day=2)
        day.objects.create(period=second, lpa_id=lpa, team_id=team, recorded=recorded, outcomes=outcomes, **key)
    # Another strand in May, LPA 1: apart in the months per LPA and force-wide, with the rows above in the
    # LPA totals.
    other = {**key, "strand": "domestic_abuse"}
    month.objects.create(period=may, lpa_id=1, team_id=1, recorded=2, outcomes=1, **other)
    day.objects.create(period=may.replace(day=2), lpa_id=1, team_id=1, recorded=2, outcomes=1, **other)

    call_command("migrate", "cases", verbosity=0)

    rows = KpiRollupLpaMonth.objects.filter(strand="rasso").order_by("period", "lpa_id")
    assert list(rows.values_list("period", "lpa_id", "recorded", "outcomes")) == [
        (may, 1, 7, 1),
        (may, 2, 5, 2),
        (june, 1, 7, 0),
    ]
    assert set(KpiRollupLpaMonth.objects.values_list("strand", "offence_group", "victim_age_group")) == {
        ("rasso", "rape", "adult"),
        ("domestic_abuse", "rape", "adult"),
    }
    may_2, june_2 = dt.date(2025, 5, 2), dt.date(2025, 6, 2)
    force_days = KpiRollupForceDay.objects.filter(strand="rasso").order_by("period")
    assert list(force_days.values_list("period", "recorded", "outcomes")) == [(may_2, 12, 3), (june_2, 7, 0)]
    lpa_totals = [(may, 1, 9, 2), (may, 2, 5, 2), (june, 1, 7, 0)]
    for model, first in ((KpiRollupLpaTotalMonth, 1), (KpiRollupLpaTotalDay, 2)):
        totals = model.objects.order_by("period", "lpa_id").values_list("period", "lpa_id", "recorded", "outcomes")
        assert list(totals) == [(period.replace(day=first), *counts) for period, *counts in lpa_totals], model
