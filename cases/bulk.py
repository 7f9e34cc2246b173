"""The one bulk writer of the register: many rows at once, and their history, for the CSV import
(:mod:`cases.importer`) and the synthetic generator (:mod:`cases.synthetic`).

- **Keys** are allocated before the rows are written (:func:`allocate_keys`), so related rows and
  history rows can refer to them in the same pass: from the table's own sequence on PostgreSQL
  (``nextval``: safe beside other writers, and the sequence stays right), after the highest key
  elsewhere (SQLite lets one writer in at a time).
- **Rows** go in with ``COPY`` on PostgreSQL (several times faster than the multi-row ``INSERT``
  the ORM builds), in its binary format when every column's type allows (:data:`BINARY_TYPES`), and
  ``bulk_create`` elsewhere (:func:`insert`, :func:`insert_rows`).
- **History**: one simple-history row per object, as ``bulk_create_with_history`` /
  ``bulk_update_with_history`` write them (``history_user`` = the actor, a change reason), but
  through the same writer so their ids are known for the flags' history (:func:`insert_history`,
  :func:`insert_flag_history`).

No model signals are sent: callers run in a transaction, keep the KPI rollup in step themselves
(``rollups.subtract_investigations`` before a change, ``rollups.add_investigations`` after) and
invalidate cached KPI figures (``transaction.on_commit(kpis.data_changed)``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, cast

from django.apps import apps
from django.db import connection
from django.db.models import Field, Max, Model
from django.db.models.expressions import RawSQL

from .models import Investigation

BATCH_SIZE = 1000
CREATED, CHANGED = "+", "~"  # simple-history's history_type


def allocate_keys(model: type[Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model``'s table, to give rows before they are written."""
    if count <= 0:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_sequence(model), count])
            return [pk for (pk,) in cursor.fetchall()]
    first = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
    return list(range(first, first + count))


_sequences: dict[str, str] = {}


def _sequence(model: type[Model]) -> str:
    """The name of the sequence behind ``model``'s primary key (PostgreSQL), looked up once per table: a
    constant inside nextval(), or it is looked up again for every key (100,000 keys: 460 ms against 66 ms);
    and once, not for every chunk an import writes (a round trip each)."""
    meta = model._meta
    if meta.db_table not in _sequences:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
            (_sequences[meta.db_table],) = cursor.fetchone()
    return _sequences[meta.db_table]


def insert_rows(
    model: type[Model], attnames: Sequence[str], rows: Sequence[tuple], *, keys: Sequence[int] | None = None
) -> list[int]:
    """Insert ``rows`` (values for ``attnames``, primary key left out) and return their keys: ``keys``,
    when the caller allocated them first (:func:`allocate_keys`), or new ones."""
    keys = list(keys) if keys is not None else allocate_keys(model, len(rows))
    _write(model, [model._meta.pk.attname, *attnames], [(pk, *row) for pk, row in zip(keys, rows, strict=True)])
    return keys


def insert(model: type[Model], objs: Sequence[Model]) -> None:
    """Insert model instances as they are (callers set ``auto_now`` fields themselves).

    Instances without a primary key are given one (:func:`allocate_keys`) and keep it.
    """
    if not objs:
        return
    meta = model._meta
    keyless = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(keyless, allocate_keys(model, len(keyless)), strict=True):
        setattr(obj, meta.pk.attname, pk)
    attnames = [field.attname for field in meta.concrete_fields]
    _write(model, attnames, [tuple(getattr(obj, name) for name in attnames) for obj in objs])


