"""The KPI rollup (``cases/rollups.py``): kept equal to a recount of the base tables by every write path,
and giving the same figures as the base tables."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases import kpis, rollups
from cases.models import (
    ROLLUP_MODELS,
    CpsReferral,
    Investigation,
    KpiRollupDay,
    KpiRollupForceMonth,
    KpiRollupLpaMonth,
    KpiRollupMonth,
    LocalPolicingArea,
    Team,
)
from cases.services import investigation_update
from tests.cases.conftest import HEADER
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

pytestmark = pytest.mark.django_db


def _verified() -> str:
    """``manage.py verify_rollups`` passes (it exits non-zero on any difference); its output."""
    out = StringIO()
    call_command("verify_rollups", stdout=out)
    return out.getvalue()


def _month(period: str, **filters: Any) -> dict[str, int]:
    """Every count stored for a month (2025-05 …), summed over the other dimensions."""
    rows = KpiRollupMonth.objects.filter(period=date.fromisoformat(f"{period}-01"), **filters)
    return {
        name: sum(getattr(row, name) for row in rows) for name in ("recorded", "outcomes", "outcome_1", "referrals")
    }


def test_a_form_save_and_edit_keep_the_rollup_equal_to_the_base_tables(client_for: Any) -> None:
    client = client_for("case_editor")
    walsall = LocalPolicingArea.objects.get(code="walsall")
    data = {"strand": "rasso", "offence_group": "rape", "victim_age_group": "adult", "recorded_date": "2025-05-01"}
    client.post("/cases/new/", {**data, "crime_reference": "20/1/25", "lpa": walsall.pk})
    assert _month("2025-05", lpa_id=walsall.pk)["recorded"] == 1
    investigation = Investigation.objects.get()
    # The edit moves it out of Walsall and gives it an outcome: both months and both LPAs change.
    client.post(f"/cases/{investigation.pk}/edit/", {**data, "outcome_type": "1", "outcome_date": "2025-10-01"})
    assert _month("2025-05", lpa_id=walsall.pk)["recorded"] == 0
    assert _month("2025-05", lpa_id=0)["recorded"] == 1
    assert _month("2025-10") == {"recorded": 0, "outcomes": 1, "outcome_1": 1, "referrals": 0}
    assert (
        KpiRollupDay.objects.values_list("days_to_charge", flat=True).get(period=date(2025, 10, 1)) == 153
    )  # 1 May → 1 Oct
    assert "matches" in _verified()


def test_api_saves_keep_the_rollup_equal_to_the_base_tables(api_client_for: Any) -> None:
    client = api_client_for("case_editor")
    body = {
        "crime_reference": "20/2/25",
        "strand": "domestic_abuse",
        "offence_group": "violence",
        "recorded_date": "2025-05-03",
        "lpa": "sandwell",
    }
    assert client.post("/api/v1/investigations/", body, format="json").status_code == 201
    investigation = Investigation.objects.get()
    path = f"/api/v1/investigations/{investigation.pk}/"
    assert client.patch(path, {"arrest_date": "2025-05-04", "bail_status": "rui"}, format="json").status_code == 200
    response = client.post(
        "/api/v1/cps-referrals/",
        {"investigation": investigation.pk, "referral_date": "2025-06-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    _verified()


def test_referral_saves_and_deletes_and_investigation_deletes_keep_the_rollup_equal() -> None:
    referral = CpsReferralFactory(referral_date=date(2025, 6, 1))
    assert _month("2025-06")["referrals"] == 1
    referral.decision, referral.decision_date = "charge", date(2025, 7, 2)
    referral.save()
    assert KpiRollupMonth.objects.values_list("decision_charge", flat=True).get(period=date(2025, 7, 1)) == 1
    second = CpsReferralFactory(investigation=referral.investigation, referral_date=date(2025, 8, 1))
    _verified()
    second.delete()
    assert _month("2025-08")["referrals"] == 0
    _verified()
    # The investigation's delete cascades to its remaining referral: each is taken out once.
    referral.investigation.delete()
    assert _month("2025-05")["recorded"] == 0 and _month("2025-06")["referrals"] == 0
    _verified()


def _referred(period: str) -> int:
    """The funnel's "has a CPS referral" count for investigations recorded in a month."""
    return sum(
        KpiRollupMonth.objects.filter(period=date.fromisoformat(f"{period}-01")).values_list(
            "funnel_referred_to_cps", flat=True
        )
    )


