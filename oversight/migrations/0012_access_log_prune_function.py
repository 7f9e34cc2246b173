"""The access log's one delete path as a function (PostgreSQL), so that the application's database role
needs no DELETE on the log at all (``manage.py grant_app_role``, README "Database roles").

``oversight_prune_access_log(cutoff)`` runs with its owner's rights (SECURITY DEFINER, a fixed
search_path), deletes the entries older than ``cutoff`` with the append-only trigger's
``oversight.access_log_prune`` set for its own run only, and refuses a cutoff later than
``oversight.access_log_min_retention_days`` days ago: a setting of the function itself, which only its
owner can change (``ALTER FUNCTION … SET``; ``grant_app_role`` sets it to ``ACCESS_LOG_RETENTION_DAYS``).
Nobody but its owner may run it until ``grant_app_role`` grants it.
"""

from django.db import migrations

TABLE = "oversight_accesslogentry"
FUNCTION = "oversight_prune_access_log(timestamp with time zone)"

# {table}: the log, schema-qualified (the function's search_path holds only pg_catalog and pg_temp);
# %% is format()'s %, doubled for the driver's placeholders.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION oversight_prune_access_log(cutoff timestamp with time zone) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET oversight.access_log_prune = 'on'
SET oversight.access_log_min_retention_days = '0'
AS $$
DECLARE
    keep integer := current_setting('oversight.access_log_min_retention_days')::integer;
    deleted bigint;
BEGIN
    IF cutoff IS NULL OR cutoff > now() - make_interval(days => keep) THEN
        RAISE EXCEPTION USING
            MESSAGE = format('The access log keeps every entry for at least %%s days: pruning newer entries is refused.', keep),
            ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM {table} WHERE at < cutoff;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;
REVOKE ALL ON FUNCTION {function} FROM PUBLIC;
"""


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
    table = f"{schema_editor.quote_name(schema)}.{TABLE}"
    schema_editor.execute(CREATE_FUNCTION.format(table=table, function=FUNCTION))


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}")


class Migration(migrations.Migration):
    dependencies = [("oversight", "0011_access_log_refuses_truncate")]

    operations = [migrations.RunPython(create_function, drop_function)]
