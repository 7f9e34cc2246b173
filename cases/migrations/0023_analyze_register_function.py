"""``cases_analyze_register()`` (PostgreSQL): ANALYZE the investigations and CPS referrals with the
tables' owner's rights, for the CSV import, which refreshes the planner's statistics after writing many
rows. Only a table's owner may ANALYZE it, and the application's role owns nothing
(``manage.py grant_app_role``): run as that role, a plain ANALYZE is skipped with a warning. Anyone may
run the function: it only refreshes statistics.
"""

from django.db import migrations

FUNCTION = "cases_analyze_register()"

# {investigations}, {referrals}: the tables, schema-qualified (the function's search_path holds only
# pg_catalog and pg_temp).
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION cases_analyze_register() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    ANALYZE {investigations};
    ANALYZE {referrals};
END
$$;
"""


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
    quote = schema_editor.quote_name
    tables = {
        name: f"{quote(schema)}.{quote(apps.get_model('cases', model)._meta.db_table)}"
        for name, model in (("investigations", "Investigation"), ("referrals", "CpsReferral"))
    }
    schema_editor.execute(CREATE_FUNCTION.format(**tables))


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0022_kpi_rollup_force_days")]

    operations = [migrations.RunPython(create_function, drop_function)]
