"""The application's PostgreSQL role: whether grants bind it (README "Database roles").

``manage.py grant_app_role`` refuses to grant a role they would not bind, and the deploy check
``oversight.W001`` (``manage.py check --deploy --database default``) warns when the processes connect as
one: a superuser, a role that bypasses row security, or one that owns the application's tables ignores
the grants that keep the access log append-only and the schema unchanged.
"""

from __future__ import annotations

from typing import Any


def unbound_by_grants(cursor: Any, role: str) -> str | None:
    """Why grants would not bind ``role`` in this database's current schema, or ``None`` if they would
    (``None`` also for a role that does not exist: callers say so themselves)."""
    cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
    found = cursor.fetchone()
    if found is None:
        return None
    if found[0]:
        return f"{role!r} is a superuser"
    if found[1]:
        return f"{role!r} bypasses row security"
    cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner = %s", [role])
    if cursor.fetchone()[0]:
        return f"{role!r} owns the application's tables"
    return None
