import csv
import io
from datetime import date

from openpyxl import load_workbook

from oversight.exports import table_response


def test_csv_export_has_headers_rows_and_neutralised_formulas() -> None:
    response = table_response(
        filename="things", headers=["Ref", "When"], rows=[["=HYPERLINK(1)", date(2025, 1, 2)], ["A", None]], fmt="csv"
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body))) == [["Ref", "When"], ["'=HYPERLINK(1)", "2025-01-02"], ["A", ""]]
    assert response["Content-Disposition"] == 'attachment; filename="things.csv"'


def test_xlsx_export_opens_with_the_same_cells() -> None:
    response = table_response(filename="things", headers=["Ref", "Count"], rows=[["A", 3]], fmt="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["Ref", "Count"], ["A", 3]]
