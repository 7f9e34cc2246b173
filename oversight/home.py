"""What each role sees first. Each app adds to its role's panel through ``PANEL_BUILDERS``.

A panel is a dict ``{"role", "title", "template", **context}`` rendered by
``templates/home/_panel.html`` with the role's own include
``templates/home/panel_<role>.html``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .roles import Role

# role → list of callables(user) -> dict of extra context for that role's panel.
PANEL_BUILDERS: dict[Role, list[Callable[..., dict[str, Any]]]] = {role: [] for role in Role}


def register_panel(role: Role) -> Callable:
    """Decorator for an app's function that adds context to ``role``'s home panel."""

    def decorator(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        PANEL_BUILDERS[role].append(fn)
        return fn

    return decorator


def panel_for(role: Role, *, user: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"role": role.value, "title": role.label, "template": f"home/panel_{role.value}.html"}
    for build in PANEL_BUILDERS[role]:
        context.update(build(user=user))
    return context