def test_the_funnel_referral_count_follows_referral_moves_batch_deletes_and_cascades() -> None:
    """ "Has a CPS referral" is counted once per investigation, however many referrals it has, and is
    changed by referral writes: a move, a queryset delete of several, an investigation's cascade."""
    first = InvestigationFactory(recorded_date=date(2025, 5, 1))
    second = InvestigationFactory(recorded_date=date(2025, 6, 1))
    CpsReferralFactory(investigation=first, referral_date=date(2025, 6, 1))
    b = CpsReferralFactory(investigation=first, referral_date=date(2025, 6, 2))
    assert (_referred("2025-05"), _referred("2025-06")) == (1, 0)
    b.investigation = second  # moved: both investigations now have one
    b.save()
    assert (_referred("2025-05"), _referred("2025-06")) == (1, 1)
    _verified()
    CpsReferralFactory(investigation=first, referral_date=date(2025, 6, 3))
    CpsReferral.objects.filter(investigation=first).delete()  # two at once: counted out once
    assert (_referred("2025-05"), _referred("2025-06")) == (0, 1)
    _verified()
    CpsReferralFactory(investigation=second, referral_date=date(2025, 6, 4))
    second.delete()  # a cascade over its two referrals
    assert _referred("2025-06") == 0 and not CpsReferral.objects.exists()
    _verified()


def test_an_outcome_correction_through_the_service_keeps_the_rollup_equal(make_user: Any) -> None:
    investigation = InvestigationFactory(recorded_date=date(2025, 5, 1), outcome_type="16", outcome_date="2025-07-01")
    CpsReferralFactory(investigation=investigation, referral_date=date(2025, 6, 1))
    investigation_update(
        investigation=investigation,
        actor=make_user("case_editor"),
        data={"outcome_type": "1", "outcome_date": date(2025, 8, 1), "strand": "domestic_abuse"},
    )
    assert _month("2025-07")["outcomes"] == 0 and _month("2025-08")["outcome_1"] == 1
    # The referral is now counted under the investigation's new strand.
    assert _month("2025-06", strand="domestic_abuse")["referrals"] == 1
    _verified()


def test_an_import_that_creates_then_updates_keeps_the_rollup_equal(write_csv: Any) -> None:
    from cases.importer import import_investigations

    InvestigationFactory(crime_reference="20/9/25", recorded_date=date(2025, 5, 1))
    import_investigations(
        source=write_csv(
            HEADER,
            "20/7/25,rasso,rape,adult,dudley,rasso,2025-05-01,,1,2025-09-01,2025-06-01,charge,2025-06-20,,,,,yes,no,",
            "20/8/25,domestic_abuse,violence,adult,,,2025-05-02,,,,,,,2025-05-03,rui,,,,,",
        )
    )
    _verified()
    import_investigations(
        source=write_csv(
            HEADER,
            # Moved to another LPA, a second referral; the other gains an outcome; a stored one changes.
            "20/7/25,rasso,rape,adult,walsall,rasso,2025-05-01,,1,2025-09-01,2025-07-01,nfa,2025-07-10,,,,,yes,no,",
            "20/8/25,domestic_abuse,violence,adult,,,2025-05-02,,16,2025-08-01,,,,2025-05-03,rui,,,,,",
            "20/9/25,rasso,rape,child,,,2025-05-01,,,,2025-06-02,,,,,,,,,",
            name="second.csv",
        )
    )
    assert CpsReferral.objects.count() == 3
    _verified()


