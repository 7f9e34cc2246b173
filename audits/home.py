"""Home panels: audit leads see their audits in progress and actions to verify; anyone who owns actions sees a count."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from oversight.home import register_panel
from oversight.roles import Role

from .choices import ACTION_OPEN_STATUSES, ActionStatus, AuditStatus
from .models import Action, Audit


@register_panel(Role.AUDIT_LEAD)
def audit_lead_panel(*, user: Any) -> dict[str, Any]:
    to_verify = Action.objects.filter(status=ActionStatus.COMPLETED).exclude(owner=user).count()
    return {
        "links": [
            {"label": "Audits", "url": reverse("audits:audit_list")},
            {"label": "Plan an audit", "url": reverse("audits:audit_create")},
            {"label": "Actions tracker", "url": reverse("audits:action_list")},
        ],
        "includes": ["audits/home_audit_lead.html"],
        "audits_in_progress": Audit.objects.filter(lead_auditor=user, status=AuditStatus.IN_PROGRESS).count(),
        "audits_actions_to_verify": to_verify,
    }


def my_actions_panel(*, user: Any) -> dict[str, Any]:
    """Open actions the user owns (any role); the home page shows it once, in the first panel."""
    counts = Action.objects.filter(owner=user, status__in=ACTION_OPEN_STATUSES).aggregate(
        n=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=timezone.localdate()))
    )
    if not counts["n"]:
        return {}
    return {
        "includes": ["audits/home_my_actions.html"],
        "audits_my_actions": counts["n"],
        "audits_my_overdue": counts["overdue"],
    }


for _role in Role:
    register_panel(_role)(my_actions_panel)
