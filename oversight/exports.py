"""CSV and XLSX downloads of a table: one function every page's export uses."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formula injection (=, +, -, @ at the start of text)."""
    value = _cell(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """A download of ``rows`` under ``headers`` as ``fmt`` (``csv`` or ``xlsx``).

    CSV streams (constant memory for large lists); XLSX uses openpyxl's write-only mode.
    """
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        sheet.append(list(headers))
        for row in rows:
            sheet.append([_csv_safe(v) for v in row])
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        workbook.save(response)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response

    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield "\ufeff" + writer.writerow(list(headers))
        for row in rows:
            yield writer.writerow([_csv_safe(v) for v in row])

    stream = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stream["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return stream
