"""``manage.py prune_access_log [--days N]``: delete access-log entries older than the retention period."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from oversight import accesslog


class Command(BaseCommand):
    help = "Delete access-log entries older than ACCESS_LOG_RETENTION_DAYS (or --days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Keep this many days instead of the setting.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.ACCESS_LOG_RETENTION_DAYS
        if days < 1:
            self.stderr.write("--days must be 1 or more.")
            raise SystemExit(2)
        try:
            deleted = accesslog.prune(days=days)
        except accesslog.PruneRefused as refused:
            self.stderr.write(f"{refused} Nothing was deleted.")
            raise SystemExit(2) from None
        self.stdout.write(f"Deleted {deleted} access-log entries older than {days} day{'' if days == 1 else 's'}.")
