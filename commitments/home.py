"""Home-page panels for the commitment lead, board chair and OPCC roles (a few cheap counts)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from oversight.home import register_panel
from oversight.roles import Role

from . import rules, scrutiny_selectors, selectors
from .choices import AssessmentStatus
from .models import Board, Commitment, RagAssessment, period_label


@register_panel(Role.COMMITMENT_LEAD)
def lead_panel(*, user: Any) -> dict[str, Any]:
    key = selectors.reporting_key()
    led = Commitment.objects.filter(lead=user).count()
    done = (
        RagAssessment.objects.current()
        .filter(commitment__lead=user, period__key=key)
        .exclude(status=AssessmentStatus.CHALLENGED)
        .count()
    )
    return {
        "links": [{"label": "My commitments", "url": reverse("commitments:my_commitments")}],
        "includes": ["commitments/home_commitment_lead.html"],
        "commitments_led": led,
        "commitments_due": max(led - done, 0),
        "commitments_period": period_label(key),
    }


@register_panel(Role.BOARD_CHAIR)
def chair_panel(*, user: Any) -> dict[str, Any]:
    chaired = list(Board.objects.filter(chair=user).values_list("pk", flat=True)[:2])
    # One board: its page lists the proposals waiting; several: the list of boards counts them per board.
    url = reverse("commitments:board_detail", args=[chaired[0]]) if len(chaired) == 1 else None
    return {
        "links": [{"label": "Boards", "url": reverse("commitments:board_list")}],
        "includes": ["commitments/home_board_chair.html"],
        "pending_reviews": selectors.pending_reviews(user=user).exclude(proposed_by=user).count(),
        "pending_reviews_url": url or reverse("commitments:board_list"),
    }


@register_panel(Role.OPCC_SCRUTINY)
def opcc_panel(*, user: Any) -> dict[str, Any]:
    return {
        "links": [
            {"label": "Scrutiny queue", "url": reverse("commitments:scrutiny_queue")},
            {"label": "Report to the Commissioner", "url": reverse("commitments:report")},
        ],
        "includes": ["commitments/home_opcc_scrutiny.html"],
        "scrutiny_queue": selectors.scrutiny_queue(user=user).count(),
    }


def scrutiny_queries_panel(*, user: Any) -> dict[str, Any]:
    """Scrutiny queries on the home page, in one query: for the OPCC every query waiting for an
    answer and those overdue; for anyone who owns queries, theirs. Counts link to the filtered list."""
    counts = scrutiny_selectors.query_home_counts(user=user, today=timezone.localdate())
    list_url = reverse("commitments:query_list")
    context: dict[str, Any] = {"queries": counts, "queries_owner_url": f"{list_url}?owner={user.pk}"}
    context["queries_list_url"] = list_url
    if rules.can_raise_queries(user):
        context["links"] = [{"label": "Raise a scrutiny query", "url": reverse("commitments:query_create")}]
        context["includes"] = ["commitments/home_queries_opcc.html"]
        if counts["mine_awaiting"]:
            context["includes"].append("commitments/home_queries_mine.html")
    elif counts["mine_awaiting"]:
        context["includes"] = ["commitments/home_queries_mine.html"]
    return context


for _role in Role:
    register_panel(_role)(scrutiny_queries_panel)
