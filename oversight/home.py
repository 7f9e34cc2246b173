"""What each role sees first. Apps add to a role's panel with ``@register_panel(role)``.

A builder is ``fn(*, user) -> dict`` and may return:
- ``links``: list of ``{"label", "url"}`` (concatenated across apps);
- ``includes``: list of template names rendered inside the panel (concatenated);
- any other key, merged into the panel context.
Register builders in a module imported from the app's ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .roles import Role

PANEL_BUILDERS: dict[Role, list[Callable[..., dict[str, Any]]]] = {role: [] for role in Role}
_LISTS = ("links", "includes")


def register_panel(role: Role) -> Callable:
    """Decorator for an app's function that adds to ``role``'s home panel."""

    def decorator(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        if fn not in PANEL_BUILDERS[role]:
            PANEL_BUILDERS[role].append(fn)
        return fn

    return decorator


def panel_for(role: Role, *, user: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "role": role.value,
        "title": role.label,
        "template": f"home/panel_{role.value}.html",
        "links": [],
        "includes": [],
    }
    for build in PANEL_BUILDERS[role]:
        extra = dict(build(user=user))
        for key in _LISTS:
            context[key] += extra.pop(key, [])
        context.update(extra)
    return context
