"""No page, export or API answer is kept by a browser or proxy (Cache-Control: no-store); static
files, served before Django's views by whitenoise, stay cacheable."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.factories import InvestigationFactory

pytestmark = pytest.mark.django_db


def test_case_level_pages_exports_and_api_answers_are_not_stored(client_for: Any, api_client_for: Any) -> None:
    investigation = InvestigationFactory()
    client = client_for("case_editor")
    for path in ("/", "/cases/", f"/cases/{investigation.pk}/", "/cases/?format=csv", "/cases/?format=xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert "private" in response["Cache-Control"], path
    response = api_client_for("case_editor").get(f"/api/v1/investigations/{investigation.pk}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_refusals_and_the_login_page_are_not_stored_either(client: Any, client_for: Any) -> None:
    assert "no-store" in client.get("/login/")["Cache-Control"]
    refused = client_for("opcc_scrutiny").get("/cases/")
    assert refused.status_code == 403
    assert "no-store" in refused["Cache-Control"]


def test_static_files_stay_cacheable(client: Any) -> None:
    response = client.get("/static/vendor/chartjs/chart.umd.min.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
