"""The protective-order CSV import (``manage.py import_orders`` and its upload page): the same contract as
the investigation import (:mod:`cases.importer`) — UTF-8 CSV, header row, columns in any order, the whole
file checked first and every error reported as ``row N, column C: message``, nothing written unless
every row is right.

Columns: ``crime_reference``, ``order_type``, ``applied_date`` (required), ``granted_date``,
``expiry_date``, ``breaches`` (``;``-separated, each ``YYYY-MM-DD`` or ``YYYY-MM-DD:yes|no`` for
whether an arrest was made). An order is matched by its investigation, type and applied date: a
matching order is updated, its breaches matched by date; nothing is deleted. The legal durations
and breaches within an order's life are :mod:`cases.rules`' (the model's ``clean()`` checks the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

from django.db import transaction
from django.utils import timezone

from oversight.roles import Cap, require_capability
from oversight.text import control_character_error

from . import bulk, kpis, rules
from .choices import OrderType
from .importer import CHANGE_REASON, MAX_ERRORS, ImportRejected, RowError, _check_header, _data_rows, _open, _records
from .models import Investigation, OrderBreach, ProtectiveOrder

ORDER_COLUMNS: tuple[str, ...] = (
    "crime_reference",
    "order_type",
    "applied_date",
    "granted_date",
    "expiry_date",
    "breaches",
)
ORDER_REQUIRED: tuple[str, ...] = ("crime_reference", "order_type", "applied_date")
ORDER_TYPES: tuple[str, ...] = tuple(OrderType.values)
OrderKey = tuple[int, str, date | None]  # investigation id, order type, applied date


@dataclass
class OrderRow:
    """One order as the file gives it."""

    number: int
    reference: str = ""
    order_type: str = ""
    applied: date | None = None
    granted: date | None = None
    expiry: date | None = None
    breaches: list[tuple[date, bool | None]] | None = None  # None: no ``breaches`` column
    present: frozenset[str] = frozenset()


@dataclass
class OrdersResult:
    rows: int = 0
    orders_created: int = 0
    orders_updated: int = 0
    breaches_created: int = 0
    breaches_updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.rows} rows: {self.orders_created} orders created, {self.orders_updated} updated, "
            f"{self.unchanged} unchanged; {self.breaches_created} breaches created, {self.breaches_updated} updated."
        )


def _date(text: str, *, scheduled: bool, today: date) -> date | None:
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError
        value = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date in the form YYYY-MM-DD") from None
    message = None if scheduled else rules.future_error(value, today=today)
    if message:
        raise ValueError(message)
    return value


def _breaches(text: str, *, today: date) -> list[tuple[date, bool | None]]:
    result = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        when, _, arrest = part.partition(":")
        arrest = arrest.strip().lower()
        if arrest not in ("", "yes", "no"):
            raise ValueError(f"'{part}' is not a breach written YYYY-MM-DD or YYYY-MM-DD:yes or YYYY-MM-DD:no")
        try:
            day = _date(when.strip(), scheduled=False, today=today)
        except ValueError as exc:
            raise ValueError(f"breach {exc}") from None
        assert day is not None
        result.append((day, {"yes": True, "no": False}.get(arrest)))
    return result


def _parse(number: int, header: list[str], cells: list[str], *, today: date) -> tuple[OrderRow, list[RowError]]:
    raw = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
    row = OrderRow(number=number, present=frozenset(header))
    errors: list[RowError] = []
    for column, text in raw.items():
        try:
            if message := control_character_error(text, multiline=False):
                raise ValueError(message)
            if column in ORDER_REQUIRED and not text:
                raise ValueError("is required")
            if column == "crime_reference":
                row.reference = text
            elif column == "order_type":
                if text.lower() not in ORDER_TYPES:
                    raise ValueError(f"'{text}' is not a known code (use one of: {', '.join(ORDER_TYPES)})")
                row.order_type = text.lower()
            elif column == "applied_date":
                row.applied = _date(text, scheduled=False, today=today)
            elif column == "granted_date":
                row.granted = _date(text, scheduled=False, today=today)
            elif column == "expiry_date":
                row.expiry = _date(text, scheduled=True, today=today)
            elif column == "breaches":
                row.breaches = _breaches(text, today=today)
        except ValueError as exc:
            errors.append(RowError(number, column, str(exc)))
    if row.granted and row.applied and row.granted < row.applied:
        errors.append(RowError(number, "granted_date", f"is before the applied date ({row.applied:%Y-%m-%d})"))
    return row, errors


def _life_errors(row: OrderRow, stored: ProtectiveOrder | None, bad: set[str]) -> list[RowError]:
    """The rules across an order's dates, on the row's values over the stored order's for columns the
    file lacks: an expiry needs a grant and follows it, the legal duration of the type, and every
    breach (the file's and the stored ones) within the order's life."""
    granted = row.granted if "granted_date" in row.present or stored is None else stored.granted_date
    expiry = row.expiry if "expiry_date" in row.present or stored is None else stored.expiry_date
    errors: list[RowError] = []

    def add(column: str, message: str | None) -> None:
        if message and column not in bad:
            errors.append(RowError(row.number, column, message))
            bad.add(column)

    if expiry and not granted and "granted_date" not in bad:
        add("expiry_date", "an expiry date needs the granted date")
    if expiry and granted and expiry < granted:
        add("expiry_date", f"is before the granted date ({granted:%Y-%m-%d})")
    if {"order_type", "granted_date"}.isdisjoint(bad):
        add("expiry_date", rules.order_duration_error(row.order_type, made=granted, expiry=expiry))
    breaches = [day for day, _arrest in row.breaches or []]
    breaches += [b.breach_date for b in stored.breaches.all()] if stored is not None else []
    if {"granted_date", "expiry_date"}.isdisjoint(bad):
        for day in sorted(set(breaches)):
            add("breaches", rules.breach_error(day, granted=granted, expiry=expiry))
    return errors


def _read(binary: IO[bytes], *, today: date) -> tuple[list[OrderRow], list[RowError]]:
    """Every row and every error (files of orders are small: they are held whole)."""
    try:
        first = next(_records(binary), None)
    except (UnicodeDecodeError, ValueError):
        return [], [RowError(1, "(file)", "the file is not UTF-8 text: save it as CSV UTF-8")]
    if first is None or not any(c.strip() for c in first[1]):
        return [], [RowError(1, "(file)", "the file is empty: the first row must name the columns")]
    header, errors, _usable = _check_header(first[1], known=frozenset(ORDER_COLUMNS), required=ORDER_REQUIRED)
    if errors:
        return [], errors
    rows: list[OrderRow] = []
    first_row_of: dict[tuple[str, str, date | None], int] = {}
    for number, cells in _data_rows(binary):
        row, row_errors = _parse(number, header, cells, today=today)
        key = (row.reference, row.order_type, row.applied)
        if not row_errors:
            if key in first_row_of:
                row_errors.append(
                    RowError(number, "crime_reference", f"this order is already in row {first_row_of[key]}")
                )
            first_row_of.setdefault(key, number)
        errors += row_errors
        rows.append(row)
    if not rows and not errors:
        errors.append(RowError(2, "(file)", "the file has a header but no data rows"))
    return rows, errors


def import_orders(*, source: str | Path | IO[bytes], actor: Any = None) -> OrdersResult:
    """Validate the whole orders file and, if it has no error, write it in one transaction (history by
    ``actor``, who needs ``investigations.edit``; ``None`` for the system). Raises :class:`ImportRejected`."""
    if actor is not None:
        require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    binary, owned = _open(source)
    try:
        today = timezone.localdate()
        rows, errors = _read(binary, today=today)
        investigations = dict(
            Investigation.objects.filter(crime_reference__in={r.reference for r in rows}).values_list(
                "crime_reference", "id"
            )
        )
        stored: dict[OrderKey, ProtectiveOrder] = {
            (o.investigation_id, o.order_type, o.applied_date): o
            for o in ProtectiveOrder.objects.filter(investigation_id__in=set(investigations.values()))
            .select_related("investigation")
            .prefetch_related("breaches")
        }
        bad_by_row: dict[int, set[str]] = {}
        for error in errors:
            bad_by_row.setdefault(error.row, set()).add(error.column)
        for row in rows:
            if row.reference and row.reference not in investigations:
                errors.append(RowError(row.number, "crime_reference", f"{row.reference} is not in the register"))
                continue
            match = stored.get((investigations.get(row.reference, 0), row.order_type, row.applied))
            errors += _life_errors(row, match, bad_by_row.get(row.number, set()))
        if errors:  # the first MAX_ERRORS listed, the others counted (as the investigation import does)
            errors.sort()
            raise ImportRejected(errors[:MAX_ERRORS], more=max(0, len(errors) - MAX_ERRORS))
        return _write(rows, investigations, stored, actor=actor)
    finally:
        if owned:
            binary.close()


@transaction.atomic
def _write(
    rows: list[OrderRow],
    investigations: dict[str, int],
    stored: dict[OrderKey, ProtectiveOrder],
    *,
    actor: Any,
) -> OrdersResult:
    result = OrdersResult(rows=len(rows))
    transaction.on_commit(kpis.data_changed)
    history = {"actor": actor, "reason": CHANGE_REASON, "now": timezone.now()}
    new_orders: list[tuple[ProtectiveOrder, OrderRow]] = []
    changed_orders: list[ProtectiveOrder] = []
    new_breaches: list[OrderBreach] = []
    changed_breaches: list[OrderBreach] = []
    for row in rows:
        investigation_id = investigations[row.reference]
        order = stored.get((investigation_id, row.order_type, row.applied))
        if order is None:
            order = ProtectiveOrder(
                investigation_id=investigation_id,
                order_type=row.order_type,
                applied_date=cast(date, row.applied),  # required: a row without one is an error
                granted_date=row.granted,
                expiry_date=row.expiry,
            )
            new_orders.append((order, row))
            continue
        changed = False
        for name, value in (("granted_date", row.granted), ("expiry_date", row.expiry)):
            if name in row.present and getattr(order, name) != value:
                setattr(order, name, value)
                changed = True
        breach_changed = False
        by_date = {b.breach_date: b for b in order.breaches.all()}
        for day, arrest in row.breaches or []:
            existing = by_date.get(day)
            if existing is None:
                new_breaches.append(OrderBreach(order=order, breach_date=day, arrest_made=arrest))
                breach_changed = True
            elif existing.arrest_made != arrest:
                existing.arrest_made = arrest
                changed_breaches.append(existing)
                breach_changed = True
        if changed:
            changed_orders.append(order)
        elif not breach_changed:
            result.unchanged += 1
    if new_orders:
        orders = [order for order, _row in new_orders]
        bulk.insert(ProtectiveOrder, orders)
        bulk.insert_history(ProtectiveOrder, orders, history_type=bulk.CREATED, **history)
        for order, row in new_orders:
            new_breaches += [OrderBreach(order=order, breach_date=d, arrest_made=a) for d, a in row.breaches or []]
        result.orders_created = len(orders)
    if changed_orders:
        bulk.update(ProtectiveOrder, changed_orders, ["granted_date", "expiry_date"])
        bulk.insert_history(ProtectiveOrder, changed_orders, history_type=bulk.CHANGED, **history)
        result.orders_updated = len(changed_orders)
    if new_breaches:
        for breach in new_breaches:
            breach.order_id = breach.order.pk
        bulk.insert(OrderBreach, new_breaches)
        bulk.insert_history(OrderBreach, new_breaches, history_type=bulk.CREATED, **history)
        result.breaches_created = len(new_breaches)
    if changed_breaches:
        bulk.update(OrderBreach, changed_breaches, ["arrest_made"])
        bulk.insert_history(OrderBreach, changed_breaches, history_type=bulk.CHANGED, **history)
        result.breaches_updated = len(changed_breaches)
    return result
