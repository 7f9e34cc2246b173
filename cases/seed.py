"""Demo data for the ``cases`` app, called by ``manage.py seed_demo``."""

from typing import Any


def run(*, stdout: Any, users: dict[str, Any]) -> None:
    """Create this app's demo data (idempotent). ``users`` maps role → demo user."""
