"""The latest summaries on every role's home panel (two small queries)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from oversight.home import register_panel
from oversight.roles import Cap, Role, has_capability

from .models import Summary, SummaryKind


def latest_summaries(*, user: Any) -> dict[str, Any]:
    if not has_capability(user, Cap.SUMMARIES_VIEW):
        return {}
    links = []
    for kind in (SummaryKind.MONTHLY_PERFORMANCE, SummaryKind.QUARTERLY_RAG):
        latest = Summary.objects.filter(kind=kind).only("pk", "kind", "period").order_by("-period_start").first()
        if latest:
            links.append(
                {
                    "label": f"Latest {latest.get_kind_display().lower()}: {latest.period}",
                    "url": reverse("summaries:summary_detail", args=[latest.pk]),
                }
            )
    return {"links": links}


for _role in (Role.BOARD_CHAIR, Role.OPCC_SCRUTINY, Role.ADMINISTRATOR):
    register_panel(_role)(latest_summaries)
