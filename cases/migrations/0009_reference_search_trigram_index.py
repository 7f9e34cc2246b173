"""Reference search (``crime_reference`` contains, case-insensitive) served by a trigram index on
PostgreSQL: the index is on the expression Django's ``icontains`` compares, ``UPPER(ref::text)``.
On other databases (SQLite) nothing is created and the search scans, as before."""

from django.db import migrations

INDEX = "inv_reference_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_investigation "
        "USING gin ((UPPER(crime_reference::text)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_register_sort_and_filter_indexes")]

    operations = [migrations.RunPython(create, drop)]
