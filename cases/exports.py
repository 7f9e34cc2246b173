"""The register's download rows from one SQL query, read in chunks (constant memory whatever the size).

Columns are the import's (``COLUMNS``, ``EXTRA_COLUMNS``, ``V2_COLUMNS``), so an export can be corrected
and imported again. The latest CPS referral (by date, then id) comes from ``DISTINCT ON`` and the flags
from ``string_agg`` on PostgreSQL; elsewhere (SQLite) from correlated subqueries and ``group_concat``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field, QuerySet
from django.http import QueryDict
from django.utils import timezone
from openpyxl import Workbook

from oversight.exports import xlsx_cells

from .importer import COLUMNS, EXTRA_COLUMNS, FIELD_OF, V2_COLUMNS
from .models import CpsReferral, ExportJob, Flag, Investigation, LocalPolicingArea, Team

EXPORT_COLUMNS: tuple[str, ...] = (*COLUMNS, *EXTRA_COLUMNS, *V2_COLUMNS)
CHUNK_ROWS = 2000


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(name: str) -> str:
    field = Investigation._meta.get_field(FIELD_OF.get(name, name))
    return _q(str(cast(Field, field).column))


def _order_by(queryset: QuerySet[Investigation]) -> str:
    terms = []
    for term in queryset.query.order_by:
        if not isinstance(term, str):
            continue
        name = term.lstrip("-")
        column = _q("id") if name in ("pk", "id") else _column(name)
        terms.append(f"i.{column} {'DESC' if term.startswith('-') else 'ASC'}")
    return ", ".join(terms) or f"i.{_q('id')}"


def _formula_safe(expression: str) -> str:
    """Text that a spreadsheet would read as a formula (=, +, -, @, tab, CR first) gets a leading quote,
    as :func:`oversight.exports.table_response` does in Python."""
    return (
        f"CASE WHEN left({expression}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
        f"THEN chr(39) || {expression} ELSE {expression} END"
    )


def export_sql(queryset: QuerySet[Investigation], *, safe_text: bool = False) -> tuple[str, list[Any]]:
    """The SQL (and parameters) of the rows of ``queryset`` (filtered and ordered) in :data:`EXPORT_COLUMNS`.

    ``safe_text`` (PostgreSQL): text neutralised against formula injection in SQL, for ``COPY``."""
    postgres = connection.vendor == "postgresql"
    investigation, referral = _q(Investigation._meta.db_table), _q(CpsReferral._meta.db_table)
    through = _q(Investigation.flags.through._meta.db_table)
    flag, lpa, team = (_q(m._meta.db_table) for m in (Flag, LocalPolicingArea, Team))
    params: list[Any] = []
    ids_params: tuple[Any, ...] = ()
    where = ""
    if queryset.query.where:
        ids_sql, ids_params = queryset.order_by().values("pk").query.sql_with_params()
        where = f"IN ({ids_sql})"
    referral_fields = {
        "cps_referral_date": "referral_date",
        "cps_decision": "decision",
        "cps_decision_date": "decision_date",
    }
    joins = [f"LEFT JOIN {lpa} lpa ON lpa.id = i.lpa_id", f"LEFT JOIN {team} team ON team.id = i.team_id"]
    if postgres:
        # The latest referral of each investigation, and its flags, each in one pass over their table.
        only = f"WHERE investigation_id {where}" if where else ""
        joins.append(
            f"LEFT JOIN (SELECT DISTINCT ON (investigation_id) investigation_id, referral_date, decision, "
            f"decision_date FROM {referral} {only} ORDER BY investigation_id, referral_date DESC, id DESC) r "
            "ON r.investigation_id = i.id"
        )
        only_flags = f"WHERE fl.investigation_id {where}" if where else ""
        joins.append(
            f"LEFT JOIN (SELECT fl.investigation_id, string_agg(f.code, ';' ORDER BY f.code) AS codes "
            f"FROM {through} fl JOIN {flag} f ON f.id = fl.flag_id {only_flags} GROUP BY fl.investigation_id) fg "
            "ON fg.investigation_id = i.id"
        )
        params += [*ids_params, *ids_params]
        referral_value = {c: f"r.{field}" for c, field in referral_fields.items()}
        flags_value = "fg.codes"
    else:
        latest = f"FROM {referral} WHERE investigation_id = i.id ORDER BY referral_date DESC, id DESC LIMIT 1"
        referral_value = {c: f"(SELECT {field} {latest})" for c, field in referral_fields.items()}
        flags_value = (
            f"(SELECT group_concat(code, ';') FROM (SELECT f.code FROM {through} fl JOIN {flag} f "
            "ON f.id = fl.flag_id WHERE fl.investigation_id = i.id ORDER BY f.code))"
        )
    values = []
    for name in EXPORT_COLUMNS:
        text = True
        if name in ("lpa", "team"):
            value = f"{name}.code"
        elif name in referral_value:
            value = referral_value[name]
            text = name == "cps_decision"
            value = f"COALESCE({value}, '')" if text else value
        elif name == "flags":
            value = f"COALESCE({flags_value}, '')"
        else:
            value = f"i.{_column(name)}"
            field = Investigation._meta.get_field(FIELD_OF.get(name, name))
            text = field.get_internal_type() in ("CharField", "TextField", "SlugField", "ForeignKey")
        # COPY writes an empty string as ""; as NULL it is an empty cell, as the Python writer's.
        values.append(f"NULLIF({_formula_safe(value)}, '')" if safe_text and text else value)
    sql = (
        f"SELECT {', '.join(values)} FROM {investigation} i {' '.join(joins)}"
        + (f" WHERE i.id {where}" if where else "")
        + f" ORDER BY {_order_by(queryset)}"
    )
    params += ids_params
    return sql, params


def export_rows(queryset: QuerySet[Investigation]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``queryset`` in :data:`EXPORT_COLUMNS`, read lazily in chunks (a server-side cursor on
    PostgreSQL): nothing runs until the first row is asked for."""
    sql, params = export_sql(queryset)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            yield from rows


