"""``manage.py grant_app_role ROLE [--min-retention-days N]``: give the application's PostgreSQL role the
least it needs, run by the tables' owner after every ``migrate`` (README "Database roles").

The role may read and write the application's tables and use their sequences, and no more: it owns
nothing, so it can change no table's structure, drop no trigger and TRUNCATE nothing. On the access log
it may only read and add (no UPDATE, DELETE or TRUNCATE): old entries leave through
``oversight_prune_access_log`` (migration ``oversight/0012``), which it may run and which refuses to
prune entries newer than ``--min-retention-days`` (``ACCESS_LOG_RETENTION_DAYS`` unless given). On
``django_migrations`` it may only read. Run again after each release: tables added since get their
grants then.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from oversight.accesslog import PRUNE_FUNCTION
from oversight.dbroles import unbound_by_grants
from oversight.models import AccessLogEntry

READ_ONLY = ("django_migrations",)  # tables the role may read and not change
PRUNE_SIGNATURE = f"{PRUNE_FUNCTION}(timestamp with time zone)"


class Command(BaseCommand):
    help = "Grant the application's PostgreSQL role least privilege (run as the tables' owner after migrate)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the PostgreSQL role the web, worker and beat processes connect as")
        parser.add_argument(
            "--min-retention-days",
            type=int,
            default=None,
            help="the access log's entries the role can never prune (default: ACCESS_LOG_RETENTION_DAYS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL (DATABASE_URL=postgres://…); SQLite has no roles.")
        role: str = options["role"]
        keep = options["min_retention_days"]
        keep = settings.ACCESS_LOG_RETENTION_DAYS if keep is None else keep
        if keep < 1:
            raise CommandError("--min-retention-days must be 1 or more.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"There is no PostgreSQL role {role!r}: create it first (CREATE ROLE … LOGIN).")
            if problem := unbound_by_grants(cursor, role):
                raise CommandError(f"{problem}: grants would not bind it. Use a role that owns nothing.")
            cursor.execute("SELECT to_regprocedure(%s)", [PRUNE_SIGNATURE])
            if cursor.fetchone()[0] is None:
                raise CommandError(f"{PRUNE_FUNCTION} is missing: run manage.py migrate first.")
            cursor.execute("SELECT current_schema(), current_database()")
            schema, database = cursor.fetchone()
        quote = connection.ops.quote_name
        grantee, schema_name, log = quote(role), quote(schema), quote(AccessLogEntry._meta.db_table)
        statements = [
            f"GRANT CONNECT ON DATABASE {quote(database)} TO {grantee}",
            f"GRANT USAGE ON SCHEMA {schema_name} TO {grantee}",
            f"REVOKE CREATE ON SCHEMA {schema_name} FROM {grantee}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_name} TO {grantee}",
            f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema_name} FROM {grantee}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_name} TO {grantee}",
            f"REVOKE UPDATE, DELETE ON {log} FROM {grantee}",
            *(f"REVOKE INSERT, UPDATE, DELETE ON {quote(table)} FROM {grantee}" for table in READ_ONLY),
            f"ALTER FUNCTION {PRUNE_SIGNATURE} SET oversight.access_log_min_retention_days = '{int(keep)}'",
            f"GRANT EXECUTE ON FUNCTION {PRUNE_SIGNATURE} TO {grantee}",
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"Granted {role}: read and write the tables of schema {schema} (no TRUNCATE), use their sequences; "
            f"the access log read and add only, pruned through {PRUNE_FUNCTION} keeping at least {keep} days; "
            f"django_migrations read only."
        )
