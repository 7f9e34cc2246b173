"""The access log: append-only, searched and downloaded by administrators, pruned after the retention period."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from oversight import accesslog
from oversight.models import AccessKind, AccessLogEntry, AppendOnly
from oversight.roles import Role
from oversight.tasks import prune_access_log

pytestmark = pytest.mark.django_db


def entry(user: Any, *, days_ago: float = 0, **fields: Any) -> AccessLogEntry:
    fields.setdefault("kind", AccessKind.INVESTIGATION)
    fields.setdefault("path", "/cases/1/")
    return AccessLogEntry.objects.create(user=user, at=timezone.now() - timedelta(days=days_ago), **fields)


# --- Append-only -------------------------------------------------------------------------------------------


def test_an_entry_cannot_be_changed_or_deleted(make_user: Any) -> None:
    row = entry(make_user(Role.CASE_EDITOR), crime_reference="20/1/25")
    row.crime_reference = "20/2/25"
    with pytest.raises(AppendOnly):
        row.save()
    with pytest.raises(AppendOnly):
        row.delete()
    with pytest.raises(AppendOnly):
        AccessLogEntry.objects.filter(pk=row.pk).update(crime_reference="20/2/25")
    with pytest.raises(AppendOnly):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get().crime_reference == "20/1/25"


def test_the_admin_shows_the_log_read_only(client_for: Any) -> None:
    admin = client_for(Role.ADMINISTRATOR)
    row = entry(admin.user)
    assert admin.get("/admin/oversight/accesslogentry/").status_code == 200
    assert admin.get(f"/admin/oversight/accesslogentry/{row.pk}/delete/").status_code == 403
    assert admin.get("/admin/oversight/accesslogentry/add/").status_code == 403
    admin.post(f"/admin/oversight/accesslogentry/{row.pk}/change/", {"crime_reference": "x"})
    assert AccessLogEntry.objects.get().crime_reference == ""


def test_the_only_django_permission_on_the_log_is_view() -> None:
    assert AccessLogEntry._meta.default_permissions == ("view",)


def test_on_postgresql_the_database_refuses_updates_and_deletes_too(make_user: Any, requires_postgres: None) -> None:
    row = entry(make_user(Role.CASE_EDITOR))
    for sql in (
        "UPDATE oversight_accesslogentry SET crime_reference = 'x' WHERE id = %s",
        "DELETE FROM oversight_accesslogentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert AccessLogEntry.objects.filter(pk=row.pk, crime_reference="").exists()


def test_on_postgresql_the_database_refuses_to_truncate_the_log(make_user: Any, requires_postgres: None) -> None:
    row = entry(make_user(Role.CASE_EDITOR))
    for sql in ("TRUNCATE oversight_accesslogentry", "TRUNCATE oversight_user CASCADE"):  # flush, or via the users
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL oversight.access_log_truncate = 'off'")  # as on any database but the tests'
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the row's deferred foreign-key check, done now
            cursor.execute(sql)
    assert AccessLogEntry.objects.filter(pk=row.pk).exists()


# --- Where from ------------------------------------------------------------------------------------------


def test_the_address_is_remote_addr_unless_proxies_are_trusted(settings: Any) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")
    assert accesslog.client_ip(request) == "10.0.0.5"  # X-Forwarded-For is not believed by default
    settings.TRUSTED_PROXY_COUNT = 1
    assert accesslog.client_ip(request) == "192.0.2.7"  # the address our one proxy saw
    settings.TRUSTED_PROXY_COUNT = 3  # more proxies than hops: fall back to the connection
    assert accesslog.client_ip(request) == "10.0.0.5"


# --- Search page ---------------------------------------------------------------------------------------------


@pytest.fixture
def log(make_user: Any) -> dict[str, Any]:
    alice = make_user(Role.CASE_EDITOR, email="alice.smith@example.org")
    bob = make_user(Role.AUDIT_LEAD, email="bob.jones@example.org")
    return {
        "alice": alice,
        "bob": bob,
        "old": entry(alice, days_ago=40, object_id=7, crime_reference="20/000007/25"),
        "alice_list": entry(
            alice, days_ago=2, kind=AccessKind.INVESTIGATION_LIST, query="strand=rasso", path="/cases/"
        ),
        "bob_7": entry(bob, days_ago=1, object_id=7, crime_reference="20/000007/25"),
        "bob_review": entry(bob, kind=AccessKind.CASE_REVIEW, object_id=3, crime_reference="20/000009/25"),
    }


def _shown(response: Any) -> list[int]:
    return [e.pk for e in response.context["page_obj"]]


def test_administrators_search_by_user_reference_id_kind_and_dates(client_for: Any, log: dict[str, Any]) -> None:
    admin = client_for(Role.ADMINISTRATOR)
    today = timezone.localdate()

    assert _shown(admin.get("/manage/access-log/")) == [log[k].pk for k in ("bob_review", "bob_7", "alice_list", "old")]
    assert _shown(admin.get("/manage/access-log/?user=ALICE")) == [log["alice_list"].pk, log["old"].pk]
    # "who looked at this case?": by crime reference, or by the investigation's id
    assert _shown(admin.get("/manage/access-log/?reference=20/000007/25")) == [log["bob_7"].pk, log["old"].pk]
    assert _shown(admin.get("/manage/access-log/?reference=7")) == [log["bob_7"].pk, log["old"].pk]
    assert _shown(admin.get("/manage/access-log/?kind=case_review")) == [log["bob_review"].pk]
    # From 3 days ago to yesterday, both days included: the list (2 days ago) and bob's read (1 day ago).
    window = f"date_from={today - timedelta(days=3)}&date_to={today - timedelta(days=1)}"
    assert _shown(admin.get(f"/manage/access-log/?{window}")) == [log["bob_7"].pk, log["alice_list"].pk]


def test_a_bad_date_range_is_a_clear_400(client_for: Any, log: dict[str, Any]) -> None:
    response = client_for(Role.ADMINISTRATOR).get("/manage/access-log/?date_from=2025-05-02&date_to=2025-05-01")
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()


def test_the_search_pages_fifty_at_a_time(client_for: Any, make_user: Any) -> None:
    user = make_user(Role.CASE_EDITOR)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(user=user, kind=AccessKind.INVESTIGATION, path="/cases/1/") for _ in range(51)
    )
    admin = client_for(Role.ADMINISTRATOR)
    assert len(_shown(admin.get("/manage/access-log/"))) == 50
    assert len(_shown(admin.get("/manage/access-log/?page=2"))) == 1


def test_the_search_downloads_as_csv(client_for: Any, log: dict[str, Any]) -> None:
    response = client_for(Role.ADMINISTRATOR).get("/manage/access-log/?user=alice&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["When", "User", "Email", "What", "Record id", "Crime reference", "Filter", "Path", "IP address"]
    assert [r[2:7] for r in rows[1:]] == [
        ["alice.smith@example.org", "Investigation list", "", "", "strand=rasso"],
        ["alice.smith@example.org", "Investigation opened", "7", "20/000007/25", ""],
    ]


# --- Retention -----------------------------------------------------------------------------------------------


def test_pruning_deletes_only_entries_older_than_the_retention_period(log: dict[str, Any], settings: Any) -> None:
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    assert prune_access_log.delay().get() == 1  # the 40-day-old entry
    assert not AccessLogEntry.objects.filter(pk=log["old"].pk).exists()
    assert AccessLogEntry.objects.count() == 3


def test_the_prune_command_takes_a_number_of_days(log: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("prune_access_log", "--days", "1", stdout=out)
    # older than 1 day: the 40-day entry and the list of 2 days ago; bob's read of 1 day ago is a hair older too
    assert out.getvalue().startswith("Deleted 3 access-log entries older than 1 day.")
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [log["bob_review"].pk]


def test_the_prune_task_is_scheduled_daily() -> None:
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="oversight.tasks.prune_access_log")
    assert (task.crontab.hour, task.crontab.minute, task.enabled) == ("3", "15", True)


def test_a_broad_search_says_more_than_the_cap_instead_of_counting_everything(
    client_for: Any, log: dict[str, Any], monkeypatch: Any
) -> None:
    from oversight import manage_views

    monkeypatch.setattr(manage_views, "COUNT_CAP", 3)
    response = client_for(Role.ADMINISTRATOR).get("/manage/access-log/")
    assert "More than <strong>3</strong> entries: narrow the search to count them" in response.content.decode()
    assert len(_shown(response)) == 4  # the page still lists them all (fewer than 50)
