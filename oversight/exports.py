"""CSV and XLSX downloads of a table: one home for every page's export.

- :func:`table_response` writes the file;
- :func:`page_or_download` answers a list page or, with ``?format=csv|xlsx``, its download;
- :func:`export_format` and :func:`query_string` read the request the same way on every page;
- :class:`Table` is a table shown on a page and downloadable as it is shown.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from openpyxl import Workbook

from .numbers import Rate
from .text import xlsx_safe

FORMATS = ("csv", "xlsx")


CSV_BATCH_ROWS = 500


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _cell(value: Any) -> Any:
    if isinstance(value, Rate):  # a download keeps the percentage as a number
        value = value.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formula injection (=, +, -, @ at the start of text)."""
    kind = type(value)
    if kind is str:  # the common case first: a download may have tens of millions of cells
        return "'" + value if value[:1] in FORMULA_STARTS else value
    if kind is int or value is None:
        return "" if value is None else value
    value = _cell(value)
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def xlsx_cells(row: Sequence[Any]) -> list[Any]:
    """One row as XLSX cells: formula injection neutralised, and characters a cell cannot hold
    (text stored before input was checked) removed, as openpyxl refuses them."""
    return [xlsx_safe(_csv_safe(v)) for v in row]


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
            sheet.append(xlsx_cells(row))
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        workbook.save(response)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response

    def lines() -> Iterable[str]:
        # The header goes at once; then rows in batches, not one chunk per row.
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(list(headers))
        yield "\ufeff" + _drain(buffer)
        for count, row in enumerate(rows, 1):
            writer.writerow([_csv_safe(v) for v in row])
            if count % CSV_BATCH_ROWS == 0:
                yield _drain(buffer)
        yield _drain(buffer)

    stream = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stream["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return stream


def export_format(request: HttpRequest) -> str | None:
    """The download asked for with ``?format=`` when it is one of :data:`FORMATS`, else ``None``."""
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def query_string(request: HttpRequest, *, drop: Sequence[str] = ("page", "format")) -> str:
    """The current GET parameters, url-encoded, without ``drop``: the base of pagination and download links."""
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()


@dataclass(frozen=True)
class Download:
    """What a page offers as CSV/XLSX: ``row(item)`` for each of ``rows`` under ``headers``.

    ``rows`` may be a lazy iterable (a queryset iterator, a generator): it is read only when downloaded.
    """

    filename: str
    headers: Sequence[str]
    rows: Iterable[Any]
    row: Callable[[Any], Sequence[Any]] | None = None

    def response(self, fmt: str) -> HttpResponse | StreamingHttpResponse:
        rows = self.rows if self.row is None else map(self.row, self.rows)
        return table_response(filename=self.filename, headers=self.headers, rows=rows, fmt=fmt)


def page_or_download(
    request: HttpRequest,
    *,
    template: str,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
    download: Download | Mapping[str, Download],
    status: int = 200,
) -> HttpResponse | StreamingHttpResponse:
    """The page, or with ``?format=csv|xlsx`` its table as a download.

    ``download`` is one table, or several by name: ``?table=`` picks one, the first is the default.
    ``context`` may be a function, so work done only for the page is skipped for a download.
    """
    fmt = export_format(request)
    if fmt:
        if isinstance(download, Download):
            return download.response(fmt)
        chosen = download.get(request.GET.get("table", "")) or next(iter(download.values()))
        return chosen.response(fmt)
    return render(request, template, context() if callable(context) else context, status=status)


@dataclass
class Table:
    """A table shown on a page and downloadable as CSV/XLSX: raw ``rows`` for exports, ``cells`` for HTML."""

    key: str
    caption: str
    headers: list[str]
    rows: list[list[Any]]
    numeric: set[int] = field(default_factory=set)  # columns aligned right
    percent: set[int] = field(default_factory=set)  # columns shown with %
    percent_rows: set[int] = field(default_factory=set)  # rows whose numbers are shown with %
    query_string: str = ""
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → the records behind a count

    @property
    def cells(self) -> list[list[str]]:
        return [[self._show(r, c, value) for c, value in enumerate(row)] for r, row in enumerate(self.rows)]

    @property
    def linked_cells(self) -> list[list[tuple[str, str | None]]]:
        """``cells`` with each one's link (``None`` for most): the HTML table's content."""
        return [[(text, self.links.get((r, c))) for c, text in enumerate(row)] for r, row in enumerate(self.cells)]

    @property
    def columns(self) -> list[dict[str, Any]]:
        return [{"label": h, "numeric": i in self.numeric} for i, h in enumerate(self.headers)]

    def _show(self, row: int, column: int, value: Any) -> str:
        if isinstance(value, Rate):  # "7.4% (12 of 162)": the counts beside every rate
            return str(value)
        if value is None:
            return "–" if column in self.numeric else ""
        if column in self.percent or (row in self.percent_rows and column in self.numeric):
            return f"{value:.1f}%"
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)

    def as_download(self, filename: str) -> Download:
        return Download(filename=filename, headers=self.headers, rows=self.rows)

    def download(self, *, fmt: str, filename: str) -> HttpResponse | StreamingHttpResponse:
        return self.as_download(filename).response(fmt)
