"""The CSV import of managed offenders and missing episodes (the audits' pseudonymous subjects).

The same contract as the investigation import (DESIGN.md §4, :mod:`cases.importer`, whose reading and
error helpers it uses): UTF-8 CSV (BOM allowed), header row, columns in any order; the whole file is
checked first and every error reported as ``row N, column C: message`` (the header is row 1; for a
reference repeated in the file the later row is the bad one); any error → nothing is written. A cell
holding a control character is refused. A row whose reference is recorded updates that subject.

Columns: ``reference``, ``visor_category`` (managed offenders only), ``risk_level``, ``team``, ``lpa``
(code or name), ``start_date``, ``end_date``. Required: ``reference``, ``risk_level``, ``start_date``, and
``visor_category`` for managed offenders. The value rules are ``frame_services.subject_errors``'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cases.importer import ImportRejected, RowError, _check_header, _data_rows, _open, _records
from cases.models import LocalPolicingArea, Team, reference_key
from cases.orders_import import _date
from oversight.roles import Cap, require_capability
from oversight.text import control_character_error

from .choices import SubjectKind
from .frame_services import subject_errors
from .models import AuditSubject

SUBJECT_COLUMNS: dict[str, tuple[str, ...]] = {
    SubjectKind.MANAGED_OFFENDERS: (
        "reference",
        "visor_category",
        "risk_level",
        "team",
        "lpa",
        "start_date",
        "end_date",
    ),
    SubjectKind.MISSING_EPISODES: ("reference", "risk_level", "team", "lpa", "start_date", "end_date"),
}
SUBJECT_REQUIRED: dict[str, tuple[str, ...]] = {
    SubjectKind.MANAGED_OFFENDERS: ("reference", "visor_category", "risk_level", "start_date"),
    SubjectKind.MISSING_EPISODES: ("reference", "risk_level", "start_date"),
}
WRITTEN = ("visor_category", "risk_level", "team_id", "lpa_id", "start_date", "end_date")


@dataclass
class SubjectsResult:
    """What an import of subjects did."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.rows} rows: {self.created} created, {self.updated} updated, {self.unchanged} unchanged."


@dataclass
class SubjectRow:
    number: int
    values: dict[str, Any] = field(default_factory=dict)


def _parse(
    number: int, header: list[str], cells: list[str], *, kind: str, today: date, lookups: dict[str, dict[str, int]]
) -> tuple[SubjectRow, list[RowError]]:
    row = SubjectRow(number)
    errors: list[RowError] = []
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        errors.append(
            RowError(
                number,
                f"{len(header) + 1}",
                f"this row has {len(cells)} values but the header has {len(header)} columns",
            )
        )
    bad: set[str] = set()
    for index, column in enumerate(header):
        text = cells[index].strip() if index < len(cells) else ""
        try:
            if message := control_character_error(text, multiline=False):
                raise ValueError(message)
            if column in ("start_date", "end_date"):
                row.values[column] = _date(text, scheduled=False, today=today)
            elif column in ("team", "lpa"):
                row.values[f"{column}_id"] = _lookup(column, text, lookups)
            else:
                row.values[column] = text.lower() if column != "reference" else text
        except ValueError as exc:
            errors.append(RowError(number, column, str(exc)))
            bad.add(column)
    values = {"start_date": None, "end_date": None, **row.values}
    for column, message in subject_errors(kind, values, today=today).items():
        if column not in bad and column in header:
            errors.append(RowError(number, column, message))
    return row, errors


def _lookup(column: str, text: str, lookups: dict[str, dict[str, int]]) -> int | None:
    if not text:
        return None
    try:
        return lookups[column][reference_key(text)]
    except KeyError:
        kind = "LPA" if column == "lpa" else "team"
        raise ValueError(f"'{text}' is not a known {kind} code or name") from None


