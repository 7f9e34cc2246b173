"""Summary pages in the role matrix."""

from typing import Any

from oversight.roles import Role
from tests.role_matrix import ALL_ROLES, Entry, roles
from tests.summaries.factories import SummaryBuildFactory, SummaryFactory


def _summary(make_user: Any) -> str:
    return f"/summaries/{SummaryFactory().pk}/"


def _build(make_user: Any) -> str:
    return f"/summaries/builds/{SummaryBuildFactory().pk}/"


ENTRIES = [
    Entry("summaries:summary_list", "/summaries/", ALL_ROLES),
    Entry("summaries:summary_detail", _summary, ALL_ROLES),
    Entry("summaries:summary_build", _build, roles(Role.ADMINISTRATOR)),
    # An empty form: administrators get the form back with errors (400), everyone else 403.
    Entry(
        "summaries:summary_rebuild", "/summaries/rebuild/", roles(Role.ADMINISTRATOR), method="post", ok_status=(400,)
    ),
]
