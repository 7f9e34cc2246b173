"""The one bulk writer (cases/bulk.py): keys allocated first, rows and their history written in one pass."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from cases import bulk, synthetic
from cases.models import CpsReferral, ImportProfile, Investigation, LocalPolicingArea, Team
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


def _stored(model: Any, pk: int) -> dict[str, Any]:
    return {f.attname: getattr(model.objects.get(pk=pk), f.attname) for f in model._meta.concrete_fields}


@pytest.mark.postgres
@pytest.mark.parametrize("copy_format", ["binary", "text"])
def test_rows_are_stored_exactly_as_given_whatever_the_column_type(
    copy_format: str, make_user: Any, requires_postgres: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every kind of value the register holds (text beyond ASCII, dates and missing ones, small and large
    numbers, foreign keys by id and by code, timestamps to the microsecond) comes back as it was written,
    through COPY's binary format and through its text format (tables with a column binary can't carry)."""
    if copy_format == "text":
        monkeypatch.setattr(bulk, "binary_types", lambda table, columns: None)
    lpa, team = LocalPolicingArea.objects.get(code="birmingham"), Team.objects.get(code="rasso")
    written = at = timezone.now().replace(microsecond=123456)
    values: dict[str, Any] = {
        "crime_reference": "20/999001/25",
        "strand": "rasso",
        "offence_group": "rape",
        "victim_age_group": "adult",
        "lpa_id": lpa.pk,
        "team_id": team.pk,
        "recorded_date": date(2025, 5, 1),
        "reported_date": date(2025, 4, 30),
        "outcome_date": None,
        "ho_offence_id": "19C",
        "victim_id": "VÍC-Ł-00042",  # the records system's reference, not a name: digits, and beyond ASCII
        "victim_age": 120,
        "suspect_age": 0,
        "cps_action_plans": 3,
        "created_at": at,
        "updated_at": at,
    }
    bulk.insert_values(Investigation, [values])
    stored = _stored(Investigation, values["id"])
    assert {name: stored[name] for name in values} == values
    assert stored["arrest_date"] is None and stored["court_outcome"] == ""
    editor = make_user("case_editor")
    (history_id,) = bulk.insert_history(
        Investigation, [values], history_type=bulk.CREATED, actor=editor, reason="CSV import", now=written
    )
    record = Investigation.history.get(history_id=history_id)
    assert (record.history_user, record.history_date, record.history_type) == (editor, written, "+")
    assert (record.victim_id, record.victim_age, record.reported_date) == ("VÍC-Ł-00042", 120, date(2025, 4, 30))


@pytest.mark.postgres
def test_the_register_tables_are_copied_in_binary_and_a_table_with_json_as_text(requires_postgres: None) -> None:
    def types(model: Any) -> list[int] | None:
        return bulk.binary_types(model._meta.db_table, [f.column for f in model._meta.concrete_fields])

    history = Investigation.history.model
    assert types(Investigation) is not None and types(history) is not None and types(CpsReferral) is not None
    assert types(ImportProfile) is None  # its JSON columns
