"""The investigation CSV import (DESIGN.md §4), shared by ``manage.py import_investigations``, the upload
page and the background import job (:mod:`cases.jobs`).

One streaming pass over the file, in one transaction:

- each chunk of rows is **checked** (codes, dates, pairs of fields, references repeated in the
  file, the records already in the database for rows that update them), every error as
  ``row N, column C: message``;
- while no row has had an error, the chunk is **written** straight away through :mod:`cases.bulk`
  (new rows with ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere; changed ones with
  ``bulk_update``), each with a simple-history row as ``bulk_create_with_history`` would write it
  (``history_user`` = the importing user, reason "CSV import"), flags' history included; unchanged
  rows are left alone, so importing the same file twice changes nothing and adds no history;
- after the first error nothing more is written, the rest of the file is still checked, and the
  transaction is rolled back: all or nothing, and nobody sees a row before the whole file is good;
- the KPI rollup is kept exact: what a stored investigation counts is taken out before its chunk
  changes it, and everything written is counted once at the end (one statement per grain).

Memory stays bounded whatever the file's size: rows are held a chunk at a time, the first
:data:`MAX_ERRORS` errors are kept and the others only counted (:class:`ErrorList`); the references
seen (to find repeats) are the one thing kept for the whole file.
"""

from __future__ import annotations

import csv
import io
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce
from itertools import islice, repeat
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from oversight.concurrency import exclusive, unique_or_error
from oversight.errors import ApplicationError
from oversight.roles import Cap, require_capability
from oversight.text import control_character_error, is_pseudonymous

from . import bulk, kpis, rollups, rules
from .choices import (
    BailStatus,
    CourtOutcome,
    CpsDecision,
    Ethnicity,
    OffenceGroup,
    Relationship,
    Sex,
    Strand,
    SuspectStatus,
    VictimAgeGroup,
    WithdrawalReason,
    YesNoUnknown,
)
from .models import (
    CpsReferral,
    Flag,
    HomeOfficeOffence,
    ImportJob,
    ImportProfile,
    Investigation,
    LocalPolicingArea,
    Team,
    reference_key,
    register_columns,
)
from .outcomes import OutcomeType

COLUMNS: tuple[str, ...] = (
    "crime_reference",
    "strand",
    "offence_group",
    "victim_age_group",
    "lpa",
    "team",
    "recorded_date",
    "offence_date",
    "outcome_type",
    "outcome_date",
    "cps_referral_date",
    "cps_decision",
    "cps_decision_date",
    "arrest_date",
    "bail_status",
    "court_outcome",
    "court_outcome_date",
    "vcop_compliant",
    "vps_offered",
    "flags",
)
# Accepted as well: the register keeps it, though the records-system extract does not always carry it.
EXTRA_COLUMNS: tuple[str, ...] = ("advocate_referral",)
# Register v2 (DESIGN.md §2): optional, each may be absent or empty.
V2_COLUMNS: tuple[str, ...] = (
    "reported_date",
    "ho_offence_code",
    "da_flag",
    "victim_id",
    "suspect_id",
    "victim_sex",
    "suspect_sex",
    "victim_age",
    "suspect_age",
    "victim_ethnicity",
    "suspect_ethnicity",
    "relationship",
    "suspect_status",
    "bail_start_date",
    "bail_expiry_date",
    "rui_start_date",
    "withdrawal_reason",
    "evidence_led_considered",
    "cps_file_submitted_date",
    "cps_action_plans",
    "first_hearing_date",
    "trial_date",
    "sentence_date",
)
ALL_COLUMNS: tuple[str, ...] = (*COLUMNS, *EXTRA_COLUMNS, *V2_COLUMNS)
REQUIRED: tuple[str, ...] = ("crime_reference", "strand", "offence_group", "recorded_date")
KNOWN = frozenset(ALL_COLUMNS)