def _read(binary: IO[bytes], *, kind: str, today: date) -> tuple[list[SubjectRow], list[RowError]]:
    """Every row and every error (files of subjects are small: they are held whole)."""
    try:
        first = next(_records(binary), None)
    except (UnicodeDecodeError, ValueError):
        return [], [RowError(1, "(file)", "the file is not UTF-8 text: save it as CSV UTF-8")]
    if first is None or not any(c.strip() for c in first[1]):
        return [], [RowError(1, "(file)", "the file is empty: the first row must name the columns")]
    header, errors, _usable = _check_header(
        first[1], known=frozenset(SUBJECT_COLUMNS[kind]), required=SUBJECT_REQUIRED[kind]
    )
    if errors:
        return [], errors
    lookups = {"team": Team.objects.pks_by_code_or_name(), "lpa": LocalPolicingArea.objects.pks_by_code_or_name()}
    rows: list[SubjectRow] = []
    first_row_of: dict[str, int] = {}
    try:
        for number, cells in _data_rows(binary):
            row, row_errors = _parse(number, header, cells, kind=kind, today=today, lookups=lookups)
            reference = row.values.get("reference", "")
            if reference and not any(e.column == "reference" for e in row_errors):
                if reference in first_row_of:
                    row_errors.append(
                        RowError(number, "reference", f"{reference} is already in row {first_row_of[reference]}")
                    )
                first_row_of.setdefault(reference, number)
            errors += row_errors
            rows.append(row)
    except UnicodeDecodeError:
        errors.append(RowError(len(rows) + 2, "(file)", "the file is not UTF-8 text: save it as CSV UTF-8"))
    if not rows and not errors:
        errors.append(RowError(2, "(file)", "the file has a header but no data rows"))
    return rows, errors


def import_subjects(*, source: str | Path | IO[bytes], kind: str, actor: Any) -> SubjectsResult:
    """Check the whole file of ``kind`` subjects and, if it has no error, write it in one transaction
    (history by ``actor``, an audit lead). Raises :class:`cases.importer.ImportRejected`."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    if kind not in SUBJECT_COLUMNS:
        raise ValueError(f"Subjects of kind {kind!r} are not imported.")
    binary, owned = _open(source)
    today = timezone.localdate()
    try:
        rows, errors = _read(binary, kind=kind, today=today)
    finally:
        if owned:
            binary.close()
    if not errors:
        errors = _stored_errors(rows, kind=kind, today=today)
    if errors:
        raise ImportRejected(sorted(errors))
    return _write(rows, kind=kind, actor=actor)


def _stored_errors(rows: list[SubjectRow], *, kind: str, today: date) -> list[RowError]:
    """The rules again on each updating row's values over the stored subject's, for columns the file
    lacks (an end date recorded before a new start date, say)."""
    fields = ("reference", "visor_category", "risk_level", "start_date", "end_date")
    stored = {
        values["reference"]: values
        for values in AuditSubject.objects.filter(
            kind=kind, reference__in=[row.values["reference"] for row in rows]
        ).values(*fields)
    }
    errors = []
    for row in rows:
        before = stored.get(row.values["reference"])
        if before is None:
            continue
        for column, message in subject_errors(kind, {**before, **row.values}, today=today).items():
            recorded = "" if column in row.values else " (as recorded)"
            errors.append(RowError(row.number, column, f"{message}{recorded}"))
    return errors


@transaction.atomic
def _write(rows: list[SubjectRow], *, kind: str, actor: Any) -> SubjectsResult:
    result = SubjectsResult(rows=len(rows))
    stored = {
        s.reference: s
        for s in AuditSubject.objects.select_for_update().filter(
            kind=kind, reference__in=[row.values["reference"] for row in rows]
        )
    }
    new: list[AuditSubject] = []
    changed: list[AuditSubject] = []
    for row in rows:
        values = {name: value for name, value in row.values.items() if name != "reference"}
        subject = stored.get(row.values["reference"])
        if subject is None:
            new.append(AuditSubject(kind=kind, reference=row.values["reference"], **values))
            continue
        differs = {name: value for name, value in values.items() if getattr(subject, name) != value}
        if differs:
            for name, value in differs.items():
                setattr(subject, name, value)
            changed.append(subject)
        else:
            result.unchanged += 1
    if new:
        bulk_create_with_history(new, AuditSubject, default_user=actor, default_change_reason="CSV import")
        result.created = len(new)
    if changed:
        present = sorted({name for row in rows for name in row.values if name in WRITTEN})
        bulk_update_with_history(changed, AuditSubject, present, default_user=actor, default_change_reason="CSV import")
        result.updated = len(changed)
    return result
