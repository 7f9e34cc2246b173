"""The one bulk writer (cases/bulk.py): keys allocated first, rows and their history written in one pass."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from cases import bulk, synthetic
from cases.models import CpsReferral, Investigation, Team
from tests.cases.factories import InvestigationFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


def test_allocated_keys_follow_the_existing_rows_and_the_database_carries_on_after_them() -> None:
    existing = InvestigationFactory(crime_reference="20/1/25")
    keys = bulk.allocate_keys(Investigation, 3)
    assert len(set(keys)) == 3 and min(keys) > existing.pk
    investigation = Investigation(id=keys[0], crime_reference="20/2/25", strand="rasso", offence_group="rape")
    investigation.recorded_date = date(2025, 5, 1)
    investigation.created_at = investigation.updated_at = timezone.now()
    bulk.insert(Investigation, [investigation])
    assert InvestigationFactory(crime_reference="20/3/25").pk > keys[0]


def test_insert_gives_keys_to_instances_without_one() -> None:
    team = Team(code="cold_case", name="Cold Case Review")
    bulk.insert(Team, [team])
    assert team.pk is not None and Team.objects.get(pk=team.pk).code == "cold_case"


def test_the_generator_records_who_wrote_the_rows_when_asked_for_history(make_user: Any) -> None:
    editor = make_user("case_editor")
    result = synthetic.write(synthetic.generate(40, seed=7, today=TODAY), actor=editor, history_reason="Demo data")
    assert Investigation.history.count() == result.investigations == 40
    record = Investigation.history.filter(history_user=editor, history_type="+").first()
    assert record.history_change_reason == "Demo data"
    assert CpsReferral.history.filter(history_user=editor).count() == result.referrals
    flagged = Investigation.objects.filter(flags__isnull=False).distinct().first()
    assert flagged is not None
    history_flags = {f.flag_id for f in flagged.history.get().flags.all()}
    assert history_flags == set(flagged.flags.values_list("pk", flat=True))


def test_the_benchmark_generator_writes_no_history() -> None:
    synthetic.write(synthetic.generate(20, seed=7, today=TODAY))
    assert Investigation.objects.count() == 20 and Investigation.history.count() == 0