def test_the_generator_keeps_the_rollup_equal_and_the_figures_match_the_base_tables() -> None:
    call_command("generate_investigations", count=400, seed=3, stdout=StringIO())
    _verified()
    window = {"date_from": date(2024, 4, 17), "date_to": date(2025, 11, 9)}  # partial months at both ends
    for period_group in ("month", "quarter", "year"):
        assert kpis._by_period_rollup(period_group, kpis.KpiFilters(), **window) == kpis._by_period(
            period_group, kpis.KpiFilters(), **window
        )
    for column_group in (None, "strand", "lpa"):
        assert kpis._by_column_rollup(column_group, kpis.KpiFilters(), **window) == kpis._by_column(
            column_group, kpis.KpiFilters(), **window
        )
    filters = kpis.resolve_filters({"strand": "rasso", "victim_age_group": "adult"})
    assert kpis._by_period_rollup("month", filters, **window) == kpis._by_period("month", filters, **window)
    assert kpis._by_column_rollup("lpa", filters, **window) == kpis._by_column("lpa", filters, **window)


def test_months_and_days_come_from_the_narrowest_tables_that_have_the_columns_asked_for() -> None:
    InvestigationFactory(recorded_date=date(2025, 5, 1), lpa="walsall", team="ocset")
    InvestigationFactory(recorded_date=date(2025, 5, 20))
    assert KpiRollupForceMonth.objects.values_list("recorded", flat=True).get(period=date(2025, 5, 1)) == 2
    assert sorted(KpiRollupLpaMonth.objects.values_list("recorded", flat=True)) == [1, 1]
    span = rollups.window(date(2025, 4, 15), date(2025, 6, 30))
    walsall = LocalPolicingArea.objects.get(code="walsall").pk
    ocset = Team.objects.get(code="ocset").pk
    InvestigationFactory(recorded_date=date(2025, 4, 20), lpa="walsall", team="ocset")  # an edge day
    tables = {model._meta.db_table for model in ROLLUP_MODELS}
    for filters, group, scope, recorded in (
        ({}, ("period",), "lpatotal", 3),
        ({}, (), "lpatotal", 3),
        ({"lpa_id": walsall}, (), "lpatotal", 2),
        ({}, ("lpa_id",), "lpatotal", 3),
        ({"strand": "rasso"}, ("strand",), "force", 3),
        ({"strand": "rasso"}, ("period",), "force", 3),
        ({"strand": "rasso"}, ("lpa_id",), "lpa", 3),
        ({"lpa_id": walsall, "victim_age_group": "adult"}, (), "lpa", 2),
        ({}, ("team_id",), "", 3),
        ({"team_id": ocset}, ("lpa_id",), "", 2),
    ):
        with CaptureQueriesContext(connection) as captured:
            rows = rollups.sums(span=span, filters=filters, group=group, measures=("recorded",))
        read = {name for name in tables if f'"{name}"' in captured[0]["sql"]}
        # Days: force-wide, LPA totals, else the days keyed down to the team (no days per LPA and strand).
        days = {"force": "cases_kpirollupforceday", "lpatotal": "cases_kpirolluplpatotalday"}
        assert read == {f"cases_kpirollup{scope}month", days.get(scope, "cases_kpirollupday")}, (filters, group)
        assert sum(row["recorded"] for row in rows) == recorded, (filters, group)


def test_verify_reports_a_difference_and_rebuild_repairs_it() -> None:
    InvestigationFactory(recorded_date=date(2025, 5, 1))
    Investigation.objects.update(recorded_date=date(2025, 4, 1))  # a write that bypasses the model: no signals
    # April and May in each table: month and day, each in all, force-wide and as LPA totals, and month per LPA.
    with pytest.raises(CommandError, match="14 KPI rollup rows differ"):
        call_command("verify_rollups", stdout=StringIO())
    call_command("rebuild_rollups", stdout=StringIO())
    assert _month("2025-04")["recorded"] == 1 and not KpiRollupMonth.objects.filter(period=date(2025, 5, 1)).exists()
    assert rollups.differences() == []


