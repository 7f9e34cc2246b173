"""A control character never reaches the register from a page or the API, and one stored before
input was checked no longer breaks the register's XLSX download."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from cases.models import Investigation
from tests.cases.factories import InvestigationFactory

pytestmark = pytest.mark.django_db

NEW = {"crime_reference": "20/222222/25", "strand": "rasso", "offence_group": "rape", "recorded_date": "2025-05-01"}


def test_the_new_investigation_form_refuses_a_control_character(client_for: Any) -> None:
    response = client_for("case_editor").post("/cases/new/", {**NEW, "crime_reference": "20/2222\x0b22/25"})
    assert response.status_code == 400
    assert "contains a control character (U+000B): remove it" in response.content.decode()
    assert not Investigation.objects.exists()


def test_the_api_refuses_a_control_character_in_a_field_or_a_list(api_client_for: Any) -> None:
    client = api_client_for("case_editor")
    response = client.post("/api/v1/investigations/", {**NEW, "crime_reference": "20/2\x0122/25"}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "crime_reference: contains a control character (U+0001): remove it."
    response = client.post("/api/v1/investigations/", {**NEW, "flags": ["\u0000"]}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "flags[0]: contains a control character (U+0000): remove it."
    assert not Investigation.objects.exists()


def test_the_register_xlsx_download_survives_a_stored_control_character(client_for: Any) -> None:
    InvestigationFactory(crime_reference="20/33\x0133/25")  # written straight to the table, as old data was
    response = client_for("case_editor").get("/cases/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "20/3333/25" in [row[0].value for row in sheet.iter_rows(min_row=2)]
