"""``manage.py import_orders FILE.csv``: protective orders and their breaches (:mod:`cases.orders_import`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from cases.importer import ImportRejected
from cases.orders_import import import_orders
from oversight.models import User


class Command(BaseCommand):
    help = (
        "Import protective orders and breaches from a CSV file (crime_reference, order_type, applied_date, "
        "granted_date, expiry_date, breaches). The whole file is validated first, legal durations included: "
        "any error and nothing is written; every error is listed as 'row N, column C: message' and the "
        "command exits with status 1."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Path of the CSV file.")
        parser.add_argument(
            "--user", default="", help="Email of the user recorded in the history (needs the case_editor role)."
        )

    def run_from_argv(self, argv: list[str]) -> None:
        self._from_cli = True  # the CommandError text is printed once, by Django
        super().run_from_argv(argv)

    def handle(self, *args: Any, file: str, user: str = "", **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        actor = None
        if user:
            actor = User.objects.filter(email__iexact=user).first()
            if actor is None:
                raise CommandError(f"No user with email {user}.")
        try:
            result = import_orders(source=path, actor=actor)
        except ImportRejected as rejected:
            lines = rejected.lines
            if not getattr(self, "_from_cli", False):
                for line in lines:
                    self.stderr.write(line)
            raise CommandError("\n".join([rejected.message, *lines])) from None
        except PermissionDenied as refused:
            raise CommandError(f"{user}: {refused}") from None
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {result}"))
