"""Reference data (LPAs, teams, flags) is found by code or name, case-insensitive: one rule for every channel."""

from __future__ import annotations

from typing import Any

import pytest

from cases.models import Flag, LocalPolicingArea, Team

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["som", "SOM", " Sex Offender Management ", "sex offender management"])
def test_a_team_is_found_by_code_or_name_whatever_the_case(value: str) -> None:
    assert Team.objects.by_code_or_name(value) == Team.objects.get(code="som")


@pytest.mark.parametrize("value", ["", "   ", None, "atlantis", "birmingham city"])
def test_an_unknown_or_blank_value_finds_nothing(value: Any) -> None:
    assert LocalPolicingArea.objects.by_code_or_name(value) is None


def test_the_lookup_takes_one_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        area = LocalPolicingArea.objects.by_code_or_name("Coventry")
        assert area is not None
        assert area.code == "coventry"


def test_the_bulk_lookup_holds_every_code_and_name_in_lower_case() -> None:
    keys = LocalPolicingArea.objects.pks_by_code_or_name()
    birmingham = LocalPolicingArea.objects.get(code="birmingham")
    assert keys["birmingham"] == birmingham.pk
    assert keys[birmingham.name.lower()] == birmingham.pk
    assert len(set(keys.values())) == LocalPolicingArea.objects.count()


def test_a_code_wins_over_another_records_name_that_reads_the_same() -> None:
    clash = Flag.objects.create(code="odd", name="Spiking ")
    spiking = Flag.objects.get(code="spiking")
    assert Flag.objects.by_code_or_name("spiking") == spiking
    assert Flag.objects.pks_by_code_or_name()["spiking"] == spiking.pk
    assert Flag.objects.by_code_or_name("ODD") == clash