# Investigation fields written by the import, in the order compared and updated.
FIELDS: tuple[str, ...] = register_columns()[1:]  # all but crime_reference, the key
# CSV column → investigation field (when the names differ).
FIELD_OF: dict[str, str] = {"lpa": "lpa_id", "team": "team_id", "ho_offence_code": "ho_offence_id"}
REFERRAL_COLUMNS = frozenset({"cps_referral_date", "cps_decision", "cps_decision_date"})
DATE_COLUMNS = frozenset(
    {
        "recorded_date",
        "offence_date",
        "outcome_date",
        "cps_referral_date",
        "cps_decision_date",
        "arrest_date",
        "court_outcome_date",
        *(c for c in V2_COLUMNS if c.endswith("_date")),
    }
)
CHOICE_COLUMNS: dict[str, tuple[str, ...]] = {  # tuples keep the order shown in messages
    "strand": tuple(Strand.values),
    "offence_group": tuple(OffenceGroup.values),
    "victim_age_group": tuple(VictimAgeGroup.values),
    "bail_status": tuple(BailStatus.values),
    "court_outcome": tuple(CourtOutcome.values),
    "cps_decision": tuple(CpsDecision.values),
    "victim_sex": tuple(Sex.values),
    "suspect_sex": tuple(Sex.values),
    "victim_ethnicity": tuple(Ethnicity.values),
    "suspect_ethnicity": tuple(Ethnicity.values),
    "relationship": tuple(Relationship.values),
    "suspect_status": tuple(SuspectStatus.values),
    "withdrawal_reason": tuple(WithdrawalReason.values),
}
YES_NO_COLUMNS = frozenset({"vcop_compliant", "vps_offered", "advocate_referral", "da_flag", "evidence_led_considered"})
AGE_COLUMNS = frozenset({"victim_age", "suspect_age"})
PERSON_COLUMNS = frozenset({"victim_id", "suspect_id"})
OUTCOME_CODES = frozenset(OutcomeType.values)
assert set(YesNoUnknown.values) == {"yes", "no", ""}
# Rows checked and written together. 100,000 rows on PostgreSQL (min of 2, in pairs of runs): 18.8-18.9 s
# in chunks of 1,000 (a dozen statements each), 16.4-18.0 s in chunks of 5,000; 10,000 and 20,000 were no
# faster (the Python work grows with the chunk's lists).
CHUNK_ROWS = 5_000
ANALYZE_AFTER_ROWS = 10_000  # rows created, above which the import refreshes the planner's statistics
CHANGE_REASON = "CSV import"
RACED = (
    "Some of these investigations were recorded by someone else while the file was imported: "
    "nothing was imported. Import the file again."
)


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in the file: ``row N, column C: message`` (the header is row 1)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


MAX_ERRORS = 1_000  # errors kept and listed; the rest of the file is still checked, its errors only counted


def more_errors_line(more: int) -> str:
    """What stands for the errors not listed (after the first :data:`MAX_ERRORS`)."""
    return f"and {more:,} more error{'s' if more != 1 else ''}"


class ImportRejected(ApplicationError):
    """The file has errors; nothing was written. ``errors`` lists the first :data:`MAX_ERRORS` of them
    in file order, ``more`` counts the others (every row is checked, so the count is exact)."""

    def __init__(self, errors: list[RowError], *, more: int = 0) -> None:
        count = len(errors) + more
        lines = [str(e) for e in errors]
        if more:
            lines.append(more_errors_line(more))
        super().__init__(
            f"The file has {count:,} error{'s' if count != 1 else ''}: nothing was imported.", {"file": lines}
        )
        self.errors = errors
        self.more = more

    @property
    def count(self) -> int:
        return len(self.errors) + self.more

    @property
    def lines(self) -> list[str]:
        """Every error kept as ``row N, column C: message``, then "and N more errors" when some were not kept."""
        return [str(e) for e in self.errors] + ([more_errors_line(self.more)] if self.more else [])


class ErrorList:
    """The errors of a file, in file order: the first ``limit`` kept, the rest counted (memory stays
    bounded however many rows are wrong). A row's errors are added together, sorted by column."""

    def __init__(self, limit: int = MAX_ERRORS) -> None:
        self.limit = limit
        self.kept: list[RowError] = []
        self.more = 0

    def add(self, errors: list[RowError]) -> None:
        if not errors:
            return
        room = self.limit - len(self.kept)
        if room >= len(errors):
            self.kept.extend(sorted(errors))
            return
        if room > 0:
            self.kept.extend(sorted(errors)[:room])
        self.more += len(errors) - max(room, 0)

    def __bool__(self) -> bool:
        return bool(self.kept) or bool(self.more)

    def __len__(self) -> int:
        return len(self.kept) + self.more

    def rejected(self) -> ImportRejected:
        return ImportRejected(self.kept, more=self.more)


