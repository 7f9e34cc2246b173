"""``manage.py rebuild_rollups``: recount the whole KPI rollup from the base tables."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from cases import kpis, rollups


class Command(BaseCommand):
    help = "Rebuild the KPI rollup (cases/rollups.py) from the investigations and CPS referrals, in one transaction."

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        rows = rollups.rebuild()
        kpis.data_changed()
        self.stdout.write(
            self.style.SUCCESS(f"Rebuilt the KPI rollup: {rows:,} rows in {time.perf_counter() - start:.1f} s.")
        )
