"""The application's own PostgreSQL role (``manage.py grant_app_role``): the least it needs, no more.

Each test creates a role inside its transaction (rolled back with it, so nothing outlives the test), grants
it with the command, and then works as it (``SET LOCAL ROLE``): what the application does still works,
and the access log can only be read, added to and pruned past the minimum retention.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from cases import rollups
from cases.models import Investigation
from oversight import accesslog
from oversight.models import AccessLogEntry
from oversight.roles import Role
from tests.cases.factories import InvestigationFactory

from .test_access_log import entry

pytestmark = pytest.mark.postgres


@pytest.fixture
def app_role(requires_postgres: None) -> str:
    """A new login role, granted by the command with a minimum retention of 30 days."""
    role = f"oversight_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
    out = io.StringIO()
    call_command("grant_app_role", role, "--min-retention-days", "30", stdout=out)
    assert out.getvalue().startswith(f"Granted {role}: ")
    assert "keeping at least 30 days" in out.getvalue()
    return role


@pytest.fixture
def as_app(app_role: str) -> Iterator[str]:
    """The rest of the test's transaction runs as the application's role."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role
    yield app_role


def refused(sql: str, params: list[Any] | None = None) -> str:
    """The database's message refusing ``sql`` (in a savepoint, so the test goes on)."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(caught.value)


def test_the_role_reads_and_adds_to_the_access_log_and_can_neither_change_nor_empty_it(
    make_user: Any, app_role: str
) -> None:
    user = make_user(Role.CASE_EDITOR)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
    row = entry(user, crime_reference="20/000001/25")  # an INSERT, as every case page does
    assert AccessLogEntry.objects.filter(pk=row.pk).exists()
    for sql in (
        "UPDATE oversight_accesslogentry SET crime_reference = 'x' WHERE id = %s",
        "DELETE FROM oversight_accesslogentry WHERE id = %s",
    ):
        assert "permission denied for table oversight_accesslogentry" in refused(sql, [row.pk])
    with connection.cursor() as cursor:  # the triggers' escape hatches are no help without the privilege
        cursor.execute("SET LOCAL oversight.access_log_prune = 'on'")
        cursor.execute("SET LOCAL oversight.access_log_truncate = 'on'")
    assert "permission denied" in refused("DELETE FROM oversight_accesslogentry WHERE id = %s", [row.pk])
    assert "permission denied" in refused("TRUNCATE oversight_accesslogentry")
    assert AccessLogEntry.objects.filter(pk=row.pk, crime_reference="20/000001/25").exists()


def test_the_role_prunes_only_past_the_minimum_retention(make_user: Any, app_role: str) -> None:
    user = make_user(Role.CASE_EDITOR)
    old, month, recent = (entry(user, days_ago=days) for days in (40, 31, 2))
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
    with pytest.raises(accesslog.PruneRefused, match="keeps every entry for at least 30 days"):
        accesslog.prune(days=1)
    assert AccessLogEntry.objects.filter(pk__in=[old.pk, month.pk, recent.pk]).count() == 3  # nothing deleted
    # Setting the function's minimum in the session changes nothing: the function's own setting wins.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL oversight.access_log_min_retention_days = '1'")
    with pytest.raises(accesslog.PruneRefused):
        accesslog.prune(days=1)
    assert accesslog.prune(days=35) == 1  # the 40-day-old entry
    assert set(AccessLogEntry.objects.values_list("pk", flat=True)) >= {month.pk, recent.pk}
    assert not AccessLogEntry.objects.filter(pk=old.pk).exists()


def test_the_prune_command_reports_a_refusal_and_deletes_nothing(make_user: Any, app_role: str) -> None:
    row = entry(make_user(Role.CASE_EDITOR), days_ago=10)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("prune_access_log", "--days", "5", stderr=err)
    assert exited.value.code == 2
    assert err.getvalue().startswith("The access log keeps every entry for at least 30 days")
    assert "Nothing was deleted." in err.getvalue()
    assert AccessLogEntry.objects.filter(pk=row.pk).exists()


def test_the_role_changes_no_structure_and_no_migration_record(as_app: str) -> None:
    assert "permission denied for schema" in refused("CREATE TABLE oversight_intruder (id integer)")
    assert "must be owner" in refused("ALTER TABLE cases_investigation DISABLE TRIGGER ALL")
    assert "must be owner" in refused("DROP TRIGGER oversight_access_log_append_only ON oversight_accesslogentry")
    assert "permission denied for table django_migrations" in refused(
        "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())"
    )
    assert "permission denied for table cases_investigation" in refused("TRUNCATE cases_investigation CASCADE")


def test_the_register_works_as_the_role_and_the_rollup_stays_in_step(as_app: str) -> None:
    """Saves and deletes (signals keep the rollup), the import's ANALYZE, a rollup rebuild: all as the role."""
    kept = InvestigationFactory(crime_reference="20/000101/25")
    gone = InvestigationFactory(crime_reference="20/000102/25")
    gone.delete()
    kept.outcome_type, kept.outcome_date = "1", kept.recorded_date
    kept.save()
    assert list(Investigation.objects.values_list("crime_reference", flat=True)) == ["20/000101/25"]
    assert rollups.differences() == []

    notices: list[str] = []
    connection.ensure_connection()
    handler = notices.append
    connection.connection.add_notice_handler(lambda diag: handler(diag.message_primary or ""))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_investigation")  # a plain ANALYZE: only the owner may
        assert any("only table or database owner can analyze" in notice for notice in notices)
        notices.clear()
        cursor.execute("SELECT cases_analyze_register()")  # what the import runs
    assert notices == []

    assert rollups.rebuild() > 0  # deletes and recounts: the role may not TRUNCATE
    assert rollups.differences() == []


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("oversight_nobody_here", "There is no PostgreSQL role 'oversight_nobody_here'"),
        ("postgres", "'postgres' is a superuser: grants would not bind it"),
        ("oversight_bypass", "'oversight_bypass' bypasses row security: grants would not bind it"),
        ("oversight_owner", "'oversight_owner' owns the application's tables: grants would not bind it"),
    ],
)
def test_the_command_refuses_a_role_grants_cannot_bind(requires_postgres: None, role: str, message: str) -> None:
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute("CREATE ROLE oversight_bypass BYPASSRLS")
        cursor.execute("CREATE ROLE oversight_owner")
        cursor.execute("CREATE TABLE oversight_owned_elsewhere (id integer)")
        cursor.execute("ALTER TABLE oversight_owned_elsewhere OWNER TO oversight_owner")
    with pytest.raises(CommandError, match=message):
        call_command("grant_app_role", role)


def test_the_deploy_check_warns_when_the_processes_connect_as_a_role_grants_do_not_bind(app_role: str) -> None:
    from django.core import checks

    def warnings() -> list[str]:
        found = checks.run_checks(tags=[checks.Tags.database], include_deployment_checks=True, databases=["default"])
        return [message.id for message in found if message.id and message.id.startswith("oversight.")]

    assert warnings() == ["oversight.W001"]  # the tests connect as a superuser
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
    assert warnings() == []
    assert checks.run_checks(tags=[checks.Tags.database], include_deployment_checks=True) == []  # no --database


def test_the_command_refuses_a_retention_under_a_day(app_role: str) -> None:
    with pytest.raises(CommandError, match="--min-retention-days must be 1 or more"):
        call_command("grant_app_role", app_role, "--min-retention-days", "0")
