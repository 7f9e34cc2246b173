"""Time the access-log search with a large log on PostgreSQL.

    DATABASE_URL=postgres://... .venv/bin/python scripts/bench_access_log.py [--rows 1000000] [--runs 7]

Fills ``oversight_accesslogentry`` up to ``--rows`` entries with one ``INSERT … SELECT generate_series``
(200 users, reads spread over two years, 50,000 crime references), then times each search the
administrators' page makes, as the page makes it (``access_log_search`` + its paginator: a COUNT capped at 10,001 and
the newest 50 with their users), beside a hand-written SQL floor for the same two statements.
Prints the best (minimum) and median of ``--runs`` runs in milliseconds. ``--drop`` empties the table
afterwards (TRUNCATE, with ``oversight.access_log_truncate`` set for the transaction: the guard refuses it
otherwise; use a scratch database).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")

USERS = 200
REFERENCES = 50_000
KINDS = [
    "investigation",
    "investigation",
    "investigation",
    "investigation_list",
    "investigation_export",
    "case_review",
    "case_review_list",
    "audit_cases",
]


def _timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm the cache and the connection
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def _fill(rows: int) -> None:
    from django.db import connection

    from oversight.models import AccessLogEntry, User

    have = AccessLogEntry.objects.count()
    if have >= rows:
        print(f"{have:,} entries already there")
        return
    from django.contrib.auth.hashers import make_password

    unusable = make_password(None)  # bench users never sign in
    users = list(User.objects.filter(email__startswith="bench.user.").values_list("id", flat=True))
    if len(users) < USERS:
        User.objects.bulk_create(
            User(email=f"bench.user.{n:03d}@example.org", full_name=f"Bench User {n:03d}", password=unusable)
            for n in range(len(users), USERS)
        )
        users = list(User.objects.filter(email__startswith="bench.user.").values_list("id", flat=True))
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO oversight_accesslogentry
                (at, user_id, kind, object_id, crime_reference, query, path, ip_address)
            SELECT now() - (random() * interval '730 days'),
                   (%(users)s)[1 + (g %% %(n_users)s)],
                   k.kind,
                   CASE WHEN k.kind IN ('investigation', 'case_review', 'audit_cases')
                        THEN 1 + (g::bigint * 7919) %% %(refs)s END,
                   CASE WHEN k.kind IN ('investigation', 'case_review')
                        THEN '20/' || lpad(((g::bigint * 7919) %% %(refs)s)::text, 6, '0') || '/25' ELSE '' END,
                   CASE WHEN k.kind LIKE '%%list' OR k.kind LIKE '%%export'
                        THEN 'strand=rasso&lpa=coventry' ELSE '' END,
                   '/cases/',
                   ('10.0.' || (g %% 250) || '.' || (g %% 200))::inet
            FROM generate_series(1, %(count)s) AS g,
                 LATERAL (SELECT (%(kinds)s::text[])[1 + (g %% %(n_kinds)s)] AS kind) AS k
            """,
            {
                "users": users,
                "n_users": len(users),
                "refs": REFERENCES,
                "count": rows - have,
                "kinds": KINDS,
                "n_kinds": len(KINDS),
            },
        )
        # Autovacuum would do this soon after in production: statistics and the visibility map.
        cursor.execute("VACUUM ANALYZE oversight_accesslogentry")
    print(f"inserted {rows - have:,} entries in {time.perf_counter() - start:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--drop", action="store_true", help="TRUNCATE the log afterwards")
    args = parser.parse_args()

    import django

    django.setup()
    from datetime import datetime

    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from oversight.accesslog import AccessLogFilters, access_log_search
    from oversight.manage_views import COUNT_CAP, CappedPaginator
    from oversight.models import AccessLogEntry, User

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    _fill(args.rows)
    admin, _ = User.objects.get_or_create(
        email="bench.admin@example.org",
        defaults={"full_name": "Bench Admin", "is_superuser": True, "password": make_password(None)},
    )
    today = timezone.localdate()
    month_ago = today - timedelta(days=30)
    week_ago = today - timedelta(days=7)
    reference = (
        AccessLogEntry.objects.filter(kind="investigation")
        .exclude(crime_reference="")
        .values_list("crime_reference", flat=True)
        .first()
        or "20/012345/25"
    )
    investigation_id = (
        AccessLogEntry.objects.filter(kind="investigation").values_list("object_id", flat=True).first() or 1
    )
    user = "bench.user.042"

    searches: list[tuple[str, AccessLogFilters, str, list[Any]]] = [
        ("newest, no filter", AccessLogFilters(), "", []),
        (
            "one user (email contains)",
            AccessLogFilters(user=user),
            "WHERE user_id = ANY(%s)",
            [list(User.objects.filter(email__icontains=user).values_list("id", flat=True))],
        ),
        ("one crime reference", AccessLogFilters(reference=reference), "WHERE crime_reference = %s", [reference]),
        (
            "one investigation id (or reference)",
            AccessLogFilters(reference=str(investigation_id)),
            "WHERE crime_reference = %s OR (kind = 'investigation' AND object_id = %s)",
            [str(investigation_id), investigation_id],
        ),
        (
            "kind in the last 30 days",
            AccessLogFilters(kind="investigation_export", date_from=month_ago, date_to=today),
            "WHERE kind = %s AND at >= %s",
            [
                "investigation_export",
                timezone.make_aware(datetime.combine(month_ago, datetime.min.time())),
            ],
        ),
        (
            "last 7 days",
            AccessLogFilters(date_from=week_ago, date_to=today),
            "WHERE at >= %s",
            [timezone.make_aware(datetime.combine(week_ago, datetime.min.time()))],
        ),
    ]

    total = AccessLogEntry.objects.count()
    print(f"\n{total:,} access-log entries; best / median of {args.runs} runs, milliseconds")
    print(f"{'search':38} {'matches':>9} {'page (ORM)':>16} {'page (SQL floor)':>18}")
    for label, filters, where, params in searches:

        def page(filters: AccessLogFilters = filters) -> None:
            paginator = CappedPaginator(access_log_search(user=admin, filters=filters), 50)
            list(paginator.get_page(1).object_list)
            paginator.count  # noqa: B018  # the page shows the count: it is part of the work

        def floor(where: str = where, params: list[Any] = params) -> None:
            with connection.cursor() as cursor:
                # The WHERE clauses are this script's constants; values go as parameters.
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM oversight_accesslogentry {where} LIMIT {COUNT_CAP + 1}) c",  # noqa: S608
                    params,
                )
                cursor.fetchone()
                cursor.execute(
                    f"""SELECT e.*, u.email, u.full_name FROM
                        (SELECT * FROM oversight_accesslogentry {where} ORDER BY at DESC, id DESC LIMIT 50) e
                        JOIN oversight_user u ON u.id = e.user_id ORDER BY e.at DESC, e.id DESC""",  # noqa: S608
                    params,
                )
                cursor.fetchall()

        matches = access_log_search(user=admin, filters=filters).count()
        orm_best, orm_median = _timed(page, args.runs)
        sql_best, sql_median = _timed(floor, args.runs)
        print(f"{label:38} {matches:>9,} {orm_best:>7.1f} / {orm_median:>6.1f} {sql_best:>8.1f} / {sql_median:>6.1f}")

    if args.drop:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL oversight.access_log_truncate = 'on'")  # the guard's own way through
            cursor.execute("TRUNCATE oversight_accesslogentry")
        User.objects.filter(email__startswith="bench.").delete()
        print("emptied the access log")


if __name__ == "__main__":
    main()
