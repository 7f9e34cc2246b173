"""Headless chromium: the OPCC raises a scrutiny query on a commitment, the lead answers it, the OPCC
closes it; then the inspection tracker, where the owner reports evidence and the OPCC accepts it."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from commitments.models import InspectionRecommendation, ScrutinyQuery
from oversight.roles import Role
from tests.commitments.factories import (
    BoardFactory,
    CommitmentFactory,
    InspectionRecommendationFactory,
    InspectionReportFactory,
    ScrutinyQueryFactory,
)
from tests.conftest import browser_login, fill_date, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")


def test_the_opcc_raises_a_query_the_lead_answers_and_the_opcc_closes_it(page: Any, make_user: Any) -> None:
    lead = make_user(Role.COMMITMENT_LEAD, full_name="Owen Carter")
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
    # An older query of the chair's, already overdue, so the list shows every state.
    ScrutinyQueryFactory(
        board=board,
        commitment=None,
        subject_type="board",
        owner=chair,
        raised_by=opcc,
        overdue=True,
        question="When will the SRO guidance refresh be complete?",
    )
    due = timezone.localdate() + timedelta(days=14)

    # The OPCC raises a query from the commitment page.
    browser_login(page, opcc)
    page.goto(f"/commitments/{commitment.pk}/")
    page.get_by_role("link", name="Raise a scrutiny query").click()
    assert "Commitment 256" in page.get_by_test_id("query-subject").inner_text()
    page.get_by_label("Question").fill(
        "The update says CSE positive outcomes reached 22%+ in 2025/26. Which outcomes and period does it count?"
    )
    fill_date(page, "Answer due by", due)
    screenshot(page, "scrutiny-query-raise")
    page.get_by_role("button", name="Raise query").click()
    assert "Owen Carter will answer it" in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_test_id("owner").inner_text().startswith("Owen Carter")
    sign_out(page)

    # The lead sees it on their home page and answers it.
    browser_login(page, lead)
    assert "1 scrutiny query" in page.get_by_test_id("home-queries-mine").inner_text()
    page.get_by_test_id("home-queries-mine").get_by_role("link").first.click()
    page.get_by_role("link", name="Query").first.click()
    page.get_by_role("link", name="Answer the query").click()
    page.get_by_label("Your response").fill(
        "Charge/summons and out-of-court outcomes for CSE offences recorded in the year to date."
    )
    page.get_by_role("button", name="Send answer").click()
    assert "sent to the OPCC" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    # The OPCC reviews the answer and closes the query.
    browser_login(page, opcc)
    page.goto("/commitments/queries/")
    screenshot(page, "scrutiny-query-list")
    query = ScrutinyQuery.objects.get(commitment=commitment)
    page.goto("/commitments/queries/?status=answered")
    page.get_by_role("link", name=f"Query {query.pk}").click()
    assert "year to date" in page.get_by_test_id("response").inner_text()
    page.get_by_role("link", name="Close the query").click()
    page.get_by_label("Comment (optional)").fill("Thank you: report on the KPI's basis from next quarter.")
    page.get_by_role("button", name="Close query").click()
    assert f"Query {query.pk} closed" in page.locator(".govuk-notification-banner").inner_text()
    history = page.get_by_test_id("history").inner_text()
    assert "status: Answered" in history and "status: Closed" in history
    screenshot(page, "scrutiny-query-detail")

    query.refresh_from_db()
    assert (query.status, query.owner, query.raised_by) == ("closed", lead, opcc)


def test_the_owner_reports_evidence_and_the_opcc_accepts_it(page: Any, make_user: Any) -> None:
    owner = make_user(Role.COMMITMENT_LEAD, full_name="Rachel Moss")
    opcc = make_user(Role.OPCC_SCRUTINY, full_name="Priya Shah")
    report = InspectionReportFactory(
        title="A joint thematic inspection of the police and CPS response to rape – Phase two: Post-charge",
        pcc_response="Response from the Commissioner.",
        pcc_response_published_on=timezone.localdate().replace(year=2022, month=4, day=20),
    )
    item = InspectionRecommendationFactory(
        report=report,
        number=9,
        owner=owner,
        due_date=timezone.localdate() + timedelta(days=30),
        text="Immediately, forces should make sure that victims of rape are given the opportunity to make a "
        "victim personal statement (VPS) at the earliest possible time.",
    )
    item.commitments.set([CommitmentFactory(action_ref="38", lead=owner)])

    browser_login(page, owner)
    page.goto(f"/commitments/recommendations/{item.pk}/")
    page.get_by_role("link", name="Add an evidence update").click()
    page.get_by_label("Evidence", exact=True).fill("Go-to guide on the VPS issued to officers' mobile devices.")
    page.get_by_label("Move the item to").select_option("implemented")
    page.get_by_role("button", name="Save evidence").click()
    assert "Evidence recorded" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    browser_login(page, opcc)
    page.goto("/commitments/recommendations/")
    screenshot(page, "inspection-tracker-list")
    page.get_by_role("link", name="Recommendation 9").click()
    page.get_by_role("link", name="Decide on the evidence").click()
    page.get_by_label("Accept the evidence").check()
    page.get_by_role("button", name="Record decision").click()
    assert "Evidence accepted by the OPCC" in page.locator(".govuk-notification-banner").inner_text()
    screenshot(page, "inspection-tracker-detail")
    item.refresh_from_db()
    assert item.status == "evidence_accepted"
    assert InspectionRecommendation.objects.get().evidence.count() == 2
