"""KPI figures are cached per data version: repeated requests skip the database, and any
write to the data they count (save, import, generator) retires the cached figures."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command

from cases import kpis
from cases.importer import import_investigations
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FROM, TO = date(2025, 4, 1), date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _cache_on(settings: Any) -> None:
    settings.KPI_CACHE_SECONDS = 60
    cache.delete(kpis.DATA_VERSION_KEY)


def _recorded() -> int:
    return kpis.kpi_rows(date_from=FROM, date_to=TO)[0]["recorded_offences"]


def test_a_repeated_request_is_answered_from_the_cache(django_assert_num_queries: Any) -> None:
    InvestigationFactory(unplaced=True, recorded_date="2025-05-01")
    assert _recorded() == 1
    with django_assert_num_queries(0):
        assert _recorded() == 1
        assert kpis.kpi_rows(date_from=FROM, date_to=TO)[0] is not kpis.kpi_rows(date_from=FROM, date_to=TO)[0]


def test_saving_an_investigation_or_referral_retires_the_cached_figures() -> None:
    case = InvestigationFactory(unplaced=True, recorded_date="2025-05-01")
    assert _recorded() == 1
    InvestigationFactory(unplaced=True, recorded_date="2025-05-02")
    assert _recorded() == 2
    assert kpis.kpi_rows(date_from=FROM, date_to=TO)[0]["cps_referrals"] == 0
    CpsReferralFactory(investigation=case, referral_date=date(2025, 5, 3))
    assert kpis.kpi_rows(date_from=FROM, date_to=TO)[0]["cps_referrals"] == 1
    case.delete()
    assert _recorded() == 1


def test_an_import_retires_the_cached_figures() -> None:
    assert _recorded() == 0
    csv = "crime_reference,strand,offence_group,recorded_date\n20/900001/25,rasso,rape,2025-05-01\n"
    import_investigations(source=io.BytesIO(csv.encode()))
    assert _recorded() == 1


def test_the_generator_retires_the_cached_figures() -> None:
    before = kpis.kpi_rows(date_from=date(2023, 4, 1), date_to=date(2026, 3, 31))[0]["recorded_offences"]
    call_command("generate_investigations", "--count", "50", stdout=io.StringIO())
    after = kpis.kpi_rows(date_from=date(2023, 4, 1), date_to=date(2026, 3, 31))[0]["recorded_offences"]
    assert after == before + 50


def test_a_cache_outage_falls_back_to_the_database(monkeypatch: Any) -> None:
    InvestigationFactory(unplaced=True, recorded_date="2025-05-01")

    def down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("cache is down")

    monkeypatch.setattr(kpis.cache, "get_or_set", down)
    assert _recorded() == 1
