"""Reads of the summary archive and its build log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from oversight.models import User
from oversight.roles import Cap, require_capability

from .models import Summary, SummaryBuild


def summaries_visible_to(user: User | AnonymousUser) -> Any:
    """Every summary, newest first (aggregate content: any role with SUMMARIES_VIEW may read)."""
    require_capability(user, Cap.SUMMARIES_VIEW)
    return Summary.objects.order_by("-period_start", "kind")


def latest_builds(*, limit: int = 20) -> Any:
    """The most recent builds of any summary, newest first."""
    return SummaryBuild.objects.select_related("triggered_by", "summary")[:limit]
