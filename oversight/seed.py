"""Demo data for the ``oversight`` app (summaries), called last by ``seed_demo``."""

from typing import Any


def run(*, stdout: Any, users: dict[str, Any]) -> None:
    """Build demo summaries (filled in by the summaries issue)."""