def copy_csv(queryset: QuerySet[Investigation]) -> Iterator[bytes | str]:
    """The CSV download of ``queryset`` written by PostgreSQL's ``COPY ... TO STDOUT`` from the export's
    own query, streamed block by block as the server sends it: the same columns and cells as the
    Python writer (header with a BOM, ISO dates, empty for null, formulas neutralised), at COPY's speed."""
    sql, params = export_sql(queryset, safe_text=True)
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(EXPORT_COLUMNS)
    yield "\ufeff" + header.getvalue()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the driver's cursor: Django's wrapper has no copy()
        with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for block in copy:
                yield bytes(block)


# --- large XLSX downloads, built in the background --------------------------------------------------

XLSX_INLINE_ROWS = 10_000  # an XLSX of more rows is built by a task (ExportJob), not in the request
EXPORT_KEEP_HOURS = 24  # a built file is deleted after this long (ExportJob rows with it)
PROGRESS_EVERY = 5_000
EXPORT_DIR = "exports"


def start_xlsx_job(*, user: Any, query: str, filename: str, rows_total: int) -> ExportJob:
    """Record an XLSX download of the register list ``query`` for ``user`` and queue its build."""
    from .tasks import build_register_xlsx

    job = ExportJob.objects.create(user=user, query=query, filename=filename, rows_total=rows_total)
    transaction.on_commit(lambda: build_register_xlsx.delay(job.pk))
    return job


def build_xlsx(job: ExportJob) -> None:
    """Write the job's XLSX (openpyxl write-only: memory stays flat) to a file under MEDIA_ROOT, with the
    rows rebuilt from the job's query and its owner's permissions; progress saved every few thousand rows."""
    from . import selectors

    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    relative = f"{EXPORT_DIR}/{job.token}.xlsx"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        queryset = selectors.register_download(user=job.user, params=QueryDict(job.query))
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=job.filename[:31])
        sheet.append(list(EXPORT_COLUMNS))
        done = 0
        for row in export_rows(queryset):
            sheet.append(xlsx_cells(row))
            done += 1
            if done % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
        workbook.save(target)
    except Exception as exc:
        target.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:300], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.READY, rows_done=done, path=relative, finished_at=timezone.now()
    )


def delete_old_exports(*, now: datetime | None = None) -> int:
    """Delete export jobs older than :data:`EXPORT_KEEP_HOURS` and their files; the number deleted."""
    cutoff = (now or timezone.now()) - timedelta(hours=EXPORT_KEEP_HOURS)
    old = ExportJob.objects.filter(created_at__lt=cutoff)
    for path in old.exclude(path="").values_list("path", flat=True):
        (Path(settings.MEDIA_ROOT) / path).unlink(missing_ok=True)
    deleted, _ = old.delete()
    return deleted
