"""``manage.py verify_rollups``: recount the KPI rollup from the base tables and report any difference."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases import rollups


class Command(BaseCommand):
    help = (
        "Recount the KPI rollup (cases/rollups.py) from the investigations and CPS referrals and list every "
        "row that differs. Exits non-zero when any does (then run rebuild_rollups)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--show", type=int, default=20, help="How many differences to print (default 20).")

    def handle(self, *args: Any, show: int, **options: Any) -> None:
        found = rollups.differences()
        if not found:
            self.stdout.write(self.style.SUCCESS("The KPI rollup matches the base tables."))
            return
        for difference in found[:show]:
            key = ", ".join(f"{name}={value}" for name, value in difference["key"].items())
            self.stdout.write(f"  {key}: stored {difference['stored']}, expected {difference['expected']}")
        raise CommandError(f"{len(found):,} KPI rollup rows differ from the base tables: run rebuild_rollups.")