def insert_values(model: type[Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows given as dictionaries (field attname → value; fields left out take their default),
    without building model instances (the CSV import's new rows: many, and nothing else needs them).
    Each dictionary is given its primary key (:func:`allocate_keys`) and the defaults it lacked."""
    if not rows:
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field is not meta.pk]
    defaults = {field.attname: field.get_default() for field in fields}
    pk_name = meta.pk.attname
    for row, pk in zip(rows, allocate_keys(model, len(rows)), strict=True):
        # In place (callers keep these dictionaries), the merge done in C: a setdefault per field was
        # 0.6 s of Python for 100,000 rows of 45 fields.
        row.update({**defaults, **row, pk_name: pk})
    attnames = [pk_name, *(field.attname for field in fields)]
    values = itemgetter(*attnames)
    _write(model, attnames, [values(row) for row in rows])


def update(model: type[Model], objs: Sequence[Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of instances already in the database."""
    if objs:
        model._default_manager.bulk_update(objs, list(fields), batch_size=BATCH_SIZE)


def insert_history(
    model: type[Model],
    objs: Sequence[Model] | Sequence[dict[str, Any]],
    *,
    history_type: str,
    actor: Any,
    reason: str,
    now: datetime,
) -> list[int]:
    """One history row per object (``CREATED`` or ``CHANGED``), as simple-history's bulk helpers write
    them, by ``actor`` (``None`` for the system) with ``reason``. Returns the history ids, in order."""
    history_model = model.history.model  # type: ignore[attr-defined]  # simple-history adds the manager
    tracked = [field.attname for field in history_model.tracked_fields]
    extra = (now, getattr(actor, "pk", None), reason, history_type)
    attnames = [*tracked, "history_date", "history_user_id", "history_change_reason", "history_type"]
    if objs and isinstance(objs[0], dict):  # rows written by insert_values
        values = itemgetter(*tracked)
        rows = cast(Sequence[dict[str, Any]], objs)
        return insert_rows(history_model, attnames, [(*values(row), *extra) for row in rows])
    return insert_rows(history_model, attnames, [(*(getattr(obj, n) for n in tracked), *extra) for obj in objs])


def among(ids: Collection[int]) -> list[int] | RawSQL:
    """The right side of an ``__in`` lookup on integer keys (``investigation_id__in=among(ids)``). On
    PostgreSQL one array parameter, ``IN (SELECT unnest(…))``: for ``__in`` with a list Django writes a
    placeholder per id, prepares each value and the driver converts each one again (a chunk's 1,000 ids,
    twice a chunk: 13 % of the CPU of an import that finds every row unchanged)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [[int(pk) for pk in ids]])
    return list(ids)


def insert_flag_history(history_of: dict[int, int]) -> None:
    """Record the flags each new investigation history row saw (what simple-history does for a single save).

    ``history_of`` maps investigation id → the id of its new history row; flags are read back from
    the through table so the rows carry the through ids, as simple-history's own rows do.
    """
    if not history_of:
        return
    through = Investigation.flags.through
    current = through.objects.filter(investigation_id__in=among(history_of)).values_list(
        "id", "investigation_id", "flag_id"
    )
    insert_rows(
        apps.get_model("cases", "HistoricalInvestigation_flags"),
        ["id", "history_id", "investigation_id", "flag_id"],
        [(pk, history_of[inv_id], inv_id, flag_id) for pk, inv_id, flag_id in current],
    )


def _write(model: type[Model], attnames: Sequence[str], rows: Sequence[tuple]) -> None:
    """Rows that carry their primary key: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**dict(zip(attnames, row, strict=True))) for row in rows], batch_size=BATCH_SIZE
        )
        return
    meta = model._meta
    copy_rows(meta.db_table, [cast(str, cast(Field, meta.get_field(name)).column) for name in attnames], rows)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """``COPY`` ``rows`` (values for ``columns``) into ``table`` (PostgreSQL): in binary format when every
    column's type allows (:func:`binary_types`), else as text."""
    quote = connection.ops.quote_name
    types = binary_types(table, columns)
    sql = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN{' (FORMAT BINARY)' if types else ''}"
    # The driver's own cursor does the COPY: its errors (a duplicate key written meanwhile by another
    # request) are turned into Django's, as any query's are, so callers catch IntegrityError.
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)


# Column types written in COPY's binary format: dates and numbers are sent as the server stores them, not
# as text it parses again (100,000 investigations: 0.25 s against 0.7-0.9 s for the text COPY of the same
# rows into an unindexed copy of the table). Each of these takes the Python values the models hold; a
# table with a column of any other type (JSON, inet …) is written as text.
BINARY_TYPES = frozenset(
    {"bool", "int2", "int4", "int8", "varchar", "text", "bpchar", "date", "timestamptz", "timestamp"}
)
_column_types: dict[tuple[str, tuple[str, ...]], list[int] | None] = {}


def binary_types(table: str, columns: Sequence[str]) -> list[int] | None:
    """The type of each column (OIDs, in order) when all can go in binary, else ``None``; looked up once per
    table and columns (a migration that changes a column's type restarts the processes)."""
    key = (table, tuple(columns))
    if key not in _column_types:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.attname, a.atttypid::int, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
                [connection.ops.quote_name(table)],
            )
            found = {name: (oid, type_name) for name, oid, type_name in cursor.fetchall()}
        kinds = [found[column] for column in columns]
        _column_types[key] = [oid for oid, _name in kinds] if all(n in BINARY_TYPES for _o, n in kinds) else None
    return _column_types[key]