@dataclass
class ImportResult:
    """What an import did."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    referrals_created: int = 0
    referrals_updated: int = 0

    def __str__(self) -> str:
        return (
            f"{self.rows} rows: {self.created} created, {self.updated} updated, {self.unchanged} unchanged "
            f"({self.referrals_created} CPS referrals created, {self.referrals_updated} updated)."
        )


@dataclass
class ParsedRow:
    """One data row turned into model values; only the columns present in the file are in ``values``."""

    number: int
    reference: str
    values: dict[str, Any] = field(default_factory=dict)
    flag_ids: frozenset[int] | None = None  # None: no ``flags`` column
    referral: tuple[date, str, date | None] | None = None


# --- import profiles ---------------------------------------------------------------------------


DATE_PARTS = (("YYYY", "%Y"), ("DD", "%d"), ("MM", "%m"), ("YY", "%y"))


def strptime_format(date_format: str) -> str:
    """``DD/MM/YYYY`` → ``%d/%m/%Y`` (only the parts of :data:`DATE_PARTS`)."""
    result = date_format.strip()
    for part, code in DATE_PARTS:
        result = result.replace(part, code)
    return result


class ProfilePlan:
    """An :class:`ImportProfile` applied to one file: which source column fills which register column,
    with the profile's value mappings and date format applied to each cell.

    :meth:`read_header` reads the file's header (errors for columns the profile neither maps nor
    ignores); :meth:`cells` turns a data row into the register's columns, in :attr:`header`'s order.
    """

    def __init__(self, profile: ImportProfile) -> None:
        self.name = profile.name
        self.fields_of: dict[str, list[str]] = {}
        for entry in profile.columns:
            self.fields_of.setdefault(reference_key(entry.get("source")), []).append(reference_key(entry.get("field")))
        self.ignored = {reference_key(name) for name in profile.ignored}
        self.values = {
            reference_key(name): {reference_key(k): str(v) for k, v in mapping.items()}
            for name, mapping in profile.values.items()
        }
        self.date_hint = profile.date_format.strip() or "YYYY-MM-DD"
        self.date_format = strptime_format(profile.date_format) if profile.date_format.strip() else ""
        self.header: list[str] = []
        self.labels: dict[str, str] = {}
        self.picks: list[tuple[int, dict[str, str] | None, bool]] = []  # (source position, values, is a date)

    def read_header(self, cells: list[str]) -> list[RowError]:
        """Read the file's header: the register columns it gives, and an error per unknown column."""
        self.header, self.labels, self.picks = [], {}, []
        errors = []
        for position, raw in enumerate(cells):
            name, key = raw.strip(), reference_key(raw)
            if key in self.ignored:
                continue
            if key in self.fields_of:
                targets = self.fields_of[key]
            elif key in KNOWN:
                targets = [key]
            elif not key:
                targets = [""]  # reported by the header check
            else:
                errors.append(RowError(1, name, f"unknown column: map it or ignore it in the profile {self.name}"))
                continue
            for field_name in targets:
                self.header.append(field_name)
                if field_name and name.lower() != field_name:
                    self.labels[field_name] = f"{name} ({field_name})"
                self.picks.append((position, self.values.get(field_name), field_name in DATE_COLUMNS))
        return errors

    def cells(self, cells: list[str]) -> list[str]:
        """A data row in the register's columns, values mapped."""
        result = []
        for position, values, is_date in self.picks:
            text = cells[position].strip() if position < len(cells) else ""
            if values is not None:
                text = values.get(text.lower(), text)
            if is_date and text and self.date_format:
                text = self._iso_date(text)
            result.append(text)
        return result

    def _iso_date(self, text: str) -> str:
        try:
            return datetime.strptime(text.split()[0], self.date_format).date().isoformat()
        except ValueError:
            return text  # the parser reports it in the profile's form

    def relabel(self, error: RowError) -> RowError:
        """The error naming the column as the file does (``Crime Number (crime_reference)``)."""
        label = self.labels.get(error.column)
        return RowError(error.row, label, error.message) if label else error


@dataclass
class Preview:
    """The first rows of a file as the import would read them, before anything is written."""

    columns: list[str]
    labels: list[str]
    rows: list[tuple[int, list[str]]]
    errors: list[RowError]
    truncated: bool


def preview(*, source: str | Path | IO[bytes], profile: ImportProfile | None = None, rows: int = 10) -> Preview:
    """The header as mapped and the first ``rows`` data rows, with the errors found in them."""
    binary, owned = _open(source)
    plan = ProfilePlan(profile) if profile is not None else None
    try:
        try:
            first = next(_records(binary), None)
        except (UnicodeDecodeError, csv.Error):
            first = None
        if first is None:
            return Preview([], [], [], [RowError(1, "(file)", "the file is empty or not a UTF-8 CSV file")], False)
        plan_errors = plan.read_header(first[1]) if plan is not None else []
        header, errors, usable = _check_header(plan.header if plan is not None else first[1])
        errors = plan_errors + errors
        shown: list[tuple[int, list[str]]] = []
        more = False
        if usable:
            parser = _Parser(header, timezone.localdate(), date_hint=plan.date_hint if plan else "YYYY-MM-DD")
            for number, cells in _data_rows(binary, plan):
                if len(shown) == rows:
                    more = True
                    break
                _row, row_errors = parser.parse(number, cells)
                errors.extend(row_errors)
                shown.append((number, [cells[i] if i < len(cells) else "" for i in range(len(header))]))
        if plan is not None:
            errors = [plan.relabel(error) for error in errors]
        labels = [plan.labels.get(c, c) if plan is not None else c for c in header]
        return Preview(header, labels, shown, sorted(errors), more)
    finally:
        if owned:
            binary.close()


# --- reading ---------------------------------------------------------------------------------


def _open(source: str | Path | IO[bytes]) -> tuple[IO[bytes], bool]:
    if isinstance(source, str | Path):
        return open(source, "rb"), True
    return source, False


