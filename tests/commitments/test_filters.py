"""The commitment, progress update, RAG assessment and meeting filters, shared by the RAG overview
and the API: a bad value is a 400 on the API and a GOV.UK error on the page, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from oversight.roles import Role
from tests.commitments.factories import (
    BoardMeetingFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    RagAssessmentFactory,
    period,
)

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/commitments/?board=abc", "board"),
        (f"/api/v1/commitments/?board={HUGE}", "board"),
        ("/api/v1/commitments/?chapter=1.5", "chapter"),
        ("/api/v1/commitments/?lead=0", "lead"),
        ("/api/v1/progress-updates/?commitment=abc", "commitment"),
        ("/api/v1/progress-updates/?period=2025-26-Q9", "period"),
        ("/api/v1/rag-assessments/?commitment=abc", "commitment"),
        (f"/api/v1/rag-assessments/?commitment={HUGE}", "commitment"),
        ("/api/v1/rag-assessments/?status=lost", "status"),
        ("/api/v1/rag-assessments/?period=bad", "period"),
        ("/api/v1/board-meetings/?board=abc", "board"),
    ],
)
def test_the_api_answers_a_bad_filter_with_400_naming_it(api_client_for: Any, url: str, param: str) -> None:
    response = api_client_for(Role.OPCC_SCRUTINY).get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["message"].startswith(f"{param}:")
    assert param in body["errors"]


def test_a_blank_filter_is_ignored_and_an_unknown_id_matches_nothing(api_client_for: Any) -> None:
    commitment = CommitmentFactory()
    RagAssessmentFactory(commitment=commitment, period=period("2025-26-Q2"))
    client = api_client_for(Role.OPCC_SCRUTINY)
    assert client.get("/api/v1/rag-assessments/?commitment=").json()["count"] == 1
    assert client.get("/api/v1/rag-assessments/?commitment=987654321").json()["count"] == 0
    assert client.get(f"/api/v1/rag-assessments/?commitment={commitment.pk}").json()["count"] == 1
    assert client.get("/api/v1/commitments/?board=987654321").json()["count"] == 0


def test_the_api_filters_each_list_by_its_parameters(api_client_for: Any) -> None:
    kept, other = CommitmentFactory(), CommitmentFactory()
    ProgressUpdateFactory(commitment=kept, period=period("2025-26-Q2"))
    ProgressUpdateFactory(commitment=other, period=period("2025-26-Q1"))
    BoardMeetingFactory(board=kept.board)
    client = api_client_for(Role.OPCC_SCRUTINY)
    body = client.get(f"/api/v1/commitments/?board={kept.board_id}&lead={kept.lead_id}").json()
    assert [c["id"] for c in body["results"]] == [kept.pk]
    assert client.get("/api/v1/progress-updates/?period=2025-26-Q2").json()["count"] == 1
    assert client.get(f"/api/v1/progress-updates/?commitment={other.pk}").json()["count"] == 1
    assert client.get(f"/api/v1/board-meetings/?board={kept.board_id}").json()["count"] == 1
    assert client.get(f"/api/v1/board-meetings/?board={other.board_id}").json()["count"] == 0


@pytest.mark.parametrize("query", ["board=abc", f"lead={HUGE}", "chapter=-3"])
def test_the_overview_shows_a_bad_filter_as_an_error_and_still_lists(client_for: Any, query: str) -> None:
    CommitmentFactory(action_ref="147")
    response = client_for(Role.AUDIT_LEAD).get(f"/commitments/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'data-action-ref="147"' in html


def test_the_overview_keeps_the_chosen_board_selected(client_for: Any) -> None:
    kept = CommitmentFactory(action_ref="147")
    html = client_for(Role.AUDIT_LEAD).get(f"/commitments/?board={kept.board_id}").content.decode()
    assert f'<option value="{kept.board_id}" selected>{kept.board}</option>' in html
