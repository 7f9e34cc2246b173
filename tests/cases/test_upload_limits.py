"""The upload page refuses a file above the configured size with a clear message, reading none of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Investigation

pytestmark = pytest.mark.django_db

ROW = b"20/1/25,rasso,rape,2025-05-01\n"


def test_a_file_above_the_upload_limit_is_refused_with_its_size_and_the_limit(client_for: Any, settings: Any) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 2_000_000
    # 2,100,000 bytes of rows after the header: 2.1 MB, above the 2 MB limit.
    content = b"crime_reference,strand,offence_group,recorded_date\n" + b" " * 2_100_000

    response = client_for("case_editor").post(
        "/cases/import/", {"file": SimpleUploadedFile("extract.csv", content, "text/csv")}
    )

    assert response.status_code == 400
    assert "The file is 2.1 MB: the largest file accepted is 2 MB." in response.content.decode()
    assert not Investigation.objects.exists()


def test_a_file_within_the_limit_is_imported(client_for: Any, settings: Any) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 2_000_000
    content = b"crime_reference,strand,offence_group,recorded_date\n" + ROW

    response = client_for("case_editor").post(
        "/cases/import/", {"file": SimpleUploadedFile("extract.csv", content, "text/csv")}
    )

    assert response.status_code == 200
    assert Investigation.objects.get().crime_reference == "20/1/25"
