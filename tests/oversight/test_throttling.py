"""API rate limits are on: a user or token past its rate gets 429 with Retry-After."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_the_api_limits_every_view_by_user_and_by_address() -> None:
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "oversight.throttles.AnonThrottle",
        "oversight.throttles.UserThrottle",
    ]


def test_a_user_past_the_rate_gets_429_with_retry_after(api_client_for: Any, settings: Any) -> None:
    settings.API_THROTTLE_RATES = {"anon": "2/min", "user": "3/min"}
    cache.clear()
    client = api_client_for("opcc_scrutiny")
    assert [client.get("/api/v1/commitments/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/commitments/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["message"].startswith("Request was throttled.")
    assert api_client_for("opcc_scrutiny").get("/api/v1/commitments/").status_code == 200  # another user is not
