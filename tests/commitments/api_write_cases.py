"""Cases of ``tests/test_api_writes.py`` for the scrutiny query and inspection tracker endpoints:
(make_user) -> (a user allowed to write, path, a valid body)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from oversight.roles import Role
from tests.commitments.factories import (
    CommitmentFactory,
    InspectionRecommendationFactory,
    InspectionReportFactory,
    RecommendationEvidenceFactory,
    ScrutinyQueryFactory,
)

Result = tuple[Any, str, dict[str, Any]]


def _due() -> str:
    return (timezone.localdate() + timedelta(days=14)).isoformat()


def _query_new(mu: Any) -> Result:
    commitment = CommitmentFactory(lead=mu(Role.COMMITMENT_LEAD))
    body = {"commitment": commitment.pk, "question": "Why?", "due_date": _due(), "owner": commitment.lead_id}
    return mu(Role.OPCC_SCRUTINY), "/api/v1/scrutiny-queries/", body


def _query_answer(mu: Any) -> Result:
    query = ScrutinyQueryFactory(commitment=CommitmentFactory(lead=mu(Role.COMMITMENT_LEAD)))
    return query.owner, f"/api/v1/scrutiny-queries/{query.pk}/answer/", {"response": "Two cases finalised late."}


def _query_close(mu: Any) -> Result:
    query = ScrutinyQueryFactory(answered=True)
    return mu(Role.OPCC_SCRUTINY), f"/api/v1/scrutiny-queries/{query.pk}/close/", {"comment": "Thank you."}


def _query_reopen(mu: Any) -> Result:
    query = ScrutinyQueryFactory(answered=True)
    body = {"reason": "Which quarter?", "due_date": _due()}
    return mu(Role.OPCC_SCRUTINY), f"/api/v1/scrutiny-queries/{query.pk}/reopen/", body


REPORT = {
    "title": "PEEL 2025",
    "inspectorate": "HMICFRS",
    "published_on": "2025-06-01",
    "pcc_response": "Response.",
    "pcc_response_published_on": "2025-07-20",
}


def _report_new(mu: Any) -> Result:
    return mu(Role.OPCC_SCRUTINY), "/api/v1/inspection-reports/", REPORT


def _report_edit(mu: Any) -> Result:
    return mu(Role.ADMINISTRATOR), f"/api/v1/inspection-reports/{InspectionReportFactory().pk}/", REPORT


def _item_body(mu: Any) -> dict[str, Any]:
    commitment = CommitmentFactory()
    return {
        "report": InspectionReportFactory().pk,
        "number": 5,
        "kind": "cause_of_concern",
        "text": "Supervision of rape investigations.",
        "response": "A supervision framework is in place.",
        "owner": mu(Role.COMMITMENT_LEAD).pk,
        "due_date": _due(),
        "board": commitment.board_id,
        "commitments": [commitment.pk],
    }


def _item_new(mu: Any) -> Result:
    return mu(Role.OPCC_SCRUTINY), "/api/v1/inspection-recommendations/", _item_body(mu)


def _item_edit(mu: Any) -> Result:
    item = InspectionRecommendationFactory()
    return mu(Role.ADMINISTRATOR), f"/api/v1/inspection-recommendations/{item.pk}/", _item_body(mu)


def _item_evidence(mu: Any) -> Result:
    item = InspectionRecommendationFactory(owner=mu(Role.COMMITMENT_LEAD))
    body = {"date": timezone.localdate().isoformat(), "text": "Forum held.", "status": "in_progress"}
    return item.owner, f"/api/v1/inspection-recommendations/{item.pk}/evidence/", body


def _item_status(mu: Any) -> Result:
    item = InspectionRecommendationFactory(owner=mu(Role.BOARD_CHAIR))
    return item.owner, f"/api/v1/inspection-recommendations/{item.pk}/status/", {"status": "in_progress"}


def _implemented() -> Any:
    item = InspectionRecommendationFactory()
    RecommendationEvidenceFactory(recommendation=item)
    item.status = "implemented"
    item.save()
    return item


def _item_accept(mu: Any) -> Result:
    path = f"/api/v1/inspection-recommendations/{_implemented().pk}/accept/"
    return mu(Role.OPCC_SCRUTINY), path, {"comment": "Evidence is sufficient."}


def _item_return(mu: Any) -> Result:
    path = f"/api/v1/inspection-recommendations/{_implemented().pk}/return/"
    return mu(Role.OPCC_SCRUTINY), path, {"comment": "Attach the dip sample."}


SCRUTINY_CASES = {
    ("scrutiny-query-list", "post"): _query_new,
    ("scrutiny-query-answer", "post"): _query_answer,
    ("scrutiny-query-close", "post"): _query_close,
    ("scrutiny-query-reopen", "post"): _query_reopen,
    ("inspection-report-list", "post"): _report_new,
    ("inspection-report-detail", "patch"): _report_edit,
    ("inspection-recommendation-list", "post"): _item_new,
    ("inspection-recommendation-detail", "patch"): _item_edit,
    ("inspection-recommendation-evidence", "post"): _item_evidence,
    ("inspection-recommendation-status", "post"): _item_status,
    ("inspection-recommendation-accept", "post"): _item_accept,
    ("inspection-recommendation-return", "post"): _item_return,
}
