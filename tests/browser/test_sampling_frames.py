"""Headless chromium: an audit lead sets up the Sex Offender Management frame, adds a managed offender
by hand and imports more from CSV (a bad file first: every error listed, nothing written), then
samples a Sex Offender Management audit from them, stratified by risk level."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from audits.models import AuditSubject, SamplingFrame
from oversight.roles import Role
from tests.audits.factories import AuditFactory, QuestionSetFactory
from tests.conftest import browser_login, fill_date, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_lead_sets_up_a_frame_enters_and_imports_subjects_and_samples_them(
    page: Any, make_user: Any, tmp_path: Any
) -> None:
    lead = make_user(Role.AUDIT_LEAD, full_name="Alex Morgan")
    today = timezone.localdate()
    browser_login(page, lead)

    # 1. The frame: managed offenders, stratified by risk, 6 cases from a 12-month window.
    page.goto("/audits/")
    page.get_by_test_id("frames-link").click()
    page.locator("tr[data-area='sex_offender_management']").get_by_role("link").click()
    page.get_by_label("What the area's audits sample").select_option("managed_offenders")
    page.get_by_label("Default sample size").fill("6")
    page.get_by_label("Stratify the draw by default").select_option("risk")
    page.get_by_test_id("save-frame").click()
    page.wait_for_selector("text=The sampling frame of Sex offender management is saved.")
    frame = SamplingFrame.objects.get(area="sex_offender_management")
    assert (frame.subject_kind, frame.sample_size, frame.stratify_by) == ("managed_offenders", 6, "risk")
    screenshot(page, "audits-sampling-frames")

    # A RASSO frame narrowed by outcome group, for the screenshot of the form with its filters.
    page.goto("/audits/sampling-frames/rasso/")
    page.locator("label", has_text="Evidential difficulties: victim does not support").click()
    page.get_by_test_id("save-frame").click()
    page.wait_for_selector("text=The sampling frame of RASSO is saved.")
    page.goto("/audits/sampling-frames/rasso/")
    assert "Created" in page.get_by_test_id("frame-history").inner_text()
    screenshot(page, "audits-sampling-frame-form")

    # 2. One managed offender by hand.
    page.goto("/audits/subjects/managed-offenders/")
    page.get_by_test_id("add-subject").click()
    page.get_by_label("Reference").fill("VSR-00001")
    page.get_by_label("VISOR category").select_option("rso")
    page.get_by_label("Risk level").select_option("very_high")
    fill_date(page, "Registered on", today - timedelta(days=60))
    page.get_by_test_id("save-subject").click()
    page.wait_for_selector("text=VSR-00001 is saved.")

    # 3. A bad file: every error listed as row and column, nothing written.
    bad = tmp_path / "bad.csv"
    bad.write_text(f"reference,visor_category,risk_level,start_date\nJohn Smith,rso,low,{today - timedelta(days=3)}\n")
    page.get_by_test_id("import-subjects").click()
    page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    page.get_by_test_id("upload").click()
    errors = page.get_by_test_id("import-errors").inner_text()
    assert "names are never stored" in errors
    assert AuditSubject.objects.count() == 1
    screenshot(page, "audits-subject-import-errors")

    # 4. A good file: eight more, low and high risk.
    rows = [f"VSR-{n:05d},rso,{'low' if n % 2 else 'high'},{today - timedelta(days=10 * n)}" for n in range(2, 10)]
    good = tmp_path / "good.csv"
    good.write_text("reference,visor_category,risk_level,start_date\n" + "\n".join(rows) + "\n")
    page.get_by_label("Upload a CSV file").set_input_files(str(good))
    page.get_by_test_id("upload").click()
    assert "8" in page.get_by_test_id("import-summary").inner_text()
    assert AuditSubject.objects.count() == 9
    page.goto("/audits/subjects/managed-offenders/")
    screenshot(page, "audits-managed-offenders")

    # 5. A Sex Offender Management audit samples them, stratified by risk (the frame's default).
    audit = AuditFactory(
        lead_auditor=lead, area="sex_offender_management", month=today.replace(day=1), question_set=QuestionSetFactory()
    )
    page.goto(f"/audits/{audit.pk}/sample/")
    assert "Managed offenders" in page.get_by_test_id("sampling-frame").inner_text()
    page.get_by_label("Number of cases").fill("6")
    page.get_by_test_id("draw-button").click()
    page.wait_for_selector("text=cases drawn stratified by risk level or grading")
    assert audit.reviews.filter(subject__isnull=False).count() == 6
