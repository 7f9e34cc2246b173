from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_it_reports_database_and_disabled_broker_without_login(client: Any, settings: Any) -> None:
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "disabled"}


def test_it_reports_the_broker_when_redis_is_configured(client: Any, requires_redis: str) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_it_answers_503_when_the_broker_is_down(client: Any, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
