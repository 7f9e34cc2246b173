"""Time a 24-month, group_by=month KPI request on the configured database.

    DATABASE_URL=postgres://... .venv/bin/python scripts/bench_kpis.py [--runs 5] [--to 2026-03-31]

Times the plain function (``cases.kpis.kpi_rows``) and the API (``GET /api/v1/kpis/`` through DRF's test
client, as an OPCC scrutiny user), then the other groupings, the Soteria, outcomes and funnel endpoints and
the dashboard page ``/performance/`` (no KPI cache: every view is a first view).
On PostgreSQL it also times a hand-written SQL floor: the same monthly figures (every metric's counts, one
statement per date family, grouped by day) sent through a plain cursor, without the ORM or Python
post-processing, and the rollup floor: the same month figures summed straight from the month rollup
(``cases_kpirollupmonth``) and from its force-wide twin (``cases_kpirollupforcemonth``, what a request
without an LPA or team reads), the group_by=lpa figures from the LPA totals
(``cases_kpirolluplpatotalmonth``, what a request by LPA and nothing else reads), and the engine's own
base-table path (what a flag filter still uses). Prints the load average, the number of investigations,
the queries per request and the best / median wall time of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
# Measure the database work, not the KPI cache (KPI_CACHE_SECONDS=900 to time cache hits).
os.environ.setdefault("KPI_CACHE_SECONDS", "0")


def _ok(response: object) -> object:
    assert getattr(response, "status_code", None) == 200, response
    return response


def _timed(fn: Callable[[], object], runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm caches and connections
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return min(times), statistics.median(times), queries


# The hand-written floor for group_by=month: what the database must do for the figures of §3 (one grouped
# statement per date family plus the open cases before the period), with no ORM around it.
FLOOR_SQL = (
    "SELECT recorded_date, count(*) FROM cases_investigation WHERE recorded_date BETWEEN %(from)s AND %(to)s "
    "GROUP BY recorded_date",
    "SELECT outcome_date, count(*), count(*) FILTER (WHERE outcome_type IN ('1', '1A')), "
    "count(*) FILTER (WHERE outcome_type IN ('1', '1A', '2', '3', '4', '6', '7', '8')), "
    "count(*) FILTER (WHERE outcome_type IN ('14', '16')), "
    "sum(outcome_date - recorded_date) FILTER (WHERE outcome_type IN ('1', '1A')), "
    "sum(outcome_date - recorded_date), "
    "count(*) FILTER (WHERE vcop_compliant = 'yes'), count(*) FILTER (WHERE vcop_compliant = 'no'), "
    "count(*) FILTER (WHERE vcop_compliant = ''), count(*) FILTER (WHERE vps_offered = 'yes'), "
    "count(*) FILTER (WHERE vps_offered = 'no'), count(*) FILTER (WHERE vps_offered = ''), "
    "count(*) FILTER (WHERE advocate_referral = 'yes'), count(*) FILTER (WHERE advocate_referral = 'no'), "
    "count(*) FILTER (WHERE advocate_referral = '') "
    "FROM cases_investigation WHERE outcome_date BETWEEN %(from)s AND %(to)s GROUP BY outcome_date",
    "SELECT arrest_date, count(*) FILTER (WHERE bail_status = 'rui'), count(*) FILTER (WHERE bail_status = 'bail') "
    "FROM cases_investigation WHERE arrest_date BETWEEN %(from)s AND %(to)s GROUP BY arrest_date",
    "SELECT court_outcome_date, count(*) FILTER (WHERE court_outcome = 'convicted'), "
    "count(*) FILTER (WHERE court_outcome = 'acquitted'), count(*) FILTER (WHERE court_outcome = 'discontinued') "
    "FROM cases_investigation WHERE court_outcome_date BETWEEN %(from)s AND %(to)s GROUP BY court_outcome_date",
    "SELECT referral_date, count(*) FROM cases_cpsreferral WHERE referral_date BETWEEN %(from)s AND %(to)s "
    "GROUP BY referral_date",
    "SELECT decision_date, count(*) FILTER (WHERE decision = 'charge'), count(*) FILTER (WHERE decision = 'nfa'), "
    "count(*) FILTER (WHERE decision = 'further_evidence'), count(*) FILTER (WHERE decision = 'advice') "
    "FROM cases_cpsreferral WHERE decision_date BETWEEN %(from)s AND %(to)s GROUP BY decision_date",
    "SELECT count(*) FROM cases_investigation WHERE recorded_date < %(from)s "
    "AND (outcome_date IS NULL OR outcome_date >= %(from)s)",
)


# The rollup floor for group_by=month over whole months: one statement over the month rollup, plus the open
# cases before the period (every earlier month).
ROLLUP_FLOOR_SQL = (
    "SELECT period, sum(recorded), sum(outcomes), sum(outcome_1 + outcome_1a), sum(days_to_outcome), "
    "sum(days_to_charge), sum(vcop_yes), sum(vcop_no), sum(vps_yes), sum(vps_no), sum(advocate_yes), "
    "sum(advocate_no), sum(arrest_rui), sum(arrest_bail), sum(court_convicted), sum(court_acquitted), "
    "sum(court_discontinued), sum(referrals), sum(decision_charge), sum(decision_nfa), "
    "sum(decision_further_evidence), sum(decision_advice) "
    "FROM cases_kpirollupmonth WHERE period BETWEEN %(from)s AND %(to)s GROUP BY period",
    "SELECT sum(recorded) - sum(outcomes) FROM cases_kpirollupmonth WHERE period < %(from)s",
)
# The rollup floor for group_by=lpa: the same sums per LPA from the months per LPA, and each LPA's open
# cases at the end (every month up to it).
LPA_FLOOR_SQL = (
    ROLLUP_FLOOR_SQL[0].replace("SELECT period,", "SELECT lpa_id,").replace("GROUP BY period", "GROUP BY lpa_id"),
    "SELECT lpa_id, sum(recorded) - sum(outcomes) FROM cases_kpirollupmonth WHERE period <= %(to)s GROUP BY lpa_id",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--to", help="Last day (default: end of the last month with a recorded investigation).")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.models import Max
    from django.test import Client
    from rest_framework.test import APIClient

    from cases.analytics import attrition_funnel, outcome_breakdown
    from cases.kpis import KpiFilters, _by_period, kpi_rows
    from cases.models import CpsReferral, Investigation
    from oversight.models import User
    from oversight.periods import month_of
    from oversight.roles import Role

    latest = Investigation.objects.aggregate(latest=Max("recorded_date"))["latest"] or date.today()
    date_to = date.fromisoformat(args.to) if args.to else month_of(latest).end
    date_from = month_of(date_to).start
    for _ in range(23):
        date_from = month_of(date_from - timedelta(days=1)).start

    # No password: only this script's clients log it in; it is switched off again at the end (kept, not
    # deleted: the access log it wrote protects it).
    user, _ = User.objects.update_or_create(
        email="kpi-benchmark@example.invalid", defaults={"full_name": "KPI benchmark", "is_active": True}
    )
    user.groups.add(Group.objects.get(name=Role.OPCC_SCRUTINY.value))
    client = APIClient()
    client.force_authenticate(user)
    page_client = Client()
    page_client.force_login(user)
    params = {"from": date_from.isoformat(), "to": date_to.isoformat()}

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; load average {os.getloadavg()}")
    print(f"investigations: {Investigation.objects.count():,}; CPS referrals: {CpsReferral.objects.count():,}")
    print(f"period: {date_from} to {date_to} (24 months); best / median of {args.runs} runs")

    def api(**extra: str) -> Callable[[], object]:
        def call() -> object:
            response = client.get("/api/v1/kpis/", {**params, **extra})
            assert response.status_code == 200, response.content
            return response

        return call

    cases: list[tuple[str, Callable[[], object]]] = [
        ("function group_by=month", lambda: kpi_rows(date_from=date_from, date_to=date_to, group_by="month")),
        ("API      group_by=month", api(group_by="month")),
        (
            "function group_by=month, lpa+strand filters",
            lambda: kpi_rows(
                date_from=date_from,
                date_to=date_to,
                group_by="month",
                filters={"strand": "rasso", "lpa": "birmingham"},
            ),
        ),
        ("function group_by=quarter", lambda: kpi_rows(date_from=date_from, date_to=date_to, group_by="quarter")),
        # Partial months at both edges (15th to 10th): the days read from the day rollups.
        (
            "function group_by=month, partial edge months",
            lambda: kpi_rows(date_from=date_from.replace(day=15), date_to=date_to.replace(day=10), group_by="month"),
        ),
        (
            "function group_by=lpa, partial edge months",
            lambda: kpi_rows(date_from=date_from.replace(day=15), date_to=date_to.replace(day=10), group_by="lpa"),
        ),
        ("function group_by=strand", lambda: kpi_rows(date_from=date_from, date_to=date_to, group_by="strand")),
        ("function group_by=lpa", lambda: kpi_rows(date_from=date_from, date_to=date_to, group_by="lpa")),
        ("function ungrouped", lambda: kpi_rows(date_from=date_from, date_to=date_to)),
        # The widest request: one row per LPA, read from the month rollup (not the force-wide one).
        ("API      group_by=lpa", api(group_by="lpa")),
        ("API      group_by=month, lpa+strand filters", api(group_by="month", strand="rasso", lpa="birmingham")),
        (
            "API      soteria (adult rape)",
            lambda: client.get(
                "/api/v1/kpis/soteria/", {**params, "offence_group": "rape", "victim_age_group": "adult"}
            ),
        ),
        ("function outcome breakdown", lambda: outcome_breakdown(date_from=date_from, date_to=date_to)),
        ("API      outcomes", lambda: client.get("/api/v1/kpis/outcomes/", params)),
        ("page     /performance/ (its default view)", lambda: _ok(page_client.get("/performance/"))),
        ("function attrition funnel", lambda: attrition_funnel(date_from=date_from, date_to=date_to)),
        ("API      funnel", lambda: client.get("/api/v1/kpis/funnel/", params)),
    ]
    if connection.vendor == "postgresql":

        def floor() -> None:
            with connection.cursor() as cursor:
                for statement in FLOOR_SQL:
                    cursor.execute(statement, {"from": date_from, "to": date_to})
                    cursor.fetchall()

        def rollup_floor(table: str, statements: tuple[str, ...] = ROLLUP_FLOOR_SQL) -> Callable[[], None]:
            def run() -> None:
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(
                            statement.replace("cases_kpirollupmonth", table), {"from": date_from, "to": date_to}
                        )
                        cursor.fetchall()

            return run

        cases.insert(1, ("hand-written SQL floor for group_by=month", floor))
        cases.insert(2, ("rollup floor for group_by=month", rollup_floor("cases_kpirollupmonth")))
        cases.insert(3, ("rollup floor, force-wide months", rollup_floor("cases_kpirollupforcemonth")))
        at = next(n for n, (label, _) in enumerate(cases) if label == "function group_by=lpa")
        cases.insert(at, ("rollup floor for group_by=lpa", rollup_floor("cases_kpirolluplpatotalmonth", LPA_FLOOR_SQL)))
        cases.insert(
            4,
            (
                "function group_by=month from the base tables",
                lambda: _by_period("month", KpiFilters(), date_from, date_to),
            ),
        )
    for label, fn in cases:
        best, median, queries = _timed(fn, args.runs)
        print(f"  {label:<46} {best:8.1f} ms best  {median:8.1f} ms median  {queries:3d} queries")
    User.objects.filter(pk=user.pk).update(is_active=False)


if __name__ == "__main__":
    main()
