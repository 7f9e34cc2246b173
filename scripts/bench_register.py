"""Time the investigation register's list and CSV export on the configured database, beside their floors.

    DATABASE_URL=postgres://... .venv/bin/python scripts/bench_register.py [--runs 7] [--export-runs 3]

For each case it prints the app's time (the page ``/cases/`` through Django's test client as an audit
lead, and the API ``/api/v1/investigations/``) and the raw-SQL floor: the same rows fetched by a plain
cursor (``LIMIT 50`` in the same order from the same index, with the same total), with no ORM, template or
serializer around it. The export is timed against ``COPY (the export's own SELECT) TO STDOUT`` (PostgreSQL
only). Best / median of several runs, the queries per request, the load average and the process's peak
memory (which a streaming export should not raise).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")


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


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--no-export", action="store_true", help="Skip the CSV export (slow on a large register).")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from rest_framework.test import APIClient

    from cases.exports import export_sql
    from cases.models import Investigation
    from cases.pagination import MAX_PAGES_FROM_AN_END
    from cases.selectors import register_ordered
    from oversight.models import User
    from oversight.roles import Role

    user, _ = User.objects.get_or_create(
        email="register-benchmark@example.invalid", defaults={"full_name": "Register benchmark"}
    )
    user.groups.add(Group.objects.get(name=Role.AUDIT_LEAD.value))
    page_client = Client()
    page_client.force_login(user)
    api_client = APIClient()
    api_client.force_authenticate(user)

    total = Investigation.objects.count()
    last_page = max(1, -(-total // 50))
    sample = Investigation.objects.order_by("pk").values_list("crime_reference", flat=True)[total // 2]
    needle = sample[-6:]  # the end of a reference in the middle of the table
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; load average {os.getloadavg()}")
    print(f"investigations: {total:,}; last page {last_page:,}; reference search for {needle!r}")
    print(f"best / median ms of {args.runs} runs (queries per request)")

    def get(client: Client | APIClient, path: str) -> Callable[[], object]:
        def run() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return run

    def raw(sql: str, params: list[list[str]]) -> Callable[[], object]:
        def run() -> None:
            with connection.cursor() as cursor:
                for statement, values in zip(sql.split(";"), params, strict=True):
                    cursor.execute(statement, values)
                    cursor.fetchall()

        return run

    columns = "id, crime_reference, strand, offence_group, lpa_id, team_id, recorded_date, outcome_type, outcome_date"
    estimate = "SELECT reltuples FROM pg_class WHERE oid = 'cases_investigation'::regclass"
    count_search = "SELECT count(*) FROM cases_investigation WHERE UPPER(crime_reference::text) LIKE %s"
    cases: list[tuple[str, str, str, Callable[[], object]]] = [
        (
            "list, first page",
            "/cases/",
            "/api/v1/investigations/",
            raw(
                f"{estimate};SELECT {columns} FROM cases_investigation "
                "ORDER BY recorded_date DESC, crime_reference DESC LIMIT 50",
                [[], []],
            ),
        ),
        (
            "list, last page",
            f"/cases/?page={last_page}",
            f"/api/v1/investigations/?page={last_page}",
            raw(
                f"{estimate};SELECT {columns} FROM cases_investigation "
                "ORDER BY recorded_date ASC, crime_reference ASC LIMIT 50",
                [[], []],
            ),
        ),
        (
            "sorted by team, last page",
            f"/cases/?ordering=-team&page={last_page}",
            f"/api/v1/investigations/?ordering=-team&page={last_page}",
            raw(
                f"{estimate};SELECT {columns} FROM cases_investigation "
                "ORDER BY team_id ASC, crime_reference ASC LIMIT 50",
                [[], []],
            ),
        ),
        (
            f"sorted by LPA, page {MAX_PAGES_FROM_AN_END}",
            f"/cases/?ordering=lpa&page={MAX_PAGES_FROM_AN_END}",
            f"/api/v1/investigations/?ordering=lpa&page={MAX_PAGES_FROM_AN_END}",
            raw(
                f"{estimate};SELECT {columns} FROM cases_investigation ORDER BY lpa_id, crime_reference "
                f"LIMIT 50 OFFSET {(MAX_PAGES_FROM_AN_END - 1) * 50}",
                [[], []],
            ),
        ),
        (
            "reference search",
            f"/cases/?q={needle}",
            f"/api/v1/investigations/?q={needle}",
            raw(
                f"{count_search};SELECT {columns} FROM cases_investigation "
                "WHERE UPPER(crime_reference::text) LIKE %s ORDER BY recorded_date DESC, crime_reference DESC LIMIT 50",
                [[f"%{needle.upper()}%"], [f"%{needle.upper()}%"]],
            ),
        ),
        (
            "filtered: strand=rasso, da_flag=yes",
            "/cases/?strand=rasso&da_flag=yes",
            "/api/v1/investigations/?strand=rasso&da_flag=yes",
            raw(
                "SELECT count(*) FROM cases_investigation WHERE strand = 'rasso' AND da_flag = 'yes';"
                f"SELECT {columns} FROM cases_investigation WHERE strand = 'rasso' AND da_flag = 'yes' "
                "ORDER BY recorded_date DESC, crime_reference DESC LIMIT 50",
                [[], []],
            ),
        ),
    ]
    print(f"{'case':40} {'page':>16} {'API':>16} {'SQL floor':>16}")
    for name, page_path, api_path, floor in cases:
        page = _timed(get(page_client, page_path), args.runs)
        api = _timed(get(api_client, api_path), args.runs)
        best = _timed(floor, args.runs)
        print(
            f"{name:40} {page[0]:7.1f}/{page[1]:6.1f} ({page[2]:2d}) {api[0]:7.1f}/{api[1]:6.1f} ({api[2]:2d}) "
            f"{best[0]:7.1f}/{best[1]:6.1f}"
        )

    if args.no_export:
        return

    def export() -> None:
        response = page_client.get("/cases/?format=csv")
        size = 0
        for chunk in response.streaming_content:  # type: ignore[attr-defined]
            size += len(chunk)
        assert size > 0

    before = _peak_mb()
    times = []
    for _ in range(args.export_runs):
        start = time.perf_counter()
        export()
        times.append(time.perf_counter() - start)
    after = _peak_mb()
    print(
        f"CSV export of {total:,} rows: best {min(times):.1f} s, median {statistics.median(times):.1f} s; "
        f"peak memory {before:.0f} MB before, {after:.0f} MB after"
    )
    if connection.vendor == "postgresql":
        sql, params = export_sql(register_ordered(Investigation.objects.all()))
        assert not params
        copy_times = []
        for _ in range(args.export_runs):
            start = time.perf_counter()
            with connection.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER") as copy:
                for _block in copy:
                    pass
            copy_times.append(time.perf_counter() - start)
        print(
            f"COPY floor (same SELECT): best {min(copy_times):.1f} s, median {statistics.median(copy_times):.1f} s; "
            f"ratio {min(times) / min(copy_times):.2f}x"
        )


if __name__ == "__main__":
    main()
