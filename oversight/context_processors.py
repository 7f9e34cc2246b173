from typing import Any

from django.http import HttpRequest

from . import navigation
from .roles import Cap, user_capabilities, user_roles


def roles(request: HttpRequest) -> dict[str, Any]:
    """The user's roles, capabilities (``caps.KPIS_VIEW``) and navigation for templates."""
    user = getattr(request, "user", None)
    caps = user_capabilities(user)
    return {
        "user_roles": sorted(user_roles(user), key=lambda r: r.value),
        "caps": {c.name: (c in caps) for c in Cap},
        "nav_items": navigation.items_for(request) if user is not None else [],
    }
