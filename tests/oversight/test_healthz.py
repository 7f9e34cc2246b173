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


def test_the_health_check_reuses_its_broker_connection(client: Any, requires_redis: str) -> None:
    import redis

    server = redis.Redis.from_url(requires_redis)

    def accepted() -> int:  # connections the server has accepted since it started (ours included)
        return int(server.info("stats")["total_connections_received"])

    client.get("/healthz")
    before = accepted()
    for _ in range(5):
        assert client.get("/healthz").json()["broker"] == "ok"
    # The five checks use the connection the first one opened (one opened per check before: five).
    assert accepted() - before <= 1  # one spare for any other client of this Redis meanwhile