def _records(binary: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row number, cells) for every record, the header being row 1."""
    binary.seek(0)
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        yield from enumerate(csv.reader(text), start=1)
    finally:
        text.detach()  # leave the underlying file open for the second pass


class _Lookups:
    """Reference data loaded once: LPAs and teams by code or name, flags by code (all case-insensitive)."""

    def __init__(self) -> None:
        self.lpas = LocalPolicingArea.objects.pks_by_code_or_name()
        self.teams = Team.objects.pks_by_code_or_name()
        self.flags = {reference_key(code): pk for code, pk in Flag.objects.values_list("code", "id")}
        self.offences = {code.upper(): code for code in HomeOfficeOffence.objects.values_list("code", flat=True)}


# How a parsed column's value is used: the key, the flags, a CPS referral's, or an investigation field.
_REFERENCE, _FLAGS, _REFERRAL, _FIELD = range(4)
# Columns whose values rarely repeat: not remembered (the others' few distinct values are, see _Parser).
UNREMEMBERED = frozenset({"crime_reference", "victim_id", "suspect_id"})
MEMO_LIMIT = 50_000
_Memo = tuple[dict[str, Any], dict[str, str]]  # a column's texts seen: value of each good one, message of each bad one
_UNSEEN = object()


class _Parser:
    """Turns cells into values and errors, one row at a time.

    A register column takes few distinct values (codes, days, ages), so each column remembers what
    every text it has seen turned into, or the error it gave: after the first rows a cell costs one
    dictionary look-up. References and person references are parsed every time.
    """

    def __init__(self, header: list[str], today: date, *, date_hint: str = "YYYY-MM-DD") -> None:
        self.date_hint = date_hint
        self.header = header
        self.present = frozenset(header)
        self.lookups = _Lookups()
        self.today = today
        self.plan: list[tuple[int, str, int, str, _Memo | None]] = []
        self.columns: dict[str, list[Any]] = {}  # the last chunk's values, field by field (None: empty or in error)
        for index, column in enumerate(header):
            if column not in KNOWN:
                continue
            use = (
                _REFERENCE
                if column == "crime_reference"
                else _FLAGS
                if column == "flags"
                else _REFERRAL
                if column in REFERRAL_COLUMNS
                else _FIELD
            )
            memo: _Memo | None = None if column in UNREMEMBERED else ({}, {})
            self.plan.append((index, column, use, FIELD_OF.get(column, column), memo))

    def _cell(self, column: str, raw: str, memo: _Memo | None) -> tuple[Any, str | None]:
        """``(value, None)`` or ``(None, message)`` for a cell not remembered yet (and remember it,
        by its text as the file has it).

        A cell holding a control character is an error before anything else; an errored
        ``crime_reference`` never becomes the row's reference, so it is never looked up
        (PostgreSQL refuses text holding NUL)."""
        text = raw.strip()
        if message := control_character_error(text, multiline=False):
            result: tuple[Any, str | None] = (None, message)
        else:
            try:
                result = (self._value(column, text), None)
            except ValueError as exc:
                result = (None, str(exc))
        if memo is not None and len(memo[0]) + len(memo[1]) < MEMO_LIMIT:
            if result[1] is None:
                memo[0][raw] = result[0]
            else:
                memo[1][raw] = result[1]
        return result

    def parse_chunk(self, chunk: list[tuple[int, list[str]]]) -> list[tuple[ParsedRow, list[RowError]]]:
        """Rows (number, cells) parsed column by column: each column's texts are looked up in its memo
        in one pass, and only the texts not seen before are parsed. Returns each row with its errors;
        :attr:`columns` then holds the chunk's values field by field."""
        width = len(self.header)
        rows = [ParsedRow(number=number, reference="") for number, _ in chunk]
        errors: list[list[RowError]] = [[] for _ in chunk]
        padded = []
        for position, (number, cells) in enumerate(chunk):
            if len(cells) != width:
                if len(cells) > width and "".join(cells[width:]).strip():
                    message = f"this row has {len(cells)} values but the header has {width} columns"
                    errors[position].append(RowError(number, f"{width + 1}", message))
                cells = (cells + [""] * width)[:width]
            padded.append(cells)
        columns = list(zip(*padded, strict=True)) if padded else [()] * width
        self.columns = {}
        cps: dict[str, list[Any]] = {}
        missing: dict[int, list[str]] = {}  # row position → fields whose cell is in error
        for index, column, use, target, memo in self.plan:
            texts = columns[index]
            found: list[tuple[int, str]] = []  # (row position, message)
            if memo is not None:
                good, bad = memo
                column_values = list(map(good.get, texts, repeat(_UNSEEN, len(texts))))
                if _UNSEEN in column_values:
                    for position, value in enumerate(column_values):
                        if value is not _UNSEEN:
                            continue
                        text = texts[position]
                        if text in good:  # seen earlier in this chunk
                            column_values[position] = good[text]
                        elif text not in bad:
                            column_values[position], error = self._cell(column, text, memo)
                            if error is not None and text not in bad:  # not remembered: the memo is full
                                found.append((position, error))
                if bad:
                    found += [(position, bad[text]) for position, text in enumerate(texts) if text in bad]
                    for position, _message in found:
                        column_values[position] = None
            else:
                results = [self._cell(column, text, None) for text in texts]
                column_values = [value for value, _error in results]
                found = [(position, error) for position, (_v, error) in enumerate(results) if error is not None]
            for position, message in sorted(set(found)):
                errors[position].append(RowError(rows[position].number, column, message))
            if use == _FIELD:
                self.columns[target] = column_values
                for position, _message in found:  # an errored cell gives no value
                    missing.setdefault(position, []).append(target)
            elif use == _REFERENCE:
                for row, value in zip(rows, column_values, strict=True):
                    row.reference = value or ""
            elif use == _FLAGS:
                for row, value in zip(rows, column_values, strict=True):
                    row.flag_ids = value
            else:
                cps[column] = column_values
        names = list(self.columns)
        by_row = zip(*self.columns.values(), strict=True) if names else [()] * len(rows)
        for row, row_values in zip(rows, by_row, strict=True):
            row.values = dict(zip(names, row_values, strict=True))
        for position, fields in missing.items():
            for name in fields:
                rows[position].values.pop(name, None)
        if cps:
            referral_columns = list(cps)
            for position, mine in enumerate(zip(*cps.values(), strict=True)):
                if any(mine):
                    row = rows[position]
                    row.referral = self._referral(
                        row.number, dict(zip(referral_columns, mine, strict=True)), errors[position]
                    )
        for position, age in enumerate(self.columns.get("victim_age", ())):
            if age is None:
                continue
            row, row_errors = rows[position], errors[position]
            problem = rules.age_group_error(row.values.get("victim_age_group", ""), age=age)
            if problem:
                row_errors.append(RowError(row.number, "victim_age_group", problem))
            elif not _has_error(row_errors, "victim_age_group"):
                row.values["victim_age_group"] = rules.age_group_of(age)
                self.columns.setdefault("victim_age_group", [None] * len(rows))[position] = row.values[
                    "victim_age_group"
                ]
        return list(zip(rows, errors, strict=True))

    def parse(self, number: int, cells: list[str]) -> tuple[ParsedRow, list[RowError]]:
        """One row (the preview's way): see :meth:`parse_chunk`."""
        return self.parse_chunk([(number, cells)])[0]

    def _value(self, column: str, text: str) -> Any:
        if column in REQUIRED and not text:
            raise ValueError("is required")
        if column == "crime_reference":
            if len(text) > 40:
                raise ValueError("must be 40 characters or fewer")
            return text
        if column in PERSON_COLUMNS:
            if len(text) > 40:
                raise ValueError("must be 40 characters or fewer")
            if text and not is_pseudonymous(text):
                raise ValueError(f"'{text}' is not a person reference (it has no digit): names are never stored")
            return text
        if column in DATE_COLUMNS:
            return self._date(text, scheduled=column in rules.SCHEDULED_DATES)
        if column in CHOICE_COLUMNS:
            code = text.lower()
            if column == "victim_age_group" and not code:
                return VictimAgeGroup.UNKNOWN.value
            if code and code not in CHOICE_COLUMNS[column]:
                raise ValueError(f"'{text}' is not a known code (use one of: {', '.join(CHOICE_COLUMNS[column])})")
            return code
        if column == "outcome_type":
            code = text.upper()
            if code and code not in OUTCOME_CODES:
                raise ValueError(f"'{text}' is not a Home Office outcome type (1, 1A, 2 … 22)")
            return code
        if column in YES_NO_COLUMNS:
            answer = text.lower()
            if answer not in ("yes", "no", ""):
                raise ValueError(f"'{text}' is not yes, no or empty")
            return answer  # YesNoUnknown values: "yes", "no", "" (not recorded)
        if column in ("lpa", "team"):
            if not text:
                return None
            table = self.lookups.lpas if column == "lpa" else self.lookups.teams
            try:
                return table[reference_key(text)]
            except KeyError:
                kind = "LPA" if column == "lpa" else "team"
                raise ValueError(f"'{text}' is not a known {kind} code or name") from None
        if column in AGE_COLUMNS:
            return _whole_number(text, high=rules.MAX_AGE, what="years")
        if column == "cps_action_plans":
            return _whole_number(text, high=rules.MAX_ACTION_PLANS, what="action plans")
        if column == "ho_offence_code":
            if not text:
                return None
            try:
                return self.lookups.offences[text.upper()]
            except KeyError:
                raise ValueError(f"'{text}' is not a Home Office offence code in the reference list") from None
        if column == "flags":
            ids = set()
            for part in text.split(";"):
                code = reference_key(part)
                if not code:
                    continue
                if code not in self.lookups.flags:
                    raise ValueError(f"'{part.strip()}' is not a known flag code")
                ids.add(self.lookups.flags[code])
            return frozenset(ids)
        raise ValueError("unexpected column")  # pragma: no cover - KNOWN is checked first

    def _date(self, text: str, *, scheduled: bool = False) -> date | None:
        if not text:
            return None
        try:
            if len(text) != 10:
                raise ValueError
            value = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a date in the form {self.date_hint}") from None
        if scheduled:
            return value
        message = rules.future_error(value, today=self.today)
        if message:
            raise ValueError(message)
        return value

    def _referral(
        self, number: int, cps: dict[str, Any], errors: list[RowError]
    ) -> tuple[date, str, date | None] | None:
        referral_date = cps.get("cps_referral_date")
        decision = cps.get("cps_decision", "")
        decision_date = cps.get("cps_decision_date")
        if referral_date is None:
            if decision or decision_date:
                column = "cps_referral_date"
                if column in self.present and not any(e.column == column for e in errors):
                    errors.append(RowError(number, column, "a CPS decision needs the referral date"))
                elif column not in self.present:
                    errors.append(RowError(number, column, "a CPS decision needs the referral date (add the column)"))
            return None
        if decision and decision_date is None and not _has_error(errors, "cps_decision_date"):
            errors.append(RowError(number, "cps_decision_date", "a CPS decision needs its date"))
        if decision_date and not decision and not _has_error(errors, "cps_decision"):
            errors.append(RowError(number, "cps_decision", "a CPS decision date needs the decision"))
        if decision_date and decision_date < referral_date:
            errors.append(RowError(number, "cps_decision_date", "is before the CPS referral date"))
        return referral_date, decision, decision_date


