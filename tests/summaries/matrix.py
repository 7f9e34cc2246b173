"""Summary pages in the role matrix."""

from typing import Any

from oversight.roles import Role
from summaries.models import Summary, SummaryBuild
from tests.role_matrix import ALL_ROLES, Entry, roles


def _summary(make_user: Any) -> str:
    summary = Summary.objects.create(
        kind="quarterly_rag",
        period="2025-26-Q2",
        period_start="2025-07-01",
        period_end="2025-09-30",
        built_at="2025-10-05T06:30:00Z",
        data={},
        html="<p>Built.</p>",
    )
    return f"/summaries/{summary.pk}/"


def _build(make_user: Any) -> str:
    build = SummaryBuild.objects.create(kind="quarterly_rag", period="2025-26-Q2", trigger="manual")
    return f"/summaries/builds/{build.pk}/"


ENTRIES = [
    Entry("summaries:summary_list", "/summaries/", ALL_ROLES),
    Entry("summaries:summary_detail", _summary, ALL_ROLES),
    Entry("summaries:summary_build", _build, roles(Role.ADMINISTRATOR)),
    # An empty form: administrators get the form back with errors (400), everyone else 403.
    Entry(
        "summaries:summary_rebuild", "/summaries/rebuild/", roles(Role.ADMINISTRATOR), method="post", ok_status=(400,)
    ),
]
