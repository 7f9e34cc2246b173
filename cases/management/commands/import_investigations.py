"""``manage.py import_investigations FILE.csv``: the investigation CSV import (DESIGN.md §4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from cases.importer import ImportRejected, import_investigations
from cases.models import ImportProfile
from oversight.models import User


class Command(BaseCommand):
    help = (
        "Import investigations from a CSV file (UTF-8, header row, columns in any order). "
        "The whole file is checked: any error and nothing is written; the errors are listed "
        "as 'row N, column C: message' (the first 1,000, then how many more) and the command exits with status 1. "
        "Rows whose crime_reference exists update that investigation."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Path of the CSV file.")
        parser.add_argument(
            "--user", default="", help="Email of the user recorded in the history (needs the case_editor role)."
        )
        parser.add_argument(
            "--profile",
            default="",
            help="Name of the import profile to read the file through (a records system's export). "
            "Without it the file must use the register's own columns.",
        )

    def run_from_argv(self, argv: list[str]) -> None:
        self._from_cli = True  # the CommandError text is printed once, by Django
        super().run_from_argv(argv)

    def handle(self, *args: Any, file: str, user: str = "", profile: str = "", **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        actor = None
        if user:
            actor = User.objects.filter(email__iexact=user).first()
            if actor is None:
                raise CommandError(f"No user with email {user}.")
        chosen = None
        if profile:
            chosen = ImportProfile.objects.filter(name__iexact=profile.strip()).first()
            if chosen is None:
                names = ", ".join(ImportProfile.objects.values_list("name", flat=True)) or "none"
                raise CommandError(f"No import profile named {profile} (profiles: {names}).")
        try:
            result = import_investigations(source=path, actor=actor, profile=chosen)
        except ImportRejected as rejected:
            lines = rejected.lines  # the first errors, then "and N more errors"
            if not getattr(self, "_from_cli", False):
                for line in lines:
                    self.stderr.write(line)
            raise CommandError("\n".join([rejected.message, *lines])) from None
        except PermissionDenied as refused:
            raise CommandError(f"{user}: {refused}") from None
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {result}"))
