"""The access log is append-only in the database too (PostgreSQL), and is pruned daily.

- A trigger refuses UPDATE and DELETE on the log, except a DELETE in a transaction that has set
  ``oversight.access_log_prune`` (``oversight.accesslog.prune``, the retention task). Other
  databases rely on the model and admin guards alone.
- Beat schedule: prune entries older than ``ACCESS_LOG_RETENTION_DAYS`` at 03:15 every day.
"""

from django.db import migrations

TABLE = "oversight_accesslogentry"

CREATE_TRIGGER = f"""
CREATE OR REPLACE FUNCTION oversight_access_log_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('oversight.access_log_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'The access log is append-only (' || TG_OP || ' refused).',
        ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER oversight_access_log_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION oversight_access_log_guard();
"""

DROP_TRIGGER = f"""
DROP TRIGGER IF EXISTS oversight_access_log_append_only ON {TABLE};
DROP FUNCTION IF EXISTS oversight_access_log_guard();
"""

SCHEDULE = ("Prune the access log", "oversight.tasks.prune_access_log")


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGGER)


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="15", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.update_or_create(
        name=SCHEDULE[0], defaults={"task": SCHEDULE[1], "crontab": crontab, "enabled": True}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0007_add_access_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(add_trigger, remove_trigger),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
