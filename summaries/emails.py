"""Emails: a built summary to board chairs and OPCC officers, and the daily digest of overdue actions
and overdue scrutiny queries."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audits.selectors import overdue_actions_by_owner
from commitments.scrutiny_selectors import overdue_queries_by_owner
from oversight.models import User
from oversight.roles import Role

from .models import DigestDelivery, Summary


def _absolute(url_name: str, *args: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(url_name, args=args)


def summary_recipients() -> list[User]:
    """Board chairs and OPCC scrutiny officers (active, with an email address)."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=[Role.BOARD_CHAIR, Role.OPCC_SCRUTINY])
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


def email_summary(summary: Summary) -> int:
    """Send ``summary`` to its recipients, one message each; returns how many were sent.

    The content is the aggregate summary itself: there is nothing case-level to strip.
    """
    recipients = summary_recipients()
    if not recipients:
        return 0
    context = {
        "summary": summary,
        "data": summary.data,
        "summary_url": _absolute("summaries:summary_detail", summary.pk),
    }
    subject = f"Oversight: {summary.get_kind_display()} {summary.period}"
    text = render_to_string("summaries/email/summary.txt", context)
    messages = []
    for user in recipients:
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
        message.attach_alternative(render_to_string("summaries/email/summary.html", context), "text/html")
        messages.append(message)
    return get_connection().send_messages(messages) or 0


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def overdue_by_owner(*, today: date) -> list[dict[str, Any]]:
    """Each owner's overdue audit actions and overdue scrutiny queries, owners by name:
    ``[{"owner_id", "owner_name", "actions": [...], "action_count", "queries": [...], "query_count"}]``."""
    owners: dict[int, dict[str, Any]] = {}
    for entry in overdue_actions_by_owner(today=today):
        owner = owners.setdefault(entry["owner_id"], {"owner_id": entry["owner_id"], "owner_name": entry["owner_name"]})
        owner["actions"], owner["action_count"] = entry["actions"], entry["count"]
    for entry in overdue_queries_by_owner(today=today):
        owner = owners.setdefault(entry["owner_id"], {"owner_id": entry["owner_id"], "owner_name": entry["owner_name"]})
        owner["queries"], owner["query_count"] = entry["queries"], entry["count"]
    for owner in owners.values():
        owner.setdefault("actions", [])
        owner.setdefault("action_count", 0)
        owner.setdefault("queries", [])
        owner.setdefault("query_count", 0)
    return sorted(owners.values(), key=lambda o: (o["owner_name"], o["owner_id"]))


def send_overdue_digests(*, today: date | None = None) -> dict[str, int]:
    """Email each owner their overdue actions and overdue scrutiny queries, at most once per owner per day.

    The once-a-day rule is held by a unique (owner, day) row written in the same
    transaction as the send: a second run the same day finds it and skips the owner.
    The digest lists action titles, due dates and audits, and queries' subjects and questions:
    never crime references.
    """
    today = today or timezone.localdate()
    entries = overdue_by_owner(today=today)
    owners = User.objects.in_bulk([entry["owner_id"] for entry in entries])
    sent = skipped = 0
    for entry in entries:
        owner = owners.get(entry["owner_id"])
        if owner is None or not owner.is_active or not owner.email:
            continue
        with transaction.atomic():
            _delivery, created = DigestDelivery.objects.get_or_create(
                owner=owner,
                day=today,
                defaults={"action_count": entry["action_count"], "query_count": entry["query_count"]},
            )
            if not created:
                skipped += 1
                continue
            context = {
                "owner": owner,
                "entry": entry,
                "today": today,
                "actions": [{**a, "url": _absolute("audits:action_detail", a["id"])} for a in entry["actions"]],
                "queries": [{**q, "url": _absolute("commitments:query_detail", q["id"])} for q in entry["queries"]],
                "my_actions_url": _absolute("audits:my_actions"),
                "my_queries_url": _absolute("commitments:query_list") + f"?owner={owner.pk}&awaiting=yes",
            }
            parts = []
            if entry["action_count"]:
                parts.append(_plural(entry["action_count"], "overdue action", "overdue actions"))
            if entry["query_count"]:
                parts.append(_plural(entry["query_count"], "overdue scrutiny query", "overdue scrutiny queries"))
            EmailMultiAlternatives(
                f"Oversight: you have {' and '.join(parts)}",
                render_to_string("summaries/email/digest.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                [owner.email],
            ).send()
            sent += 1
    return {"sent": sent, "skipped": skipped}
