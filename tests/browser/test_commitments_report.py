"""Headless chromium: the OPCC officer opens the report to the Commissioner, prints it on A4 and
downloads the Word file."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from oversight.roles import Role
from tests.cases.factories import InvestigationFactory
from tests.commitments.factories import CommitmentFactory, ProgressUpdateFactory, RagAssessmentFactory, period
from tests.conftest import ARTIFACTS, browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_officer_reads_prints_and_downloads_the_report(page: Any, make_user: Any) -> None:
    opcc = make_user(Role.OPCC_SCRUTINY, full_name="Priya Shah")
    first = CommitmentFactory(action_ref="147", order=1, text="Ensure effective prevention of online abuse.")
    second = CommitmentFactory(action_ref="256", order=2, text="Bring CSE offenders to justice.")
    for commitment, rating, before in ((first, "GREEN", "AMBER"), (second, "AMBER", "AMBER")):
        RagAssessmentFactory(commitment=commitment, period=period("2025-26-Q2"), published=True, rating=rating)
        RagAssessmentFactory(commitment=commitment, period=period("2025-26-Q1"), published=True, rating=before)
    RagAssessmentFactory(commitment=first, period=period("2025-26-Q3"))  # the next round, not yet published
    ProgressUpdateFactory(
        commitment=second,
        narrative="Outcomes rose to **22%+** in 25/26.\n\n- PIPPA training for 40 officers\n- a CSAE threat desk",
    )
    InvestigationFactory(unplaced=True, strand="cse", recorded_date="2025-07-10", outcome_type="1",
                         outcome_date="2025-08-01")  # fmt: skip

    browser_login(page, opcc)
    page.goto("/commitments/report/")
    # The default quarter is the last one whose ratings are all published, not the round in progress.
    assert page.get_by_label("Quarter").input_value() == "2025-26-Q2"
    block = page.get_by_test_id("title-block").inner_text()
    assert "Quarter 2, 2025/26: 1 July – 30 September 2025" in block and "Priya Shah" in block
    assert page.get_by_test_id("marking-top").inner_text() == "OFFICIAL-SENSITIVE"
    section = page.get_by_test_id("section-256")
    assert section.locator("strong", has_text="22%+").count() == 1
    assert section.locator("li").all_inner_texts() == ["PIPPA training for 40 officers", "a CSAE threat desk"]
    annex = page.get_by_test_id("annex").locator("tbody tr").all_inner_texts()
    assert [" ".join(row.split()) for row in annex] == [
        "147 - Ensure effective prevention of online abuse. Green Amber",
        "256 - Bring CSE offenders to justice. Amber Amber",
    ]
    page.wait_for_selector('canvas[data-chart="chart-report-kpis"][data-rendered="true"]')
    screenshot(page, "commitments-report")

    # Printed: A4 pages, and the print stylesheet hides the form and the links.
    page.emulate_media(media="print")
    assert not page.get_by_label("Quarter").is_visible()
    assert not page.get_by_test_id("download-docx").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    with open(f"{ARTIFACTS}/commitments-report.pdf", "wb") as file:
        file.write(pdf)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    # A4 is 595.3 × 841.9 points (chromium rounds to its own units).
    assert boxes and all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in boxes)
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_test_id("download-docx").click()
    assert download.value.suggested_filename == "rag-report-2025-26-Q2.docx"
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert document.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert "3.1 Outcomes rose to 22%+ in 25/26." in [p.text for p in document.paragraphs]
