"""The access log refuses TRUNCATE too (PostgreSQL): a statement trigger, as the row trigger of 0008
refuses UPDATE and DELETE. ``TRUNCATE`` fires no row trigger, so without it ``manage.py flush`` or a
``TRUNCATE … CASCADE`` of the users table would empty the log. A session that has set
``oversight.access_log_truncate`` may (the test suite's database, emptied between tests).
"""

from django.db import migrations

TABLE = "oversight_accesslogentry"

CREATE_TRIGGER = f"""
CREATE OR REPLACE FUNCTION oversight_access_log_truncate_guard() RETURNS trigger AS $$
BEGIN
    IF current_setting('oversight.access_log_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'The access log is append-only (TRUNCATE refused).',
        ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER oversight_access_log_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION oversight_access_log_truncate_guard();
"""

DROP_TRIGGER = f"""
DROP TRIGGER IF EXISTS oversight_access_log_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS oversight_access_log_truncate_guard();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGGER)


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0010_hash_stored_recovery_codes")]

    operations = [migrations.RunPython(add_trigger, remove_trigger)]