def test_a_window_splits_into_whole_months_and_edge_days() -> None:
    span = rollups.window(date(2024, 4, 15), date(2026, 4, 10))
    assert span.months == (date(2024, 5, 1), date(2026, 3, 1))
    assert span.days == ((date(2024, 4, 15), date(2024, 4, 30)), (date(2026, 4, 1), date(2026, 4, 10)))
    assert rollups.window(date(2025, 4, 1), date(2025, 4, 30)) == rollups.Window(
        (date(2025, 4, 1), date(2025, 4, 1)), ()
    )
    assert rollups.window(date(2025, 4, 2), date(2025, 5, 30)).days == ((date(2025, 4, 2), date(2025, 5, 30)),)


def test_the_generators_fast_delete_removes_its_rows_and_keeps_the_rollup_equal() -> None:
    kept = InvestigationFactory(crime_reference="20/5/25", recorded_date=date(2025, 5, 1))
    call_command("generate_investigations", count=150, seed=4, prefix="BENCH/", stdout=StringIO())
    out = StringIO()
    call_command("generate_investigations", delete=True, prefix="BENCH/", stdout=out)
    assert "Deleted 150 investigations" in out.getvalue()
    assert list(Investigation.objects.all()) == [kept]
    assert not CpsReferral.objects.exists()
    _verified()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_generator_leaves_the_rollups_compacted(requires_postgres: None) -> None:
    """A second generation adds to the rollup rows the first wrote, leaving their old versions behind;
    the command compacts both tables at the end, so a KPI request reads no dead rows."""
    from django.db import connection

    def pages() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_size('cases_kpirollupmonth'), pg_relation_size('cases_kpirollupday')")
            return list(cursor.fetchone())

    for seed in (5, 6):
        call_command("generate_investigations", count=1500, seed=seed, stdout=StringIO())
    after_command = pages()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL cases_kpirollupmonth")
        cursor.execute("VACUUM FULL cases_kpirollupday")
    assert after_command == pages()
    assert KpiRollupMonth.objects.exists()
    _verified()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_generator_leaves_the_register_vacuumed(requires_postgres: None) -> None:
    """Outside a transaction the command vacuums the base tables: their visibility map is set, so an
    index-only scan (the repeat-people counts) reads no heap pages and the planner knows it."""
    from django.db import connection

    call_command("generate_investigations", count=1500, seed=7, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relpages, relallvisible FROM pg_class "
            "WHERE relname IN ('cases_investigation', 'cases_cpsreferral') ORDER BY relname"
        )
        tables = cursor.fetchall()
    assert [name for name, _pages, _visible in tables] == ["cases_cpsreferral", "cases_investigation"]
    for name, pages, visible in tables:
        assert pages > 0 and visible == pages, (name, pages, visible)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bulk_delta_sorts_in_memory_for_its_transaction_only(requires_postgres: None) -> None:
    """A bulk writer's delta raises work_mem and turns JIT off with SET LOCAL: for that transaction,
    not the connection's."""
    from django.db import transaction

    def settings() -> tuple[str, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
            work_mem, jit = cursor.fetchone()
            return str(work_mem), str(jit)

    before = settings()
    with transaction.atomic():
        rollups.add_investigations(list(range(1, 10)))  # a few rows: the defaults are enough
        assert settings() == before
        rollups.add_investigations(list(range(1, rollups.BULK_ROWS + 1)))
        assert settings() == (rollups.BULK_WORK_MEM, "off")
    assert settings() == before


def _prepared_rollup_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'rollup%%' ORDER BY name")
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_saves_delta_is_prepared_once_per_connection_and_counts_right(requires_postgres: None) -> None:
    """A save's subtract and add are statements prepared on the connection (planning them cost more than
    running them) and run with a generic plan: the second save prepares nothing; the figures stay right,
    also after a rollback of the transaction that prepared them; the session's plan cache mode is left
    as it was."""
    connection.close()  # a fresh connection: nothing prepared on it
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        mode = cursor.fetchone()[0]
    with transaction.atomic():  # prepared, then rolled back: the statements stay prepared, the counts go
        InvestigationFactory(recorded_date=date(2025, 5, 1))
        transaction.set_rollback(True)
    assert not KpiRollupMonth.objects.filter(recorded__gt=0).exists()
    prepared = _prepared_rollup_statements()
    assert len(prepared) == 1  # a new investigation: only the add (there is nothing to subtract)
    investigation = InvestigationFactory(recorded_date=date(2025, 5, 1))
    investigation.recorded_date = date(2025, 6, 3)
    with CaptureQueriesContext(connection) as captured:
        investigation.save()  # a subtract and an add
    sql = [query["sql"] for query in captured]
    assert [statement for statement in sql if statement.startswith("PREPARE")] == [
        next(statement for statement in sql if statement.startswith("PREPARE"))
    ]  # the subtract, new to this connection; the add was prepared by the first save
    assert sum(f"EXECUTE {name}(" in statement for statement in sql for name in prepared) == 1
    assert len(_prepared_rollup_statements()) == 2
    investigation.recorded_date = date(2025, 6, 4)
    with CaptureQueriesContext(connection) as captured:
        investigation.save()
    assert not any(query["sql"].startswith("PREPARE") for query in captured)
    assert _month("2025-06")["recorded"] == 1 and _month("2025-05")["recorded"] == 0
    assert rollups.sums(span=rollups.window(date(2025, 6, 4), date(2025, 6, 4)), filters={})[0]["recorded"] == 1
    _verified()
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == mode


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_behind_a_transaction_pooler_and_in_bulk_nothing_is_prepared(requires_postgres: None, settings: Any) -> None:
    """DISABLE_SERVER_SIDE_CURSORS (what Django asks for behind PgBouncer's transaction pooling, where a
    session's prepared statements do not follow it) sends the statements plain; so does a bulk delta."""
    connection.close()
    pooled = connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        InvestigationFactory(recorded_date=date(2025, 5, 1))
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = pooled
    assert _prepared_rollup_statements() == []
    call_command("generate_investigations", count=rollups.BULK_ROWS, seed=3, stdout=StringIO())
    assert _prepared_rollup_statements() == []
    _verified()


@pytest.mark.postgres
def test_a_change_rewrites_its_rollup_rows_on_their_own_pages(requires_postgres: None) -> None:
    """Every rollup table leaves half of each page free (migration cases/0025), so a change's UPDATE of a
    rollup row is heap-only (HOT: no new index entries), even on pages a bulk write filled; with full pages
    the new versions went to other pages and into both indexes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s) ORDER BY relname",
            [[model._meta.db_table for model in ROLLUP_MODELS]],
        )
        options = dict(cursor.fetchall())
    assert options == {model._meta.db_table: ["fillfactor=50"] for model in ROLLUP_MODELS}

    call_command("generate_investigations", count=rollups.BULK_ROWS, seed=11, stdout=StringIO())
    tables = [model._meta.db_table for model in ROLLUP_MODELS]

    def updates() -> dict[str, tuple[int, int]]:
        """This transaction's row updates so far, and how many of them were heap-only, per rollup table."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
                [tables],
            )
            return {name: (updated, hot) for name, updated, hot in cursor.fetchall()}

    before = updates()
    for investigation in Investigation.objects.filter(outcome_type="").order_by("pk")[:20]:
        investigation.outcome_type, investigation.outcome_date = "18", investigation.recorded_date
        investigation.save()  # subtracts what it counted, adds what it counts now: rows already there
    after = updates()
    changed = {name: (after[name][0] - before[name][0], after[name][1] - before[name][1]) for name in tables}
    assert changed["cases_kpirollupday"][0] >= 20
    assert all(updated == hot for updated, hot in changed.values()), changed
    _verified()
