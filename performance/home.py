"""Performance and benchmark links on every role's home panel (imported from ``PerformanceConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from oversight.home import register_panel
from oversight.roles import Role


def performance_links(*, user: Any) -> dict[str, Any]:
    """No queries: two links."""
    return {
        "links": [
            {"label": "Performance dashboard and Soteria table", "url": reverse("performance:dashboard")},
            {"label": "Benchmarks: how we compare with other forces", "url": reverse("performance:benchmark_list")},
        ]
    }


for _role in Role:
    register_panel(_role)(performance_links)
