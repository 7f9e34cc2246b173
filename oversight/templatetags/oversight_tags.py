"""Template filters shared by every app's pages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import template

register = template.Library()


@register.filter
def chart_has_data(config: Any) -> bool:
    """Whether a Chart.js ``config`` has at least one value other than nothing or zero to draw."""
    if not isinstance(config, Mapping):
        return False
    datasets = config.get("datasets") or config.get("data", {}).get("datasets", [])
    for dataset in datasets:
        for value in dataset.get("data", []):
            point = value.get("y") if isinstance(value, Mapping) else value
            if point not in (None, 0, 0.0, ""):
                return True
    return False


@register.filter
def iso_date(value: Any) -> date | str:
    """A date stored as ISO text (``2026-10-31``, as JSON data keeps it) as a date, for ``|date``; other
    values as they are."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value
