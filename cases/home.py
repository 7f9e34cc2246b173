"""The register's links on the home page panels."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from oversight.home import register_panel
from oversight.roles import Role


@register_panel(Role.CASE_EDITOR)
def case_editor_panel(*, user: Any) -> dict[str, Any]:
    return {
        "links": [
            {"label": "Import the records-system extract (CSV)", "url": reverse("cases:investigation_import")},
            {"label": "Investigation register", "url": reverse("cases:investigation_list")},
            {"label": "Add an investigation", "url": reverse("cases:investigation_create")},
        ]
    }


@register_panel(Role.AUDIT_LEAD)
@register_panel(Role.BOARD_CHAIR)
def register_reader_panel(*, user: Any) -> dict[str, Any]:
    return {"links": [{"label": "Investigation register", "url": reverse("cases:investigation_list")}]}
