import csv
import io
from collections.abc import Iterable
from datetime import date
from typing import cast

from django.http import StreamingHttpResponse
from django.test import RequestFactory
from openpyxl import load_workbook

from oversight.exports import Download, Table, export_format, page_or_download, query_string, table_response
from oversight.numbers import Rate


def test_csv_export_has_headers_rows_and_neutralised_formulas() -> None:
    response = table_response(
        filename="things", headers=["Ref", "When"], rows=[["=HYPERLINK(1)", date(2025, 1, 2)], ["A", None]], fmt="csv"
    )
    assert isinstance(response, StreamingHttpResponse)
    body = response.getvalue().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body))) == [["Ref", "When"], ["'=HYPERLINK(1)", "2025-01-02"], ["A", ""]]
    assert response["Content-Disposition"] == 'attachment; filename="things.csv"'


def test_xlsx_export_opens_with_the_same_cells() -> None:
    response = table_response(filename="things", headers=["Ref", "Count"], rows=[["A", 3]], fmt="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["Ref", "Count"], ["A", 3]]


def test_export_format_is_none_unless_a_known_format_is_asked_for() -> None:
    factory = RequestFactory()
    assert export_format(factory.get("/", {"format": "xlsx"})) == "xlsx"
    assert export_format(factory.get("/", {"format": "pdf"})) is None
    assert export_format(factory.get("/")) is None


def test_query_string_keeps_the_filters_without_page_and_format() -> None:
    request = RequestFactory().get("/", {"strand": "rasso", "page": "3", "format": "csv", "ordering": "lpa"})
    assert query_string(request) == "strand=rasso&ordering=lpa"
    assert query_string(request, drop=("page", "format", "ordering")) == "strand=rasso"


def test_page_or_download_picks_the_table_asked_for_and_the_first_by_default() -> None:
    downloads = {
        "first": Download(filename="first", headers=["A"], rows=[1], row=lambda n: [n]),
        "second": Download(filename="second", headers=["B"], rows=[[2]]),
    }
    factory = RequestFactory()

    def page() -> dict[str, str]:
        raise AssertionError("the page is not built for a download")

    chosen = page_or_download(
        factory.get("/", {"format": "csv", "table": "second"}), template="x.html", context=page, download=downloads
    )
    assert chosen["Content-Disposition"] == 'attachment; filename="second.csv"'
    default = page_or_download(
        factory.get("/", {"format": "csv", "table": "nope"}), template="x.html", context=page, download=downloads
    )
    assert isinstance(default, StreamingHttpResponse)
    assert default.getvalue().decode("utf-8-sig").splitlines() == ["A", "1"]


def test_a_table_shows_a_rate_with_its_counts_and_downloads_it_as_a_number() -> None:
    table = Table("t", "Rates", ["Month", "Charge rate"], [["2025-05", Rate(12, 162)], ["2025-06", Rate(0, 0)]])
    assert table.cells == [["2025-05", "7.4% (12 of 162)"], ["2025-06", "–"]]
    response = table.download(fmt="csv", filename="rates")
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(cast(Iterable[bytes], response.streaming_content)).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [["Month", "Charge rate"], ["2025-05", "7.4"], ["2025-06", ""]]


def test_xlsx_export_drops_characters_a_cell_cannot_hold() -> None:
    # openpyxl raises IllegalCharacterError on U+0000–U+0008, U+000B, U+000C, U+000E–U+001F;
    # tab and line feed are legal cell text and stay.
    rows = [["20/0\x00001/25", "a\x0bb\x1fc"], ["line one\nline\ttwo", "=1\x01"]]
    response = table_response(filename="things", headers=["Ref", "Note"], rows=rows, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Ref", "Note"],
        ["20/0001/25", "abc"],
        ["line one\nline\ttwo", "'=1"],
    ]
