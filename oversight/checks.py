"""System checks of the ground floor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import connections

from .dbroles import unbound_by_grants


@register(Tags.database, deploy=True)
def database_role(app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """``oversight.W001``: the processes connect as a role that grants do not bind (``--database`` given)."""
    messages: list[CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            (role,) = cursor.fetchone()
            problem = unbound_by_grants(cursor, role)
        if problem:
            messages.append(
                Warning(
                    f"Database {alias!r} is used by a role that grants do not bind ({problem}): the database "
                    "would not stop the application changing the schema or the access log.",
                    hint="Run the web, worker and beat processes as a role granted by manage.py grant_app_role, "
                    "and migrate as the owner (README, Database roles).",
                    id="oversight.W001",
                )
            )
    return messages
