"""Time building the periodic summaries on the configured database.

    DATABASE_URL=postgres://... .venv/bin/python scripts/bench_summaries.py [--month 2026-03] [--runs 3]

Builds the monthly performance summary (KPIs by strand for the month, the same month last
year and the rolling 12 months; audits; actions; RAG changes) and the quarterly RAG summary
through the same plain functions the Celery tasks call, and prints the best and median time
and the number of queries. Each build replaces the stored summary, so it is safe to re-run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
# Measure the database work, not the KPI cache (KPI_CACHE_SECONDS=900 to time cache hits).
os.environ.setdefault("KPI_CACHE_SECONDS", "0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--month", help="YYYY-MM (default: the last month with a recorded investigation)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext

    from cases.models import Investigation
    from oversight.errors import ApplicationError
    from oversight.periods import month_of, previous_quarter, quarter_of
    from summaries.models import SummaryKind
    from summaries.services import build_summary

    latest = Investigation.objects.aggregate(latest=Max("recorded_date"))["latest"]
    month = args.month or month_of(latest).key
    quarter = previous_quarter(quarter_of(latest)).key
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"investigations: {Investigation.objects.count():,}")
    for kind, key in ((SummaryKind.MONTHLY_PERFORMANCE, month), (SummaryKind.QUARTERLY_RAG, quarter)):
        times, queries = [], 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                try:
                    build_summary(kind=kind, period_key=key)
                except ApplicationError as exc:
                    print(f"  {kind:<22} {key:<11} not built: {exc.message}")
                    break
                times.append((time.perf_counter() - start) * 1000)
            queries = len(captured)
        if not times:
            continue
        print(
            f"  {kind:<22} {key:<11} {min(times):8.0f} ms best {statistics.median(times):8.0f} ms median"
            f"  {queries} queries"
        )


if __name__ == "__main__":
    main()
