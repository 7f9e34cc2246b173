"""The register's filter set: its form class is built once per process, its reference drop-downs are
read in one query and cached until an LPA, team or flag is saved or deleted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.filters import CODE_CHOICES_KEY, InvestigationFilter
from cases.models import Flag, Investigation, LocalPolicingArea, Team
from oversight import caching
from tests.cases.factories import InvestigationFactory

pytestmark = pytest.mark.django_db


def _options(filterset: InvestigationFilter, name: str) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in filterset.form.fields[name].widget.choices]


def test_the_form_class_is_built_once_and_each_form_has_its_own_fields() -> None:
    first, second = InvestigationFilter({"strand": "rasso"}), InvestigationFilter({"strand": "dv"})
    assert type(first.form) is type(second.form)
    assert first.form.fields["lpa"] is not second.form.fields["lpa"]
    assert first.form.fields["strand"] is not second.form.fields["strand"]
    assert first.is_valid() and second.form.data["strand"] == "dv"


def test_each_filter_set_has_its_own_filters_pointing_back_at_it_and_the_class_keeps_its_own() -> None:
    first, second = InvestigationFilter({"strand": "rasso"}), InvestigationFilter({"outcome_type": "open"})
    for name in ("strand", "lpa", "outcome_type", "ordering"):
        assert first.filters[name] is not second.filters[name]
        assert first.filters[name] is not InvestigationFilter.base_filters[name]
        assert first.filters[name].parent is first and second.filters[name].parent is second
        assert first.filters[name].model is Investigation
    assert getattr(InvestigationFilter.base_filters["strand"], "parent", None) is None
    # each filters its own queryset with its own value
    InvestigationFactory(strand="rasso", outcome_type="")
    InvestigationFactory(strand="domestic_abuse", outcome_type="1", outcome_date="2025-06-01")
    assert [inv.strand for inv in first.qs] == ["rasso"]
    assert [inv.strand for inv in second.qs] == ["rasso"]
    assert InvestigationFilter({"strand": "domestic_abuse"}).qs.count() == 1


def test_the_drop_downs_list_the_active_records_by_name_in_one_query() -> None:
    with CaptureQueriesContext(connection) as captured:
        filterset = InvestigationFilter({})
    assert len(captured) == 1
    for name, model in (("lpa", LocalPolicingArea), ("team", Team), ("flag", Flag)):
        active = list(model.objects.filter(is_active=True).order_by("name").values_list("code", "name"))
        assert len(active) >= 2, name
        assert _options(filterset, name) == [("", "Any"), *active]


def test_a_retired_area_leaves_the_next_form_and_not_the_one_already_built() -> None:
    before = InvestigationFilter({})
    area = LocalPolicingArea.objects.filter(is_active=True).order_by("name").first()
    assert area is not None and (area.code, area.name) in _options(before, "lpa")
    area.is_active = False
    area.save()
    after = InvestigationFilter({})
    assert (area.code, area.name) not in _options(after, "lpa")
    assert (area.code, area.name) in _options(before, "lpa")
    assert len(_options(after, "team")) == len(_options(before, "team"))


@pytest.fixture
def cached_choices(settings: Any) -> Iterator[None]:
    """The drop-downs cached as in production (the tests' default turns the cache off)."""
    settings.REFERENCE_CHOICES_SECONDS = 600
    cache.delete(CODE_CHOICES_KEY)
    yield
    cache.delete(CODE_CHOICES_KEY)


def test_cached_drop_downs_are_read_once_and_retired_by_a_rename_a_retirement_and_a_delete(
    cached_choices: None, django_capture_on_commit_callbacks: Any
) -> None:
    first = InvestigationFilter({})
    with CaptureQueriesContext(connection) as captured:
        second = InvestigationFilter({})
    assert len(captured) == 0
    assert _options(second, "lpa") == _options(first, "lpa")

    area = LocalPolicingArea.objects.filter(is_active=True).order_by("name").first()
    assert area is not None
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        area.name = "Renamed area"
        area.save()
    assert callbacks  # retired again once committed
    assert (area.code, "Renamed area") in _options(InvestigationFilter({}), "lpa")

    team = Team.objects.filter(is_active=True).order_by("name").first()
    assert team is not None and (team.code, team.name) in _options(InvestigationFilter({}), "team")
    team.is_active = False
    team.save()
    assert (team.code, team.name) not in _options(InvestigationFilter({}), "team")

    flag = Flag.objects.create(code="new-flag", name="A new flag")
    assert ("new-flag", "A new flag") in _options(InvestigationFilter({}), "flag")
    flag.delete()
    assert ("new-flag", "A new flag") not in _options(InvestigationFilter({}), "flag")


def test_a_cache_that_does_not_answer_is_read_around(cached_choices: None) -> None:
    expected = _options(InvestigationFilter({}), "lpa")
    broken = mock.Mock(side_effect=ConnectionError("cache down"))
    with mock.patch.object(caching.cache, "get", broken), mock.patch.object(caching.cache, "set", broken):
        assert _options(InvestigationFilter({}), "lpa") == expected
    with mock.patch.object(caching.cache, "delete", broken):
        LocalPolicingArea.objects.filter(is_active=True).first().save()  # type: ignore[union-attr]
