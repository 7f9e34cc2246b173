"""``manage.py generate_investigations --count N [--seed S]``: synthetic data for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases import synthetic


class Command(BaseCommand):
    help = (
        "Insert N synthetic investigations (with CPS referrals, flags, protective orders and breaches) "
        "recorded over the financial years 2023/24 to 2025/26, with references SYN/<database id>. "
        "A benchmark generator, not an import: no history rows are written. "
        "Uses COPY on PostgreSQL and bulk_create elsewhere, in one transaction."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, required=True, help="How many investigations to insert.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same seed, same data).")
        parser.add_argument("--prefix", default="SYN/", help="Reference prefix, followed by the database id.")

    def handle(self, *args: Any, count: int, seed: int, prefix: str, **options: Any) -> None:
        if count < 1:
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
