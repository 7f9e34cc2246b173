"""Demo data for the ``summaries`` app, run last by ``seed_demo``: the last 12 monthly and last 4
quarterly summaries, and today's overdue digest.

"Last" is anchored on the demo data rather than the calendar: monthly summaries end with the
latest complete month that has recorded investigations, quarterly ones with the latest quarter
that has published ratings — so the archive shows real figures however old the demo data is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Max
from django.utils import timezone

from cases.models import Investigation
from commitments.selectors import latest_published_key
from oversight.periods import Period, month_of, parse_quarter, previous_month, previous_quarter
from oversight.seeding import register_seed

from .models import Summary, SummaryBuild, SummaryKind
from .services import build_summary


def _last_months(count: int) -> list[Period]:
    latest = Investigation.objects.aggregate(latest=Max("recorded_date"))["latest"]
    end = previous_month(month_of(timezone.localdate()))
    if latest and latest < end.start:
        end = month_of(latest)
    months = [end]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return list(reversed(months))


def _last_quarters(count: int) -> list[Period]:
    key = latest_published_key()
    if not key:
        return []
    quarters = [parse_quarter(key)]
    while len(quarters) < count:
        quarters.append(previous_quarter(quarters[-1]))
    return list(reversed(quarters))


@register_seed(order=50)
def run(*, stdout: Any, users: dict[str, Any]) -> None:
    """Build the summaries the archive lacks; one already there is left as it is (a re-run of
    ``seed_demo`` changes no demo data, and the scheduled builds keep the summaries current)."""
    admin = users.get("administrator")
    today: date = timezone.localdate()
    wanted = [
        *((SummaryKind.MONTHLY_PERFORMANCE, period.key) for period in _last_months(12)),
        *((SummaryKind.QUARTERLY_RAG, period.key) for period in _last_quarters(4)),
        (SummaryKind.OVERDUE_DIGEST, today.isoformat()),
    ]
    there = set(Summary.objects.values_list("kind", "period"))
    missing = [(kind, key) for kind, key in wanted if (kind, key) not in there]
    for kind, key in missing:
        build_summary(kind=kind, period_key=key, trigger=SummaryBuild.Trigger.SEED, triggered_by=admin)
    stdout.write(
        f"Summaries: built {len(missing)}, {len(wanted) - len(missing)} already there "
        "(12 monthly, up to 4 quarterly, today's overdue digest)."
    )
