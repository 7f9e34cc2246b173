"""Headless chromium: an audit lead plans, samples, reviews a case, raises an action and reads the report."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from audits.models import Action, Answer, Audit
from oversight.roles import Role
from tests.audits.factories import QuestionSetFactory
from tests.cases.factories import InvestigationFactory
from tests.conftest import browser_login, fill_date, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_audit_lead_runs_an_audit_from_plan_to_report(page: Any, make_user: Any) -> None:
    lead = make_user(Role.AUDIT_LEAD, full_name="Alex Morgan")
    owner = make_user(Role.CASE_EDITOR, full_name="Sam Patel")
    QuestionSetFactory(
        title="RASSO monthly case-file audit",
        questions=[
            "Victim contacted within 24 hours",
            "Suspect-focused investigation plan recorded",
            "VPS offered",
            "Supervisory review within 7 days",
        ],
    )
    month = timezone.localdate().replace(day=1)
    for day in range(1, 6):
        InvestigationFactory(
            audit_sample=True,
            crime_reference=f"20/55500{day}/25",
            strand="rasso",
            recorded_date=month - timedelta(days=day * 20),
        )

    browser_login(page, lead)
    page.goto("/audits/")
    page.get_by_test_id("plan-audit").click()
    page.get_by_label("Kind").select_option("monthly")
    page.get_by_label("Area").select_option("rasso")
    page.get_by_label("Month").fill(month.strftime("%Y-%m"))
    page.get_by_label("Question set").select_option(label="RASSO monthly case-file audit (v1)")
    page.get_by_label("Planned sample size").fill("3")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url("**/sample/")
    page.get_by_label("Seed (optional)").fill("2025")
    screenshot(page, "audits-sample")
    page.get_by_test_id("draw-button").click()
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    audit = Audit.objects.get()
    assert audit.reviews.count() == 3 and audit.sample_seed == 2025
    assert "3 cases drawn at random" in page.locator(".govuk-notification-banner").inner_text()

    page.get_by_test_id("sample-table").get_by_role("link", name="Case 1").click()
    page.wait_for_url("**/reviews/**")
    legends = page.locator("[data-audits-question]")
    assert legends.count() == 4
    # Keyboard: focus the first answer group, then 1 (compliant), 1, 3 (not compliant), 4 (not applicable).
    legends.nth(0).get_by_label("Compliant", exact=True).focus()
    for key in ("1", "1", "3", "4"):
        page.keyboard.press(key)
    page.get_by_label("Comment on question 3").fill("No VPS recorded before charge")
    screenshot(page, "audits-review")
    page.get_by_test_id("save-review").click()
    page.wait_for_url(f"**/audits/{audit.pk}/")
    values = dict(Answer.objects.values_list("question__order", "value"))
    assert values == {1: "compliant", 2: "compliant", 3: "non_compliant", 4: "not_applicable"}

    page.get_by_test_id("raise-action").click()
    page.get_by_label("Title").fill("Add a VPS prompt to the pre-charge checklist")
    page.get_by_label("Owner").select_option(label=str(owner))
    fill_date(page, "Due date", date.today() + timedelta(days=30))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/audits/{audit.pk}/")
    assert Action.objects.get().owner == owner
    assert "Add a VPS prompt" in page.get_by_test_id("actions-table").inner_text()

    page.get_by_role("link", name="View the report").click()
    page.wait_for_url("**/report/")
    # 2 compliant of 3 assessed answers (N/A left out) → 66.7 %.
    assert page.get_by_test_id("report-compliance").inner_text().strip() == "66.7%"
    assert "66.7%" not in page.get_by_test_id("question-table").inner_text()  # per question: 100 %, 100 %, 0 %, none
    assert "0.0%" in page.get_by_test_id("question-table").inner_text()
    page.wait_for_selector("canvas[data-chart='chart-questions'][data-rendered='true']")
    screenshot(page, "audits-report")


def test_the_opcc_overview_shows_trends_without_crime_references(page: Any, make_user: Any) -> None:
    from tests.audits.factories import AuditFactory, CaseReviewFactory, answer_all

    lead = make_user(Role.AUDIT_LEAD)
    qs = QuestionSetFactory()
    today = timezone.localdate().replace(day=1)
    for back, values in ((3, ["compliant", "partial", "non_compliant"]), (2, ["compliant", "compliant", "partial"])):
        index = today.year * 12 + today.month - 1 - back
        month = date(index // 12, index % 12 + 1, 1)
        audit = AuditFactory(lead_auditor=lead, question_set=qs, month=month, status="submitted")
        answer_all(
            CaseReviewFactory(
                audit=audit, investigation=InvestigationFactory(audit_sample=True, crime_reference=f"20/77{back}/25")
            ),
            values,
        )
    opcc = make_user(Role.OPCC_SCRUTINY)
    browser_login(page, opcc)
    page.get_by_role("link", name="Audits").first.click()
    page.wait_for_url("**/audits/overview/")
    page.wait_for_selector("canvas[data-chart='chart-trend'][data-rendered='true']")
    table = page.get_by_test_id("trend-table").inner_text()
    assert "33.3%" in table and "66.7%" in table
    assert "20/77" not in page.content()
    screenshot(page, "audits-overview-opcc")
