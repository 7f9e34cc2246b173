"""Top navigation: an item shows when its URL exists and the user holds its capability."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from .roles import Cap, has_any_capability

# (label, url name, capabilities: any one of them shows the item)
NAV_ITEMS: list[tuple[str, str, tuple[Cap, ...]]] = [
    ("Home", "home", ()),
    ("Investigations", "cases:investigation_list", (Cap.INVESTIGATIONS_VIEW,)),
    ("Performance", "performance:dashboard", (Cap.KPIS_VIEW,)),
    ("Audits", "audits:audit_list", (Cap.AUDITS_VIEW, Cap.AUDIT_SUMMARIES_VIEW)),
    ("My actions", "audits:my_actions", ()),
    ("Commitments", "commitments:overview", (Cap.COMMITMENTS_VIEW,)),
    ("Boards", "commitments:board_list", (Cap.BOARDS_VIEW,)),
    ("Summaries", "summaries:summary_list", (Cap.SUMMARIES_VIEW,)),
    ("Users", "user_list", (Cap.USERS_MANAGE,)),
    ("Access log", "access_log", (Cap.ACCESS_LOG_VIEW,)),
    ("Admin", "admin:index", (Cap.ADMIN_SITE,)),
]


def items_for(request: Any) -> list[dict[str, Any]]:
    """The items this user may see; the one whose URL is the longest prefix of the path is active."""
    user = request.user
    if not user.is_authenticated:
        return []
    items: list[dict[str, Any]] = []
    for label, url_name, caps in NAV_ITEMS:
        if caps and not has_any_capability(user, caps):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False})
    matches = [i for i in items if (request.path == i["url"] if i["url"] == "/" else request.path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
