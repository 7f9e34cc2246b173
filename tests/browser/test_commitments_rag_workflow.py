"""Headless chromium: a quarter's RAG rating goes from the lead's proposal to the published grid."""

from typing import Any

import pytest

from commitments.models import RagAssessment
from oversight.roles import Role
from tests.commitments.factories import BoardFactory, CommitmentFactory, period
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")


def test_a_lead_proposes_amber_the_chair_endorses_and_the_opcc_publishes_green(page: Any, make_user: Any) -> None:
    lead = make_user(Role.COMMITMENT_LEAD, full_name="Owen Carter")
    chair = make_user(Role.BOARD_CHAIR, full_name="Chris Hale")
    opcc = make_user(Role.OPCC_SCRUTINY, full_name="Priya Shah")
    board = BoardFactory(name="Vulnerability Improvement Board", chair=chair)
    commitment = CommitmentFactory(
        action_ref="147",
        order=1,
        lead=lead,
        board=board,
        text="Ensure effective prevention of and enforcement against online child sexual abuse.",
    )
    plan = commitment.plan
    plan.reporting_period = period("2025-26-Q2")
    plan.save()

    # The lead writes the quarter's update and proposes Amber.
    browser_login(page, lead)
    page.goto("/commitments/mine/")
    assert "Update due" in page.get_by_test_id("my-commitments").inner_text()
    page.get_by_role("link", name="Write update for 147").click()
    page.get_by_label("Progress this quarter").fill(
        "OCSET received over 2300 referrals.\n\nA permanent uplift has been agreed."
    )
    page.get_by_label("Amber").check()
    screenshot(page, "commitments-update-form")
    page.get_by_role("button", name="Submit update").click()
    assert "submitted" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    # The chair of the overseeing board endorses it.
    browser_login(page, chair)
    assert "1" in page.get_by_test_id("home-pending-reviews").inner_text()
    page.goto("/commitments/boards/")
    page.get_by_role("link", name="Vulnerability Improvement Board").click()
    page.get_by_role("link", name="Review 147").click()
    assert "Amber" in page.get_by_test_id("proposed-rating").inner_text()
    page.get_by_label("Endorse the proposed rating").check()
    page.get_by_label("Comment").fill("Agreed: demand is still rising.")
    page.get_by_role("button", name="Record decision").click()
    assert "endorsed" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    # The OPCC publishes Green, with a rationale.
    browser_login(page, opcc)
    page.goto("/commitments/scrutiny/")
    page.get_by_role("link", name="Publish 147 Q2 25/26").click()
    page.get_by_label("Green").check()
    page.get_by_label("Rationale").fill("The permanent uplift addresses the demand: on track.")
    screenshot(page, "commitments-publish-form")
    page.get_by_role("button", name="Publish rating").click()
    assert "cannot be changed" in page.locator(".govuk-warning-text").inner_text()
    page.get_by_role("button", name="Confirm and publish").click()
    assert "Published Green for 147" in page.locator(".govuk-notification-banner").inner_text()

    # The overview grid shows Green, as a tag with its text, for that quarter.
    page.goto("/commitments/")
    cell = page.locator('tr[data-action-ref="147"] td[data-period="2025-26-Q2"]')
    assert cell.inner_text().strip() == "Green"
    assert cell.locator(".app-rag--green").count() == 1
    screenshot(page, "commitments-overview")

    assessment = RagAssessment.objects.get()
    assert (assessment.proposed_rating, assessment.rating, assessment.status) == ("AMBER", "GREEN", "published")
