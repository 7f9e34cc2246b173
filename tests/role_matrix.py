"""The one role matrix every page and endpoint is run against (STYLE.md, 10).

Each app lists its URLs in ``tests/<app>/matrix.py`` as ``ENTRIES``; the shared
test in ``tests/test_role_matrix.py`` requests each as every role and checks the
allowed roles get a success and every other role gets 403. A URL may need
objects: give ``path`` as a function (called with database access, receiving
the ``make_user`` fixture) that creates them and returns the path, or the path
and the request body when the body refers to those objects. ``data`` may be a
function of ``make_user`` too. API writes send JSON (``content_type``), as
clients do; the test client's default form encoding is refused by JSON-only
endpoints (415).

The user making the request is created before ``path`` and ``data`` are
resolved, so it is the first user in the database: :func:`requester` gives it
to entries that need an object the requester *owns* (their audit, commitment,
board).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from oversight.roles import Role

ALL_ROLES = frozenset(Role)


JSON = "application/json"


@dataclass(frozen=True)
class Entry:
    url_name: str  # the URL's name, e.g. "cases:investigation_list" (coverage is checked by name)
    path: str | Callable[[Any], str | tuple[str, dict[str, Any]]]
    allowed: frozenset[Role]
    method: str = "get"
    data: dict[str, Any] | Callable[[Any], dict[str, Any]] = field(default_factory=dict)
    ok_status: tuple[int, ...] = (200,)
    content_type: str | None = None  # None: the test client's default (form-encoded for POST)

    def resolve(self, make_user: Any) -> str:
        return self.resolve_request(make_user)[0]

    def resolve_request(self, make_user: Any) -> tuple[str, dict[str, Any]]:
        """The path and the request body (objects they need are created now)."""
        resolved = self.path(make_user) if callable(self.path) else self.path
        if isinstance(resolved, tuple):
            return resolved
        return resolved, self.data(make_user) if callable(self.data) else self.data

    def send(self, client: Any, make_user: Any) -> Any:
        """Make the request with ``client``; returns the response."""
        path, data = self.resolve_request(make_user)
        extra = {"content_type": self.content_type} if self.content_type else {}
        return getattr(client, self.method)(path, data, **extra)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url_name}"


def roles(*names: Role | str) -> frozenset[Role]:
    return frozenset(Role(n) for n in names)


def requester(make_user: Any, role: Role | None = None) -> Any:
    """The user making the request (the first user); with ``role``, that user if they hold it,
    else a new user with that role (so the object is someone else's and the requester is refused)."""
    from oversight.models import User

    user = User.objects.order_by("pk").first() or make_user(role or Role.CASE_EDITOR)
    if role is not None and not user.groups.filter(name=role.value).exists():
        return make_user(role)
    return user
