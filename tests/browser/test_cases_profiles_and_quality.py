"""Headless chromium: a data officer imports a records-system export through its profile (preview first),
looks at the profile's mapping, then at the data-quality report and one rule's list."""

from pathlib import Path
from typing import Any

import pytest

from cases.models import ImportProfile, Investigation
from cases.profiles import SAMPLE_PROFILE, sample_profile_fields
from oversight.roles import Role
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAMPLE = Path(__file__).parent.parent / "cases" / "data" / "records_system_export.csv"


def test_an_officer_previews_and_imports_an_export_then_reads_the_data_quality_report(
    page: Any, make_user: Any
) -> None:
    ImportProfile.objects.create(name=SAMPLE_PROFILE["name"], **sample_profile_fields())
    browser_login(page, make_user(Role.CASE_EDITOR))

    page.get_by_role("link", name="Import profiles for records-system exports").click()
    page.get_by_role("link", name=SAMPLE_PROFILE["name"]).click()
    assert page.get_by_label("crime_reference").input_value() == "Crime Number"
    assert "HO Class" in page.get_by_label("ho_offence_code").input_value()
    screenshot(page, "cases-import-profile-mapping")

    page.goto("/cases/import/")
    page.get_by_label("Upload a CSV file").set_input_files(str(SAMPLE))
    page.get_by_label("Import profile").select_option(label=SAMPLE_PROFILE["name"])
    page.get_by_role("button", name="Preview the first rows").click()
    page.wait_for_load_state()
    preview = page.get_by_test_id("preview")
    assert preview.locator("tbody tr").count() == 10
    assert "Crime Number (crime_reference)" in preview.inner_text() and "19C" in preview.inner_text()
    assert Investigation.objects.count() == 0  # nothing written by a preview
    screenshot(page, "cases-import-preview")

    page.get_by_role("button", name="Import this file").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("created").inner_text() == "12"

    page.goto("/cases/quality/?date_from=2024-01-01&date_to=2025-12-31")
    rules = page.get_by_test_id("table-rules")
    assert "Outcome 14 or 16 without a withdrawal reason" in rules.inner_text()
    screenshot(page, "cases-data-quality")
    rules.get_by_role("link").nth(2).click()  # the third rule's count: 14 or 16 without a reason
    page.wait_for_load_state()
    assert "20/310011/24" in page.get_by_test_id("failing").inner_text()
    screenshot(page, "cases-data-quality-rule")