def _whole_number(text: str, *, high: int, what: str) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > high:
        raise ValueError(f"'{text}' is not a whole number of {what} from 0 to {high}")
    return int(text)


def _has_error(errors: list[RowError], column: str) -> bool:
    return any(e.column == column for e in errors)


def _check_header(
    header: list[str], *, known: frozenset[str] = KNOWN, required: tuple[str, ...] = REQUIRED
) -> tuple[list[str], list[RowError], bool]:
    """The header's names (lower case), its errors, and whether every ``required`` column is there.
    Other imports with the same contract pass their own ``known`` and ``required`` columns."""
    names = [h.strip().lower() for h in header]
    errors: list[RowError] = []
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            errors.append(RowError(1, str(position), "the column has no name"))
        elif name in seen:
            errors.append(RowError(1, name, "the column appears more than once"))
        elif name not in known:
            errors.append(RowError(1, header[position - 1].strip(), "unknown column"))  # as the file spells it
        seen.add(name)
    missing = [c for c in required if c not in seen]
    for column in missing:
        errors.append(RowError(1, column, "required column is missing"))
    return names, errors, not missing


def _check_row(row: ParsedRow, existing: dict[str, Any] | None, errors: list[RowError], *, today: date) -> None:
    """Rules across fields (:mod:`cases.rules`), on the row's values over the stored ones for columns the file lacks."""
    merged = dict(existing or {})
    merged.update({k: v for k, v in row.values.items() if k in rules.CHECKED_FIELDS})
    bad = {e.column for e in errors}
    for column, message in rules.investigation_date_errors(merged, today=today, skip=bad).items():
        errors.append(RowError(row.number, column, message))
    if row.referral is None or "recorded_date" in bad:
        return
    _check_referral(row, merged.get("recorded_date"), errors, bad=bad)


