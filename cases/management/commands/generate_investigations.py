"""``manage.py generate_investigations --count N [--seed S]``: synthetic data for benchmarks;
``--delete`` removes it again. Either ends on PostgreSQL with ``ANALYZE`` (``VACUUM (ANALYZE)`` outside a
transaction), so the planner knows the new sizes, and compacts the KPI rollups (see :func:`_analyze`)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from cases import kpis, rollups, synthetic
from cases.models import (
    ROLLUP_MODELS,
    CpsReferral,
    Investigation,
    KpiRollupDay,
    OrderBreach,
    ProtectiveOrder,
)

BASE_TABLES = ("cases_investigation", "cases_cpsreferral", "cases_investigation_flags")
# Inside a transaction: the base tables and the month rollups (requests read whole months mostly).
ANALYZED = (*BASE_TABLES, *(model._meta.db_table for model in ROLLUP_MODELS if model is not KpiRollupDay))


class Command(BaseCommand):
    help = (
        "Insert N synthetic investigations (with CPS referrals, flags, protective orders and breaches) "
        "recorded over the financial years 2023/24 to 2025/26, with references SYN/<database id>. "
        "A benchmark generator, not an import: no history rows are written. "
        "Uses COPY on PostgreSQL and bulk_create elsewhere, in one transaction."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, help="How many investigations to insert.")
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Delete the investigations whose reference starts with --prefix, and their related rows, instead.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same seed, same data).")
        parser.add_argument("--prefix", default="SYN/", help="Reference prefix, followed by the database id.")

    def handle(self, *args: Any, count: int | None, seed: int, prefix: str, delete: bool, **options: Any) -> None:
        if delete:
            if not prefix.strip():
                raise CommandError("--prefix must not be empty.")
            self._delete(prefix)
            return
        if count is None or count < 1:
            raise CommandError("--count must be at least 1.")
        if not prefix.strip():
            raise CommandError("--prefix must not be empty.")
        start = time.perf_counter()

        def progress(done: int) -> None:
            self.stdout.write(f"  {done:,} / {count:,} ({time.perf_counter() - start:.1f} s)")

        result = synthetic.write(
            synthetic.generate(count, seed=seed),
            progress=progress if count >= 100_000 else None,
            # Named by id, so the command can run again without clashing with earlier rows.
            name_by_id=lambda pk: f"{prefix}{pk:07d}",
        )
        elapsed = time.perf_counter() - start
        self.stdout.write(
            self.style.SUCCESS(
                f"Inserted {result.investigations:,} investigations, {result.referrals:,} CPS referrals, "
                f"{result.flags:,} flags, {result.orders:,} orders, {result.breaches:,} breaches "
                f"on {connection.vendor} in {elapsed:.1f} s."
            )
        )
        _analyze()

    def _delete(self, prefix: str) -> None:
        """Set-based deletes (no per-row signals), the rollup adjusted in the same transaction."""
        start = time.perf_counter()
        with transaction.atomic():
            rollups.apply(rollups.references_scope(prefix), -1)
            mine = {"investigation__crime_reference__startswith": prefix}
            # _raw_delete: one DELETE each, without loading the rows (the rollup is adjusted above).
            OrderBreach.objects.filter(order__investigation__crime_reference__startswith=prefix)._raw_delete("default")
            for queryset in (
                ProtectiveOrder.objects.filter(**mine),
                CpsReferral.objects.filter(**mine),
                Investigation.flags.through.objects.filter(**mine),
            ):
                queryset._raw_delete("default")
            deleted = Investigation.objects.filter(crime_reference__startswith=prefix)._raw_delete("default")
            transaction.on_commit(kpis.data_changed)
        _analyze()
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {deleted:,} investigations starting {prefix!r} in {time.perf_counter() - start:.1f} s."
            )
        )


def _analyze() -> None:
    """Refresh the planner's statistics and, outside a transaction, compact the KPI rollups.

    Each chunk the generator writes adds to the same month and day rows, and each addition leaves
    the row's earlier version behind: at 1,000,000 investigations the month rollup held 35,000 rows
    in 91 MB (9 MB compacted), and every KPI request read all of it (59 ms instead of 18 ms for 24
    months). ``VACUUM FULL`` rewrites the three tables as a rebuild would leave them, in a few seconds,
    blocking KPI reads meanwhile: a benchmark generator's price. (The import counts its rows in one
    statement at the end and leaves no such trail; single saves leave one version each, which
    autovacuum reclaims.)"""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # VACUUM cannot run in a transaction
            for table in ANALYZED:
                cursor.execute(f"ANALYZE {quote(table)}")
            return
        for model in ROLLUP_MODELS:
            cursor.execute(f"VACUUM (FULL, ANALYZE) {quote(model._meta.db_table)}")
        # The base tables vacuumed, not only analysed: until the visibility map is set, every
        # index-only scan (the repeat-people counts, the register's pages) reads the heap too, and
        # the planner, expecting that, picks parallel plans whose start-up costs more than the scan.
        # At 10,000,000 investigations a 24-month KPI request took 34 ms before, 14–16 ms after.
        # A live register gets the same from autovacuum; freshly generated rows would wait for it.
        for table in BASE_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {quote(table)}")
