"""Reporting periods and the RAG report (DESIGN.md §4): plan order, published ratings, previous_rating."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from commitments import selectors, services
from commitments.models import ReportingPeriod
from oversight.errors import ApplicationError
from oversight.roles import Role
from tests.commitments.factories import (
    ChapterFactory,
    CommitmentFactory,
    PlanFactory,
    RagAssessmentFactory,
    period,
)

pytestmark = pytest.mark.django_db

DEFINITIONS = {
    "GREEN": "On track – can be delivered by lead",
    "AMBER": "Not on track – requires support from SMT lead to resolve",
    "RED": "Not on track – requires support from wider SMT to resolve",
}


def test_a_period_key_derives_its_dates() -> None:
    q2 = ReportingPeriod.objects.for_key("2025-26-Q2")
    assert (q2.start_date, q2.end_date, q2.label) == (date(2025, 7, 1), date(2025, 9, 30), "Q2 25/26")
    q4 = ReportingPeriod.objects.for_key("2025-26-Q4")
    assert (q4.start_date, q4.end_date) == (date(2026, 1, 1), date(2026, 3, 31))
    assert ReportingPeriod.objects.for_key("2025-26-Q2") == q2


@pytest.mark.parametrize("key", ["2025-Q2", "2025-27-Q2", "2025-26-Q5", "25-26-Q2", "", "2025-26-q2"])
def test_a_malformed_period_key_is_refused(key: str) -> None:
    with pytest.raises(ApplicationError):
        ReportingPeriod.objects.for_key(key)
    assert not ReportingPeriod.objects.exists()


def test_a_future_quarter_or_one_no_plan_covers_is_unknown() -> None:
    PlanFactory()
    assert selectors.known_quarter("2025-26-Q1").key == "2025-26-Q1"
    with pytest.raises(ApplicationError, match="has not started"):
        selectors.known_quarter("2025-26-Q3", today=date(2025, 9, 30))
    with pytest.raises(ApplicationError, match="no plan covers"):
        selectors.known_quarter("2019-20-Q1")
    period("2019-20-Q1")  # a quarter with reporting records is known even before the plan
    assert selectors.known_quarter("2019-20-Q1").key == "2019-20-Q1"


def _published(commitment: Any, key: str, rating: str, **kwargs: Any) -> Any:
    return RagAssessmentFactory(commitment=commitment, period=period(key), published=True, rating=rating, **kwargs)


def test_the_rag_report_lists_commitments_in_plan_order_with_current_and_previous_ratings() -> None:
    chapter = ChapterFactory()
    later = CommitmentFactory(chapter=chapter, action_ref="256", order=4)
    first = CommitmentFactory(chapter=chapter, action_ref="147", order=1)
    unrated = CommitmentFactory(chapter=chapter, action_ref="43", order=5, board=None)
    _published(first, "2025-26-Q2", "GREEN")
    _published(first, "2025-26-Q1", "AMBER")
    _published(later, "2025-26-Q2", "AMBER")
    RagAssessmentFactory(commitment=unrated, period=period("2025-26-Q2"))  # proposed, not published

    report = selectors.rag_report(period_key="2025-26-Q2")

    assert first.lead is not None and first.board is not None
    assert later.lead is not None and later.board is not None
    assert unrated.lead is not None
    assert report["period"] == "2025-26-Q2"
    assert report["definitions"] == DEFINITIONS
    assert report["rows"] == [
        {
            "action_ref": "147",
            "commitment": first.text,
            "chapter": chapter.title,
            "lead": first.lead.full_name,
            "board": first.board.name,
            "rating": "GREEN",
            "previous_rating": "AMBER",
            "indicators": [],
        },
        {
            "action_ref": "256",
            "commitment": later.text,
            "chapter": chapter.title,
            "lead": later.lead.full_name,
            "board": later.board.name,
            "rating": "AMBER",
            "previous_rating": None,
            "indicators": [],
        },
        {
            "action_ref": "43",
            "commitment": unrated.text,
            "chapter": chapter.title,
            "lead": unrated.lead.full_name,
            "board": None,
            "rating": None,
            "previous_rating": None,
            "indicators": [],
        },
    ]


def test_the_rag_report_uses_the_latest_correction(make_user: Any) -> None:
    commitment = CommitmentFactory(action_ref="149")
    original = _published(commitment, "2025-26-Q2", "GREEN")
    services.rag_correct(
        assessment=original,
        rating="RED",
        rationale="Breaches rising.",
        reason="Late data.",
        actor=make_user(Role.OPCC_SCRUTINY),
    )
    assert selectors.rag_report(period_key="2025-26-Q2")["rows"][0]["rating"] == "RED"


def test_rag_changes_lists_what_moved_and_which_way() -> None:
    chapter = ChapterFactory()
    better, worse, same, new = (CommitmentFactory(chapter=chapter, order=n) for n in range(1, 5))
    _published(better, "2025-26-Q1", "AMBER")
    _published(better, "2025-26-Q2", "GREEN")
    _published(worse, "2025-26-Q1", "GREEN")
    _published(worse, "2025-26-Q2", "RED")
    _published(same, "2025-26-Q1", "GREEN")
    _published(same, "2025-26-Q2", "GREEN")
    _published(new, "2025-26-Q2", "AMBER")
    changes = selectors.rag_changes(period_key="2025-26-Q2")
    assert [(c["action_ref"], c["direction"]) for c in changes] == [
        (better.action_ref, "improved"),
        (worse.action_ref, "worsened"),
        (new.action_ref, "new"),
    ]


def test_the_rag_report_endpoint_answers_the_contract(api_client_for: Any) -> None:
    commitment = CommitmentFactory(action_ref="147")
    _published(commitment, "2025-26-Q2", "GREEN")
    response = api_client_for(Role.OPCC_SCRUTINY).get("/api/v1/reports/rag/?period=2025-26-Q2")
    assert response.status_code == 200
    body = response.json()
    assert commitment.lead is not None and commitment.board is not None
    assert set(body) == {"period", "definitions", "rows"}
    assert body["definitions"] == DEFINITIONS
    assert body["rows"][0] == {
        "action_ref": "147",
        "commitment": commitment.text,
        "chapter": commitment.chapter.title,
        "lead": commitment.lead.full_name,
        "board": commitment.board.name,
        "rating": "GREEN",
        "previous_rating": None,
        "indicators": [],
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?period=2025-Q2", "not a reporting period"),
        ("?period=2025-27-Q1", "not a financial year"),
        ("", "Give a period"),
        ("?period=2099-00-Q1", "Unknown period"),
        ("?period=2010-11-Q1", "Unknown period"),
    ],
)
def test_the_rag_report_endpoint_refuses_a_malformed_or_unknown_period(
    api_client_for: Any, query: str, message: str
) -> None:
    PlanFactory()
    response = api_client_for(Role.BOARD_CHAIR).get(f"/api/v1/reports/rag/{query}")
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert "period" in response.json()["errors"]


def test_the_rag_report_takes_the_same_few_queries_for_any_number_of_commitments(
    django_assert_max_num_queries: Any,
) -> None:
    chapter = ChapterFactory()
    for n in range(1, 12):
        _published(CommitmentFactory(chapter=chapter, order=n), "2025-26-Q2", "GREEN")
    # the period check, the rows, the stored evidence of the published ratings, and the indicators
    # of commitments without stored evidence (here none have any, so no engine call follows)
    with django_assert_max_num_queries(4):
        assert len(selectors.rag_report(period_key="2025-26-Q2")["rows"]) == 11
