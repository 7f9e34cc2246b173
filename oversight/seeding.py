"""Demo-data registry: each app registers its seed step; ``seed_demo`` runs them in order.

A step is ``fn(*, stdout, users) -> None`` and must be idempotent. Register it with
``@register_seed(order=N)`` in a module the app imports from ``AppConfig.ready()``: the core
never imports the apps, the apps come to it (the same idea as the home-page panels).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SeedStep = Callable[..., None]

SEED_STEPS: list[tuple[int, str, SeedStep]] = []


def register_seed(*, order: int) -> Callable[[SeedStep], SeedStep]:
    """Decorator: run ``fn`` during ``seed_demo`` after every step with a lower ``order``."""

    def decorator(fn: SeedStep) -> SeedStep:
        name = f"{fn.__module__}.{fn.__qualname__}"
        if all(existing != name for _order, existing, _fn in SEED_STEPS):
            SEED_STEPS.append((order, name, fn))
            SEED_STEPS.sort(key=lambda step: (step[0], step[1]))
        return fn

    return decorator


def run_seeds(*, stdout: Any, users: dict[str, Any]) -> None:
    """Every registered step, in order (cases before the audits that sample them, and so on)."""
    for _order, _name, step in list(SEED_STEPS):
        step(stdout=stdout, users=users)
