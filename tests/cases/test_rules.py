"""The register's date rules (cases/rules.py): one set of rules and messages for forms, the API and the import."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.rules import investigation_date_errors
from tests.cases.factories import InvestigationFactory

TODAY = date(2025, 11, 26)
RECORDED = {"recorded_date": date(2025, 5, 1)}


def test_a_consistent_record_breaks_no_rule() -> None:
    values = {
        **RECORDED,
        "offence_date": date(2025, 4, 30),
        "arrest_date": date(2025, 5, 1),
        "outcome_type": "1",
        "outcome_date": date(2025, 9, 1),
        "court_outcome": "convicted",
        "court_outcome_date": TODAY,
    }
    assert investigation_date_errors(values, today=TODAY) == {}


def test_a_date_after_today_is_in_the_future() -> None:
    errors = investigation_date_errors({"recorded_date": date(2025, 11, 27)}, today=TODAY)
    assert errors == {"recorded_date": "2025-11-27 is in the future"}


@pytest.mark.parametrize("field", ["arrest_date", "outcome_date", "court_outcome_date"])
def test_an_arrest_outcome_or_court_date_before_the_recorded_date_is_refused(field: str) -> None:
    values = {**RECORDED, "outcome_type": "1", "court_outcome": "convicted", field: date(2025, 4, 30)}
    values.setdefault("outcome_date", date(2025, 6, 1))
    values.setdefault("court_outcome_date", date(2025, 7, 1))
    assert investigation_date_errors(values, today=TODAY) == {field: "is before the recorded date (2025-05-01)"}


def test_an_offence_may_be_older_than_its_recording() -> None:
    assert investigation_date_errors({**RECORDED, "offence_date": date(2001, 1, 1)}, today=TODAY) == {}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"outcome_type": "1"}, {"outcome_date": "an outcome type needs an outcome date"}),
        ({"outcome_date": date(2025, 6, 1)}, {"outcome_type": "an outcome date needs an outcome type"}),
        ({"court_outcome": "acquitted"}, {"court_outcome_date": "a court outcome needs its date"}),
        ({"court_outcome_date": date(2025, 6, 1)}, {"court_outcome": "a court outcome date needs the result"}),
    ],
)
def test_an_outcome_and_its_date_come_together(values: dict, expected: dict) -> None:
    assert investigation_date_errors({**RECORDED, **values}, today=TODAY) == expected


def test_one_message_per_field_and_rules_on_a_field_in_error_are_not_checked() -> None:
    future = {**RECORDED, "outcome_date": date(2026, 1, 1)}
    assert investigation_date_errors(future, today=TODAY) == {"outcome_date": "2026-01-01 is in the future"}
    early = {**RECORDED, "outcome_date": date(2025, 1, 1)}
    assert investigation_date_errors(early, today=TODAY, skip={"outcome_type"}) == {
        "outcome_date": "is before the recorded date (2025-05-01)"
    }
    assert investigation_date_errors(early, today=TODAY, skip={"recorded_date", "outcome_type"}) == {}


@pytest.mark.django_db
def test_the_model_clean_uses_the_same_rules_and_words() -> None:
    investigation = InvestigationFactory.build(recorded_date=date(2025, 5, 1), arrest_date=date(2025, 4, 1))
    with pytest.raises(ValidationError) as refused:
        investigation.clean()
    assert refused.value.message_dict == {"arrest_date": ["is before the recorded date (2025-05-01)"]}
