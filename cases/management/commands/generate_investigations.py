"""``manage.py generate_investigations --count N [--seed S]``: synthetic data for benchmarks;
``--delete`` removes it again. Either ends with ``ANALYZE`` on PostgreSQL, so the planner knows the new sizes."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from cases import kpis, rollups, synthetic
from cases.models import CpsReferral, Investigation, OrderBreach, ProtectiveOrder

ANALYZED = ("cases_investigation", "cases_cpsreferral", "cases_investigation_flags", "cases_kpirollupmonth")


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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ANALYZED:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
