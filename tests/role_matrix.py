"""The one role matrix every page and endpoint is run against (STYLE.md, 10).

Each app lists its URLs in ``tests/<app>/matrix.py`` as ``ENTRIES``; the shared
test in ``tests/test_role_matrix.py`` requests each as every role and checks the
allowed roles get a success and every other role gets 403. A URL may need
objects: give ``path`` as a function (called with database access, receiving
the ``make_user`` fixture) that creates them and returns the path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from oversight.roles import Role

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Entry:
    url_name: str  # the URL's name, e.g. "cases:investigation_list" (coverage is checked by name)
    path: str | Callable[[Any], str]
    allowed: frozenset[Role]
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    ok_status: tuple[int, ...] = (200,)

    def resolve(self, make_user: Any) -> str:
        return self.path(make_user) if callable(self.path) else self.path

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url_name}"


def roles(*names: Role | str) -> frozenset[Role]:
    return frozenset(Role(n) for n in names)
