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
            {"label": "Import protective orders and breaches (CSV)", "url": reverse("cases:orders_import")},
            {"label": "Import profiles for records-system exports", "url": reverse("cases:import_profile_list")},
            {"label": "Data quality of the register", "url": reverse("cases:data_quality")},
        ]
    }


@register_panel(Role.AUDIT_LEAD)
def audit_lead_register_panel(*, user: Any) -> dict[str, Any]:
    return {
        "links": [
            {"label": "Investigation register", "url": reverse("cases:investigation_list")},
            {"label": "Data quality of the register", "url": reverse("cases:data_quality")},
        ]
    }


@register_panel(Role.BOARD_CHAIR)
def register_reader_panel(*, user: Any) -> dict[str, Any]:
    return {"links": [{"label": "Investigation register", "url": reverse("cases:investigation_list")}]}


@register_panel(Role.ADMINISTRATOR)
def administrator_register_panel(*, user: Any) -> dict[str, Any]:
    return {
        "links": [
            {"label": "Import profiles for records-system exports", "url": reverse("cases:import_profile_list")},
            {"label": "Data quality of the register", "url": reverse("cases:data_quality")},
        ]
    }
