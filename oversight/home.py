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


def panels_for(roles: list[Role], *, user: Any) -> list[dict[str, Any]]:
    """One panel per role, in the order given.

    A builder registered for several of the user's roles runs once (its queries too), and a
    link or include already shown in an earlier panel is not repeated in a later one: an app
    that has something for every role registers one builder for all of them.
    """
    built: dict[Callable[..., dict[str, Any]], dict[str, Any]] = {}
    shown: dict[str, set[str]] = {"links": set(), "includes": set()}
    panels = []
    for role in roles:
        context: dict[str, Any] = {
            "role": role.value,
            "title": role.label,
            "template": f"home/panel_{role.value}.html",
            "links": [],
            "includes": [],
        }
        for build in PANEL_BUILDERS[role]:
            if build not in built:
                built[build] = build(user=user)
            extra = dict(built[build])
            for key in _LISTS:
                context[key] += extra.pop(key, [])
            context.update(extra)
        context["links"] = [link for link in context["links"] if link["url"] not in shown["links"]]
        context["includes"] = [name for name in context["includes"] if name not in shown["includes"]]
        shown["links"].update(link["url"] for link in context["links"])
        shown["includes"].update(context["includes"])
        panels.append(context)
    return panels
