"""Every page and endpoint, every role: allowed roles succeed, all others get 403."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from oversight.roles import Role
from tests.role_matrix import Entry

TESTS_DIR = Path(__file__).parent


def _entries() -> list[Entry]:
    """Every ``ENTRIES`` list in ``tests/<app>/matrix*.py``."""
    entries: list[Entry] = []
    for path in sorted(TESTS_DIR.glob("*/matrix*.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
        entries.extend(module.ENTRIES)
    return entries


ENTRIES = _entries()
# Named URLs that are not role-restricted pages: public, auth, framework plumbing.
NOT_ROLE_PAGES = {"login", "logout", "healthz"}
# Password reset by email: public, like the login page (tests/oversight/test_users.py).
NOT_ROLE_PAGES |= {"password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES, ids=str)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_is_allowed_or_refused(entry: Entry, role: Role, client_for: Any, make_user: Any) -> None:
    client = client_for(role)
    response = entry.send(client, make_user)
    path = response.request["PATH_INFO"]
    if role in entry.allowed:
        assert response.status_code in entry.ok_status, f"{role} should reach {path}: got {response.status_code}"
    else:
        assert response.status_code == 403, f"{role} should be refused {path}: got {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES, ids=str)
def test_anonymous_users_are_sent_to_login_or_refused(entry: Entry, client: Any, make_user: Any) -> None:
    response = entry.send(client, make_user)
    path = response.request["PATH_INFO"]
    if path.startswith("/api/"):
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/") or "/login/" in response["Location"]


def _named_urls(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _named_urls(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_named_url_is_in_the_role_matrix() -> None:
    covered = {entry.url_name for entry in ENTRIES}
    uncovered = _named_urls() - covered - NOT_ROLE_PAGES
    assert not uncovered, f"add these URLs to a tests/<app>/matrix.py: {sorted(uncovered)}"