def _check_referral(
    row: ParsedRow, recorded: date | None, errors: list[RowError], *, bad: set[str] | None = None
) -> None:
    """A CPS referral's dates are not before the crime was recorded."""
    assert row.referral is not None
    referral_date, _decision, decision_date = row.referral
    for column, value in (("cps_referral_date", referral_date), ("cps_decision_date", decision_date)):
        problem = rules.before_recorded_error(value, recorded=recorded)
        if problem and (bad is None or column not in bad):
            errors.append(RowError(row.number, column, problem))


def _chunked(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _data_rows(binary: IO[bytes], plan: ProfilePlan | None = None) -> Iterator[tuple[int, list[str]]]:
    records = _records(binary)
    first = next(records, None)
    if plan is not None and first is not None:
        plan.read_header(first[1])
    for number, cells in records:
        if "".join(cells).strip():
            yield number, (plan.cells(cells) if plan is not None else cells)


Progress = Callable[[str, int, int], None]
"""Told after each chunk: (stage, rows checked, rows written so far); stage is ``"validating"``, then
``"writing"`` for the last steps once every row has been checked."""


def _no_progress(stage: str, validated: int, written: int) -> None:
    return None


def _run(binary: IO[bytes], *, today: date, plan: ProfilePlan | None, actor: Any, progress: Progress) -> ImportResult:
    """The import in one pass over the file, in the caller's transaction (see the module docstring)."""
    relabel = plan.relabel if plan is not None else None
    errors = ErrorList()

    def add(found: list[RowError]) -> None:
        errors.add([relabel(error) for error in found] if relabel is not None else found)

    try:
        first = next(_records(binary), None)
    except UnicodeDecodeError:
        raise ImportRejected([RowError(1, "(file)", "the file is not UTF-8 text: save it as CSV UTF-8")]) from None
    except csv.Error as exc:
        raise ImportRejected([RowError(1, "(file)", f"the file is not a readable CSV file ({exc})")]) from None
    if first is None or not any(c.strip() for c in first[1]):
        raise ImportRejected([RowError(1, "(file)", "the file is empty: the first row must name the columns")])
    plan_errors = plan.read_header(first[1]) if plan is not None else []
    header, header_errors, usable = _check_header(plan.header if plan is not None else first[1])
    add(plan_errors + header_errors)
    if not usable:
        raise errors.rejected()

    parser = _Parser(header, today, date_hint=plan.date_hint if plan is not None else "YYYY-MM-DD")
    writer = _Writer(frozenset(header), actor=actor)
    first_row_of: dict[str, int] = {}
    count = 0
    try:
        for chunk in _chunked(_data_rows(binary, plan), CHUNK_ROWS):
            parsed = parser.parse_chunk(chunk)
            for row, row_errors in parsed:
                number = row.number
                if row.reference and not _has_error(row_errors, "crime_reference"):
                    earlier = first_row_of.setdefault(row.reference, number)
                    if earlier != number:
                        row_errors.append(
                            RowError(number, "crime_reference", f"{row.reference} is already in row {earlier}")
                        )
            count += len(chunk)
            stored = _stored([row.reference for row, _ in parsed if row.reference])
            # The date rules column by column; rows that may break one, rows with errors already and
            # rows updating a stored record (its values count) are checked one by one.
            suspects = rules.rows_to_check(parser.columns, len(parsed), today=today)
            for position, (row, row_errors) in enumerate(parsed):
                investigation = stored.get(row.reference)
                if investigation is not None or row_errors or position in suspects:
                    checked = (
                        {name: getattr(investigation, name) for name in rules.CHECKED_FIELDS} if investigation else None
                    )
                    _check_row(row, checked, row_errors, today=today)
                elif row.referral is not None:
                    _check_referral(row, row.values.get("recorded_date"), row_errors)
                add(row_errors)
            if not errors:  # after the first error nothing more is written: the transaction is rolled back
                writer.write([row for row, _ in parsed], stored)
            progress(ImportJob.Status.VALIDATING, count, writer.result.rows)
    except UnicodeDecodeError:
        add([RowError(count + 2, "(file)", "the file is not UTF-8 text: save it as CSV UTF-8")])
    except csv.Error as exc:
        add([RowError(count + 2, "(file)", f"the file is not a readable CSV file ({exc})")])
    if not errors and count == 0:
        add([RowError(2, "(file)", "the file has a header but no data rows")])
    if errors:
        raise errors.rejected()
    progress(ImportJob.Status.WRITING, count, writer.result.rows)
    writer.finish()
    return writer.result


def _stored(references: list[str]) -> dict[str, Investigation]:
    """The investigations of a chunk's rows that are already in the register, by reference."""
    if not references:
        return {}
    if connection.vendor == "postgresql":
        # The records in one query with one array parameter (Django's ``__in`` sends a placeholder per
        # reference), each reference one probe of the unique index. A LATERAL with LIMIT 1 (which keeps
        # the planner from flattening it into a join): while a first import fills an empty register, the
        # statistics still say empty, and a join would scan every row this import has written, for each
        # chunk (100,000 rows into an empty register: 1.2 s of look-ups, against 0.4 s).
        table = connection.ops.quote_name(Investigation._meta.db_table)
        found = Investigation.objects.raw(
            "SELECT i.* FROM unnest(%s::text[]) AS r(reference) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT * FROM {table} WHERE crime_reference = r.reference LIMIT 1) i",
            [references],
        )
        return {inv.crime_reference: inv for inv in found}
    return {inv.crime_reference: inv for inv in Investigation.objects.filter(crime_reference__in=references)}


# --- writing ---------------------------------------------------------------------------------


class _Writer:
    """Writes checked chunks (see :mod:`cases.bulk`) and keeps the KPI rollup in step: what a stored
    investigation counts is taken out before its chunk changes it; everything written is counted once,
    by :meth:`finish`, in one statement per rollup grain."""

    def __init__(self, header: frozenset[str], *, actor: Any) -> None:
        self.header = header
        self.fields_in_file = [f for f in FIELDS if f in _fields_present(header)]
        self.now = timezone.now()
        self.history = {"actor": actor, "reason": CHANGE_REASON, "now": self.now}
        self.result = ImportResult()
        self.counted: list[int] = []  # investigations to count in the rollup at the end

    def finish(self) -> None:
        if connection.vendor == "postgresql" and self.result.created >= ANALYZE_AFTER_ROWS:
            # The planner still believes the tables as big as they were before the import (an empty
            # register: a nested loop over every row) unless told: ANALYZE sees this transaction's rows.
            # Through a function (migration cases/0023): only the tables' owner may ANALYZE them, and
            # the application's database role owns nothing (``manage.py grant_app_role``).
            with connection.cursor() as cursor:
                cursor.execute("SELECT cases_analyze_register()")
        rollups.add_investigations(self.counted)
        transaction.on_commit(kpis.data_changed)  # bulk writes send no model signals

    def write(self, rows: list[ParsedRow], stored: dict[str, Investigation]) -> None:
        header, history, now, result = self.header, self.history, self.now, self.result
        result.rows += len(rows)
        through = Investigation.flags.through
        stored_ids = [inv.pk for inv in stored.values()]
        flags_of: dict[int, set[int]] = {}
        referrals: dict[tuple[int, date], CpsReferral] = {}
        if stored_ids:
            for inv_id, flag_id in through.objects.filter(investigation_id__in=bulk.among(stored_ids)).values_list(
                "investigation_id", "flag_id"
            ):
                flags_of.setdefault(inv_id, set()).add(flag_id)
            referrals = {
                (r.investigation_id, r.referral_date): r
                for r in CpsReferral.objects.filter(investigation_id__in=bulk.among(stored_ids))
            }

        new: list[dict[str, Any]] = []  # new investigations' values (no model instances: see bulk.insert_values)
        new_flags: dict[int, frozenset[int]] = {}  # index in ``new`` → flags
        changed: list[Investigation] = []
        flag_changes: dict[int, tuple[set[int], set[int]]] = {}  # investigation id → (add, remove)
        new_referrals: list[tuple[Investigation | dict[str, Any], tuple[date, str, date | None]]] = []
        changed_referrals: list[CpsReferral] = []

        for row in rows:
            investigation = stored.get(row.reference)
            if investigation is None:
                values = {**row.values, "crime_reference": row.reference, "created_at": now, "updated_at": now}
                if row.flag_ids:
                    new_flags[len(new)] = row.flag_ids
                new.append(values)
                if row.referral:
                    new_referrals.append((values, row.referral))
                continue
            is_changed = False
            for name, value in row.values.items():
                if getattr(investigation, name) != value:
                    setattr(investigation, name, value)
                    is_changed = True
            if row.flag_ids is not None:
                current = flags_of.get(investigation.pk, set())
                add, remove = set(row.flag_ids) - current, current - set(row.flag_ids)
                if add or remove:
                    flag_changes[investigation.pk] = (add, remove)
                    is_changed = True
            referral_changed = False
            if row.referral:
                referral_date, decision, decision_date = row.referral
                referral = referrals.get((investigation.pk, referral_date))
                if referral is None:
                    new_referrals.append((investigation, row.referral))
                    referral_changed = True
                elif "cps_decision" in header and (referral.decision, referral.decision_date) != (
                    decision,
                    decision_date,
                ):
                    referral.decision, referral.decision_date = decision, decision_date
                    changed_referrals.append(referral)
                    referral_changed = True
            if is_changed:
                investigation.updated_at = now
                changed.append(investigation)
            elif referral_changed:
                result.updated += 1  # only its CPS referral changed: the referral's history records it
            else:
                result.unchanged += 1

        # The KPI rollup: take out what the stored records count before they change (counted again at the end).
        touched = {inv.pk for inv in changed}
        touched |= {inv.pk for inv, _r in new_referrals if isinstance(inv, Investigation)}
        touched |= {referral.investigation_id for referral in changed_referrals}
        if touched:
            rollups.subtract_investigations(sorted(touched))
            self.counted.extend(touched)
        if new:
            bulk.insert_values(Investigation, new)
            self.counted.extend(values["id"] for values in new)
            created_history = bulk.insert_history(Investigation, new, history_type=bulk.CREATED, **history)
            bulk.insert_rows(
                through,
                ["investigation_id", "flag_id"],
                [(new[i]["id"], f) for i, flags in new_flags.items() for f in flags],
            )
            bulk.insert_flag_history({new[i]["id"]: created_history[i] for i in new_flags})
            result.created += len(new)
        if changed:
            bulk.update(Investigation, changed, [*self.fields_in_file, "updated_at"])
            removals = [
                Q(investigation_id=i, flag_id__in=remove) for i, (_add, remove) in flag_changes.items() if remove
            ]
            if removals:
                through.objects.filter(reduce(operator.or_, removals)).delete()
            bulk.insert_rows(
                through, ["investigation_id", "flag_id"], [(i, f) for i, (add, _r) in flag_changes.items() for f in add]
            )
            changed_history = bulk.insert_history(Investigation, changed, history_type=bulk.CHANGED, **history)
            bulk.insert_flag_history({inv.pk: hist for inv, hist in zip(changed, changed_history, strict=True)})
            result.updated += len(changed)

        if new_referrals:
            referrals_to_add = [
                CpsReferral(
                    investigation_id=inv["id"] if isinstance(inv, dict) else inv.pk,
                    referral_date=rd,
                    decision=decision,
                    decision_date=decision_date,
                )
                for inv, (rd, decision, decision_date) in new_referrals
            ]
            bulk.insert(CpsReferral, referrals_to_add)
            bulk.insert_history(CpsReferral, referrals_to_add, history_type=bulk.CREATED, **history)
            result.referrals_created += len(new_referrals)
        if changed_referrals:
            bulk.update(CpsReferral, changed_referrals, ["decision", "decision_date"])
            bulk.insert_history(CpsReferral, changed_referrals, history_type=bulk.CHANGED, **history)
            result.referrals_updated += len(changed_referrals)


def _fields_present(header: frozenset[str]) -> set[str]:
    return {FIELD_OF.get(c, c) for c in header}


def import_investigations(
    *,
    source: str | Path | IO[bytes],
    actor: Any = None,
    profile: ImportProfile | None = None,
    progress: Progress = _no_progress,
) -> ImportResult:
    """Check the whole CSV file ``source`` and, if it has no error, import it in one transaction.

    ``source`` is a path or a binary file object that can seek (an upload). ``actor``
    (``None`` for a command run by the system) must hold ``investigations.edit`` and
    becomes the history user. With ``profile`` the file is read through it (columns renamed,
    ignored, values mapped); without, the contract's columns hold exactly. Raises
    :class:`ImportRejected` listing the first :data:`MAX_ERRORS` errors (and counting the rest),
    with nothing written. ``progress`` is told how far it got after each chunk.
    """
    if actor is not None:
        require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    binary, owned = _open(source)
    plan = ProfilePlan(profile) if profile is not None else None
    try:
        today = timezone.localdate()
        with unique_or_error(RACED):  # one transaction: the lock is held until it ends
            # One import at a time: a second one (the same file sent twice) waits for the first,
            # then checks against what it wrote and finds its rows unchanged.
            exclusive("cases.import_investigations")
            return _run(binary, today=today, plan=plan, actor=actor, progress=progress)
    finally:
        if owned:
            binary.close()
