"""Headless chromium: a rating stands on its evidence. The lead proposes Green while an indicator is
off target; the chair sees the conflict and challenges; the lead revises to Amber; the chair
endorses; the OPCC publishes with the evidence in front of them, and the figures are stored.

The register: CSE offences recorded in 2025-26-Q2, five, one of them charged in the quarter →
positive outcome rate 1 / 5 = 20.0 % against a target of 22 % (off target). A year earlier,
2024-25-Q2: two recorded, none positive → 0.0 %.
"""

from typing import Any

import pytest

from commitments.models import PublishedEvidence, RagAssessment
from oversight.roles import Role
from tests.browser.test_commitments_rag_workflow import sign_out
from tests.cases.factories import InvestigationFactory
from tests.commitments.factories import BoardFactory, CommitmentFactory, IndicatorFactory, period
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CONFLICT = "CSE positive outcome rate is off target: 20.0% against a target of 22%."


def _register() -> None:
    cse = {"strand": "cse", "offence_group": "exploitation", "victim_age_group": "child", "unplaced": True}
    InvestigationFactory(recorded_date="2025-07-10", outcome_type="1", outcome_date="2025-08-20", **cse)
    for day in ("2025-07-15", "2025-08-01", "2025-09-10", "2025-09-20"):
        InvestigationFactory(recorded_date=day, **cse)
    for day in ("2024-08-01", "2024-08-02"):
        InvestigationFactory(recorded_date=day, **cse)


def test_a_green_proposal_against_the_evidence_is_challenged_revised_to_amber_and_published(
    page: Any, make_user: Any
) -> None:
    lead = make_user(Role.COMMITMENT_LEAD, full_name="Neil Grant")
    chair = make_user(Role.BOARD_CHAIR, full_name="Chris Hale")
    opcc = make_user(Role.OPCC_SCRUTINY, full_name="Priya Shah")
    board = BoardFactory(name="Vulnerability Improvement Board", chair=chair)
    commitment = CommitmentFactory(
        action_ref="256",
        order=1,
        lead=lead,
        board=board,
        text="WMP to focus on bringing child sexual abuse and exploitation offenders to justice.",
    )
    IndicatorFactory(commitment=commitment, name="CSE positive outcome rate", baseline_period="2024-25")
    plan = commitment.plan
    plan.reporting_period = period("2025-26-Q2")
    plan.save()
    _register()

    # The lead sees, before choosing, that the evidence does not support Green, and proposes it anyway.
    browser_login(page, lead)
    page.goto("/commitments/mine/")
    page.get_by_role("link", name="Write update for 256").click()
    assert "The evidence does not support a Green rating" in page.get_by_test_id("update-conflict").inner_text()
    assert (
        page.locator('tr[data-indicator="CSE positive outcome rate"] [data-testid="indicator-value"]').inner_text()
        == "20.0%"
    )
    page.get_by_label("Progress this quarter").fill("CSE outcomes continue to improve.")
    page.get_by_label("Green").check()
    page.get_by_role("button", name="Submit update").click()
    assert "submitted" in page.locator(".govuk-notification-banner").inner_text()
    assert CONFLICT in page.get_by_test_id("evidence-conflicts").inner_text()  # the commitment page says so too
    sign_out(page)

    # The chair sees the conflict on the review page and challenges.
    browser_login(page, chair)
    page.goto(f"/commitments/boards/{board.pk}/")
    page.get_by_role("link", name="Review 256").click()
    assert CONFLICT in page.get_by_test_id("review-conflict").inner_text()
    assert page.get_by_test_id("evidence-chart").count() == 1 and page.get_by_test_id("evidence-trend").count() == 1
    page.get_by_label("Challenge the proposed rating").check()
    page.get_by_label("Comment").fill("The CSE rate is below its 22% target this quarter: Green is not supported.")
    page.get_by_role("button", name="Record decision").click()
    assert "challenged" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    # The lead revises to Amber.
    browser_login(page, lead)
    page.goto("/commitments/mine/")
    assert "Challenged" in page.get_by_test_id("my-commitments").inner_text()
    page.goto(f"/commitments/{commitment.pk}/update/2025-26-Q2/")
    page.get_by_label("Progress this quarter").fill(
        "CSE outcomes improved on last year (0.0%) but are below target (20.0% against 22%)."
    )
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Submit update").click()
    assert "submitted" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    # The chair endorses Amber: nothing conflicts with it.
    browser_login(page, chair)
    page.goto(f"/commitments/boards/{board.pk}/")
    page.get_by_role("link", name="Review 256").click()
    assert page.get_by_test_id("review-conflict").count() == 0
    page.get_by_label("Endorse the proposed rating").check()
    page.get_by_role("button", name="Record decision").click()
    sign_out(page)

    # The OPCC publishes Amber with the evidence in front of them.
    browser_login(page, opcc)
    page.goto("/commitments/scrutiny/")
    assert page.get_by_test_id("queue-evidence").inner_text().strip() == "–"  # Amber conflicts with nothing
    page.get_by_role("link", name="Publish 256 Q2 25/26").click()
    assert "The evidence conflicts with a Green rating" in page.get_by_test_id("publish-conflict").inner_text()
    page.get_by_label("Amber").check()
    page.get_by_label("Rationale").fill("Amber: improving, but below the 22% target this quarter.")
    page.wait_for_function("document.querySelector('[data-testid=evidence-chart]').dataset.rendered === 'true'")
    screenshot(page, "commitments-publish-with-evidence")
    page.get_by_role("button", name="Publish rating").click()
    assert "cannot be changed" in page.locator(".govuk-warning-text").inner_text()
    page.get_by_role("button", name="Confirm and publish").click()
    assert "Published Amber for 256" in page.locator(".govuk-notification-banner").inner_text()

    assessment = RagAssessment.objects.get()
    assert (assessment.proposed_rating, assessment.status, assessment.rating) == ("AMBER", "published", "AMBER")
    stored = PublishedEvidence.objects.get(assessment=assessment)
    assert [(i["value"], i["same_quarter_last_year"], i["on_track"]) for i in stored.indicators] == [(20.0, 0.0, False)]
