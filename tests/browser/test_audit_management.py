"""Headless chromium: an audit lead builds and publishes a question set, plans an audit, samples it
stratified by outcome group, answers with the keyboard and submits; a second lead signs it off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from audits.models import Answer, Audit, PlannedAudit, QuestionSet
from oversight.periods import financial_year_of
from oversight.roles import Role
from tests.cases.factories import InvestigationFactory
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_lead_builds_plans_samples_answers_and_a_second_lead_signs_off(page: Any, make_user: Any) -> None:
    lead = make_user(Role.AUDIT_LEAD, full_name="Alex Morgan")
    second = make_user(Role.AUDIT_LEAD, full_name="Jamie Clarke")
    today = timezone.localdate()
    month = today.replace(day=1)
    # Twelve RASSO investigations in the last months: six open, four charged, two victim withdrawals.
    for i, outcome in enumerate(["", "", "", "", "", "", "1", "1", "1", "1", "16", "16"]):
        recorded = month - timedelta(days=20 + i * 5)
        InvestigationFactory(
            crime_reference=f"20/6600{i:02d}/25",
            recorded_date=recorded,
            outcome_type=outcome,
            outcome_date=recorded + timedelta(days=10) if outcome else None,
        )

    browser_login(page, lead)
    # 1. Build and publish a question set.
    page.goto("/audits/question-sets/")
    page.get_by_test_id("create-question-set").click()
    page.get_by_label("Title").fill("Bail and RUI decisions")
    page.get_by_label("Area").select_option("rasso")
    page.get_by_test_id("save").click()
    page.wait_for_url("**/question-sets/*/")
    questions = [
        ("Bail with conditions considered before RUI", "graded", "yes", "2"),
        ("Rationale for RUI recorded", "graded", "yes", "1"),
        ("Victim told of the bail decision", "yes_no", "no", "1"),
    ]
    for text, scale, not_applicable, weight in questions:
        page.get_by_test_id("add-question").click()
        page.get_by_label("Question", exact=True).fill(text)
        page.get_by_label("Standard or policy it tests (optional)").fill(
            "Police, Crime, Sentencing and Courts Act 2022"
        )
        page.get_by_label("Answer scale").select_option(scale)
        page.get_by_label("May the auditor answer 'not applicable'?").select_option(not_applicable)
        page.get_by_label("Weight").fill(weight)
        page.get_by_test_id("save").click()
        page.wait_for_selector("[data-testid='questions-table']")
    # Move the last question up, then preview.
    page.get_by_role("button", name="Up question 3").click()
    page.wait_for_selector("[data-testid='questions-table']")
    assert page.get_by_test_id("questions-table").locator("tbody tr").nth(1).inner_text().find("Victim told") >= 0
    screenshot(page, "audits-builder")
    page.get_by_test_id("preview").click()
    assert page.locator("[data-audits-question]").count() == 3
    page.go_back()
    page.get_by_test_id("publish").click()
    page.wait_for_selector("text=This version is frozen")
    question_set = QuestionSet.objects.get(title="Bail and RUI decisions")
    assert question_set.is_published

    # 2. Plan it for this month and start it from the plan.
    page.goto("/audits/plan/")
    page.get_by_test_id("plan-add").click()
    page.get_by_label("Kind").select_option("thematic")
    page.get_by_label("Area").select_option("rasso")
    page.get_by_label("Theme").fill("Bail and RUI decisions")
    page.get_by_label("Month").fill(month.strftime("%Y-%m"))
    page.get_by_label("Sample size").fill("5")
    page.get_by_test_id("save").click()
    page.wait_for_url(f"**/audits/plan/{financial_year_of(today).key}/")
    item = PlannedAudit.objects.get(theme="Bail and RUI decisions")
    page.get_by_test_id("plan-items").get_by_role("link", name="Start").first.click()
    page.get_by_label("Question set").select_option(label="Bail and RUI decisions (v1)")
    page.get_by_role("button", name="Save").click()

    # 3. Sample stratified by outcome group, with a stored seed.
    page.wait_for_url("**/sample/")
    assert "Investigations from the register" in page.get_by_test_id("sampling-frame").inner_text()
    page.get_by_label("Stratify the sample").select_option("outcome_group")
    page.get_by_label("Seed (optional)").fill("2025")
    page.get_by_test_id("draw-button").click()
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    audit = Audit.objects.get(theme="Bail and RUI decisions")
    item.refresh_from_db()
    assert item.audit == audit
    # 5 of 12: open 2.5, charged 1.67, withdrawal 0.83 → 2, 1, 0 and two spare by largest remainder
    # (withdrawal 0.83, charged 0.67) → open 2, charged 2, withdrawal 1.
    assert (audit.reviews.count(), audit.sample_seed, audit.sample_strata) == (5, 2025, "outcome_group")
    assert "cases drawn stratified by outcome group" in page.locator(".govuk-notification-banner").inner_text()

    # 4. Answer every case with the keyboard: 1 compliant, 3 not compliant; question 2 is yes/no.
    page.get_by_test_id("sample-table").get_by_role("link", name="Case 1").click()
    for case in range(5):
        page.wait_for_selector("[data-audits-question]")
        page.locator("[data-audits-question]").nth(0).get_by_label("Compliant", exact=True).focus()
        for key in ("1", "3" if case == 0 else "1", "1"):
            page.keyboard.press(key)
        page.get_by_test_id("save-next").click()
        page.wait_for_load_state()
    assert Answer.objects.filter(review__audit=audit).count() == 15
    assert Answer.objects.filter(review__audit=audit, value="non_compliant").count() == 1

    # 4b. Attach evidence to case 1: the list shows it with a download link.
    page.goto(f"/audits/reviews/{audit.reviews.get(position=1).pk}/")
    page.get_by_test_id("evidence-page").click()
    page.get_by_label("File").set_input_files(
        {"name": "supervision-log.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}
    )
    page.get_by_label("What it shows (optional)").fill("Supervisor's 28-day review")
    page.get_by_test_id("attach-evidence").click()
    page.wait_for_selector("text=supervision-log.pdf attached.")
    assert "supervision-log.pdf" in page.get_by_test_id("evidence-list").inner_text()
    screenshot(page, "audits-evidence")

    # 5. Submit: a plain primary button, then the lead sees they cannot sign off their own audit.
    page.goto(f"/audits/{audit.pk}/")
    submit = page.get_by_test_id("submit-audit")
    assert "govuk-button--warning" not in (submit.get_attribute("class") or "")
    submit.click()
    page.wait_for_selector("text=You cannot sign off an audit you led")
    assert page.get_by_test_id("sign-off").count() == 0

    # 6. A second lead signs it off after the confirmation page.
    page.context.clear_cookies()
    browser_login(page, second)
    page.goto(f"/audits/{audit.pk}/")
    page.get_by_test_id("sign-off").click()
    assert "Signing off locks the audit" in page.content()
    screenshot(page, "audits-sign-off")
    page.get_by_test_id("confirm-sign-off").click()
    page.wait_for_selector("text=Audit signed off and locked.")
    audit.refresh_from_db()
    assert (audit.status, audit.signed_off_by) == ("signed_off", second)

    # The plan shows it done, and the question trends count it.
    page.goto("/audits/plan/")
    assert "Signed off" in page.get_by_test_id("plan-items").inner_text()
    assert "Done" in page.get_by_test_id("coverage-table").inner_text()
    page.wait_for_selector("canvas[data-chart='chart-plan'][data-rendered='true']")
    screenshot(page, "audits-plan-coverage")
    page.goto("/audits/trends/")
    assert "Bail with conditions considered before RUI" in page.get_by_test_id("question-trend-table").inner_text()
    screenshot(page, "audits-question-trends")


def test_a_joint_dip_sample_report_for_the_cps(page: Any, make_user: Any) -> None:
    """A lead draws a joint police/CPS dip sample and opens the report shared with the CPS."""
    from datetime import date

    from audits import services as audit_services
    from tests.audits.factories import AuditFactory, LearningPointFactory, QuestionSetFactory, answer_all
    from tests.cases.factories import CpsReferralFactory, InvestigationFactory

    lead = make_user(Role.AUDIT_LEAD)
    for n, outcome in enumerate(("15", "16", "15")):
        InvestigationFactory(crime_reference=f"20/9000{n}/25", outcome_type=outcome, outcome_date=date(2025, 5, 20))
    for n, decision in enumerate(("nfa", "nfa", "further_evidence", "further_evidence")):
        CpsReferralFactory(
            investigation=InvestigationFactory(crime_reference=f"20/9100{n}/25", recorded_date=date(2025, 2, 1)),
            referral_date=date(2025, 3, 1),
            decision=decision,
            decision_date=date(2025, 5, 10 + n),
        )
    audit = AuditFactory(kind="joint_dip", area="rasso", lead_auditor=lead, question_set=QuestionSetFactory())
    reviews = audit_services.audit_draw_dip_sample(
        audit=audit,
        actor=lead,
        sizes={"unreferred": 2, "cps_nfa": 2, "further_evidence": 2},
        window_start=date(2025, 4, 1),
        window_end=date(2025, 6, 30),
        seed=2021,
    )
    for review, values in zip(
        reviews,
        [["compliant", "partial", "compliant"], ["non_compliant", "compliant", "not_applicable"]] * 3,
        strict=False,
    ):
        answer_all(review, values)
    LearningPointFactory(
        audit=audit, text="Action plans asked for more than the charging decision needed.", severity="medium"
    )
    browser_login(page, lead)
    page.goto(f"/audits/{audit.pk}/")
    page.get_by_test_id("dip-report").click()
    assert "Closed without a CPS referral" in page.get_by_test_id("dip-frames").inner_text()
    assert "20/91000/25" in page.get_by_test_id("dip-cases").inner_text()
    screenshot(page, "audits-dip-report")
