"""Shared fixtures: users by role, role clients, services checks and the browser.

In CI (``CI=true``) a test that needs PostgreSQL, Redis or chromium *fails*
when the service is missing; elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any, Protocol, cast

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from oversight.models import User
from oversight.roles import Role
from tests.oversight.factories import TEST_PASSWORD, UserFactory

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


class _SerializedTestDatabase(Protocol):
    """A connection once its test database is set up: Django keeps the serialized contents on it
    (``_test_serialized_contents``, a private attribute django-stubs does not declare)."""

    _test_serialized_contents: str


def missing(reason: str) -> None:
    """Fail in CI, skip elsewhere."""
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_and_eager(settings: Any) -> Iterator[None]:
    """Fast hashing; Celery tasks eager unless a test asks for a real worker."""
    from oversight.celery import app

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = True
    settings.API_THROTTLE_RATES = {"anon": "100000/min", "user": "100000/min"}  # tests/oversight/test_throttling.py
    settings.KPI_CACHE_SECONDS = 0  # tests roll back data without signals; tests/cases/test_kpi_cache.py turns it on
    settings.REFERENCE_CHOICES_SECONDS = 0  # the same; tests/cases/test_filters.py turns it on
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path_factory: Any) -> None:
    """Uploaded files (audit evidence) go to a temporary folder, never the project's media folder."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """``make_user("audit_lead", "board_chair", email=...)`` → a user holding those roles (``UserFactory``),
    named after them and numbered within the test unless ``email`` or ``full_name`` is given."""
    counter = {"n": 0}

    def factory(*roles: Role | str, email: str | None = None, full_name: str | None = None) -> User:
        counter["n"] += 1
        label = "-".join(str(r) for r in roles) or "norole"
        return UserFactory(
            email=email or f"{label}.{counter['n']}@example.org",
            full_name=full_name or f"Test {label.replace('_', ' ').title()} {counter['n']}",
            roles=roles,
        )

    return factory


@pytest.fixture
def client_for(make_user: Callable[..., User]) -> Callable[..., Client]:
    """``client_for("case_editor")`` → a logged-in Django test client (``.user`` is set)."""

    def factory(*roles: Role | str, user: User | None = None) -> Client:
        client = Client()
        client.user = user or make_user(*roles)  # type: ignore[attr-defined]  # handy for tests: who is signed in
        client.force_login(client.user)  # type: ignore[attr-defined]  # set above
        return client

    return factory


@pytest.fixture
def api_client_for(make_user: Callable[..., User]) -> Callable[..., Any]:
    """``api_client_for("opcc_scrutiny")`` → a DRF APIClient authenticated by token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def factory(*roles: Role | str, user: User | None = None) -> APIClient:
        client = APIClient()
        client.user = user or make_user(*roles)  # type: ignore[attr-defined]  # handy for tests: who is signed in
        token, _ = Token.objects.get_or_create(user=client.user)  # type: ignore[attr-defined]  # set above
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return factory


@pytest.fixture
def requires_postgres(db: None) -> None:
    if connection.vendor != "postgresql":
        missing("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def requires_redis() -> str:
    url = django_settings.REDIS_URL
    if not url:
        missing("needs Redis: set REDIS_URL=redis://...")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        missing(f"Redis at {url} is not answering: {exc}")
    return url


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """On PostgreSQL the test database lets its sessions TRUNCATE the access log: Django empties the
    database after each transactional test with one TRUNCATE of every table, which the log's guard
    (oversight migration 0011) refuses otherwise. The test of the guard turns this off for itself."""
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            database = connections[alias]
            if database.vendor == "postgresql":
                name = database.ops.quote_name(database.settings_dict["NAME"])
                with database.cursor() as cursor:
                    cursor.execute(f"ALTER DATABASE {name} SET oversight.access_log_truncate = 'on'")
                database.close()  # sessions read a database's settings when they start


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        missing(f"needs chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls
    # made by the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django keeps connections per async context, and the sync API's event loop gives the
    # tests after this point fresh connection objects. Carry over the database contents
    # serialized at setup, or ``serialized_rollback`` would silently restore nothing.
    serialized = {
        alias: cast(_SerializedTestDatabase, connections[alias])._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            cast(_SerializedTestDatabase, connections[alias])._test_serialized_contents = contents
        yield playwright


@pytest.fixture(scope="session")
def _browser(_playwright: Any) -> Iterator[Any]:
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture
def page(_browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser page; ``page.base_url`` is the live server's address."""
    context = _browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def browser_login(page: Any, user: User, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real login form."""
    page.goto("/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts")


def screenshot(page: Any, name: str) -> str:
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"{name}.png")
    page.screenshot(path=path, full_page=True)
    return path


def fill_date(page: Any, legend: str, value: Any) -> None:
    """Fill a GOV.UK date input (day, month and year boxes in a fieldset whose legend is ``legend``)."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))
