"""Headless chromium: a data officer imports a CSV with a bad row, fixes it, and finds the record."""

from typing import Any

import pytest

from oversight.roles import Role
from tests.cases.conftest import HEADER
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOOD = "20/246810/25,stalking_harassment,stalking,adult,Solihull,lpa_investigations,2025-06-03,,,,,,,,,,,yes,,stalking"
OTHER = "20/246811/25,rasso,rape,adult,birmingham,rasso,2025-06-04,,,,,,,,,,,,,"


def _upload(page: Any, *rows: str) -> None:
    content = "\n".join([HEADER, *rows]).encode("utf-8")
    page.get_by_label("Upload a CSV file").set_input_files(
        {"name": "extract.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_load_state()


def test_an_editor_fixes_a_bad_row_and_finds_the_investigation(page: Any, make_user: Any) -> None:
    browser_login(page, make_user(Role.CASE_EDITOR))
    page.get_by_role("link", name="Import the records-system extract (CSV)").click()
    page.wait_for_url("**/cases/import/")

    _upload(page, OTHER, GOOD.replace("2025-06-03", "2025-06-31"))
    assert page.locator(".govuk-error-summary").is_visible()
    errors = page.get_by_test_id("import-errors")
    assert errors.locator("tbody tr").count() == 1
    cells = errors.locator("tbody tr td").all_inner_texts()
    assert cells == ["3", "recorded_date", "'2025-06-31' is not a date in the form YYYY-MM-DD"]
    screenshot(page, "cases-import-errors")

    _upload(page, OTHER, GOOD)
    assert page.get_by_test_id("import-success").is_visible()
    assert page.get_by_test_id("created").inner_text() == "2"
    screenshot(page, "cases-import-success")

    page.get_by_role("link", name="Go to the investigation register").click()
    page.get_by_text("Filter the register").click()
    page.get_by_label("Strand").select_option("stalking_harassment")
    page.get_by_label("LPA").select_option("solihull")
    page.get_by_label("Flag", exact=True).select_option("stalking")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/cases/?*strand=stalking_harassment*")
    table = page.get_by_test_id("investigation-table")
    assert table.locator("tbody tr").count() == 1
    assert "20/246810/25" in table.inner_text()
    screenshot(page, "cases-register-filtered")

    page.get_by_role("link", name="20/246810/25").click()
    assert page.get_by_role("heading", name="20/246810/25").is_visible()
    assert "CSV import" in page.get_by_test_id("history").inner_text()
    screenshot(page, "cases-detail")
