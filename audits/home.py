"""Home panels: audit leads see their audits in progress and actions to verify; anyone who owns actions sees a count."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from oversight.home import register_panel
from oversight.roles import Role, user_roles

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


def _first_role(user: Any) -> Role | None:
    roles = sorted(user_roles(user), key=lambda r: list(Role).index(r))
    return roles[0] if roles else None


def _my_actions_builder(role: Role) -> Any:
    def build(*, user: Any) -> dict[str, Any]:
        # Shown once, in the user's first panel, and only to people who own open actions.
        if _first_role(user) != role:
            return {}
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

    build.__name__ = f"my_actions_panel_{role.value}"
    return build


for _role in Role:
    register_panel(_role)(_my_actions_builder(_role))
