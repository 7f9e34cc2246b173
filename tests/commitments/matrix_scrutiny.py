"""Every page and endpoint of scrutiny queries and the inspection tracker against every role.

The OPCC raises, closes and reopens queries and accepts or returns evidence; the OPCC and administrators
record reports and tracker items; whoever *owns* a query or an item answers it or reports evidence,
whatever their role (entries marked "owned" make the requester the owner: every role is allowed; the
same URL owned by someone else is refused to every role).
"""

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
from tests.role_matrix import ALL_ROLES, JSON, Entry, requester, roles

NOBODY: frozenset[Role] = frozenset()
OPCC = roles(Role.OPCC_SCRUTINY)
MANAGERS = roles(Role.OPCC_SCRUTINY, Role.ADMINISTRATOR)


def _due() -> str:
    return (timezone.localdate() + timedelta(days=14)).isoformat()


def _query(suffix: str = "", api: bool = False, owned: bool = False, **traits: Any) -> Any:
    def build(make_user: Any) -> str:
        extra = {"owner": requester(make_user)} if owned else {}
        query = ScrutinyQueryFactory(**traits, **extra)
        base = "/api/v1/scrutiny-queries" if api else "/commitments/queries"
        return f"{base}/{query.pk}/{suffix}"

    return build


def _item(suffix: str = "", api: bool = False, owned: bool = False, implemented: bool = False) -> Any:
    def build(make_user: Any) -> str:
        extra = {"owner": requester(make_user)} if owned else {}
        item = InspectionRecommendationFactory(**extra)
        if implemented:
            RecommendationEvidenceFactory(recommendation=item)
            item.status = "implemented"
            item.save()
        base = "/api/v1/inspection-recommendations" if api else "/commitments/recommendations"
        return f"{base}/{item.pk}/{suffix}"

    return build


def _report(suffix: str = "", api: bool = False) -> Any:
    def build(_: Any) -> str:
        base = "/api/v1/inspection-reports" if api else "/commitments/inspections"
        return f"{base}/{InspectionReportFactory().pk}/{suffix}"

    return build


def _raise_page(_: Any) -> tuple[str, dict[str, Any]]:
    commitment = CommitmentFactory()
    return "/commitments/queries/new/", {
        "subject_type": "commitment",
        "commitment": commitment.pk,
        "question": "Why did the rate fall?",
        "due_date": _due(),
    }


def _raise_api(_: Any) -> tuple[str, dict[str, Any]]:
    return "/api/v1/scrutiny-queries/", {
        "commitment": CommitmentFactory().pk,
        "question": "Why did the rate fall?",
        "due_date": _due(),
    }


def _new_item(_: Any) -> tuple[str, dict[str, Any]]:
    return "/commitments/recommendations/new/", {
        "report": InspectionReportFactory().pk,
        "number": 4,
        "kind": "area_for_improvement",
        "text": "Improve supervision of rape investigations.",
    }


def _new_item_api(_: Any) -> tuple[str, dict[str, Any]]:
    return "/api/v1/inspection-recommendations/", {
        "report": InspectionReportFactory().pk,
        "number": 4,
        "kind": "area_for_improvement",
        "text": "Improve supervision of rape investigations.",
    }


REPORT_FORM = {"title": "PEEL 2025", "inspectorate": "HMICFRS", "published_on": "2025-06-01"}

ENTRIES = [
    # scrutiny query pages
    Entry("commitments:query_list", "/commitments/queries/", ALL_ROLES),
    Entry("commitments:query_create", "/commitments/queries/new/", OPCC),
    Entry("commitments:query_create", _raise_page, OPCC, method="post", ok_status=(302,)),
    Entry("commitments:query_detail", _query(), ALL_ROLES),
    Entry("commitments:query_answer", _query("answer/"), NOBODY),
    Entry("commitments:query_answer", _query("answer/", owned=True), ALL_ROLES),  # owned
    Entry(
        "commitments:query_answer",
        _query("answer/", owned=True),
        ALL_ROLES,
        method="post",
        data={"response": "Two cases finalised late."},
        ok_status=(302,),
    ),
    Entry("commitments:query_close", _query("close/", answered=True), OPCC),
    Entry("commitments:query_close", _query("close/", answered=True), OPCC, method="post", ok_status=(302,)),
    Entry("commitments:query_reopen", _query("reopen/", answered=True), OPCC),
    Entry(
        "commitments:query_reopen",
        _query("reopen/", answered=True),
        OPCC,
        method="post",
        data={"reason": "Say which quarter."},
        ok_status=(302,),
    ),
    # inspection tracker pages ("commitments:recommendation_list" is in matrix.py)
    Entry("commitments:recommendation_detail", _item(), ALL_ROLES),
    Entry("commitments:recommendation_create", "/commitments/recommendations/new/", MANAGERS),
    Entry("commitments:recommendation_create", _new_item, MANAGERS, method="post", ok_status=(302,)),
    Entry("commitments:recommendation_edit", _item("edit/"), MANAGERS),
    Entry("commitments:recommendation_evidence", _item("evidence/"), NOBODY),
    Entry("commitments:recommendation_evidence", _item("evidence/", owned=True), ALL_ROLES),  # owned
    Entry(
        "commitments:recommendation_evidence",
        _item("evidence/", owned=True),
        ALL_ROLES,
        method="post",
        data={"date": "2025-10-01", "text": "Forum held.", "status": "in_progress"},
        ok_status=(302,),
    ),
    Entry("commitments:recommendation_decision", _item("decision/", implemented=True), OPCC),
    Entry(
        "commitments:recommendation_decision",
        _item("decision/", implemented=True),
        OPCC,
        method="post",
        data={"decision": "accept"},
        ok_status=(302,),
    ),
    Entry("commitments:inspection_report_create", "/commitments/inspections/new/", MANAGERS),
    Entry(
        "commitments:inspection_report_create",
        "/commitments/inspections/new/",
        MANAGERS,
        method="post",
        data=REPORT_FORM,
        ok_status=(302,),
    ),
    Entry("commitments:inspection_report_detail", _report(), ALL_ROLES),
    Entry("commitments:inspection_report_edit", _report("edit/"), MANAGERS),
    # scrutiny query API
    Entry("scrutiny-query-list", "/api/v1/scrutiny-queries/", ALL_ROLES),
    Entry("scrutiny-query-list", _raise_api, OPCC, "post", ok_status=(201,), content_type=JSON),
    Entry("scrutiny-query-detail", _query(api=True), ALL_ROLES),
    Entry("scrutiny-query-detail", _query(api=True), ALL_ROLES, "patch", {"status": "closed"}, (405,), JSON),
    Entry("scrutiny-query-detail", _query(api=True), ALL_ROLES, "delete", ok_status=(405,)),
    Entry("scrutiny-query-answer", _query("answer/", api=True), NOBODY, "post", {"response": "Done."}, (200,), JSON),
    Entry(
        "scrutiny-query-answer",
        _query("answer/", api=True, owned=True),
        ALL_ROLES,
        "post",
        {"response": "Done."},
        (200,),
        JSON,
    ),
    Entry("scrutiny-query-close", _query("close/", api=True, answered=True), OPCC, "post", {}, (200,), JSON),
    Entry(
        "scrutiny-query-reopen",
        _query("reopen/", api=True, answered=True),
        OPCC,
        "post",
        {"reason": "Say which quarter."},
        (200,),
        JSON,
    ),
    # inspection tracker API
    Entry("inspection-report-list", "/api/v1/inspection-reports/", ALL_ROLES),
    Entry("inspection-report-list", "/api/v1/inspection-reports/", MANAGERS, "post", REPORT_FORM, (201,), JSON),
    Entry("inspection-report-detail", _report(api=True), ALL_ROLES),
    Entry("inspection-report-detail", _report(api=True), MANAGERS, "patch", {"inspectorate": "HMI"}, (200,), JSON),
    Entry("inspection-recommendation-list", "/api/v1/inspection-recommendations/", ALL_ROLES),
    Entry("inspection-recommendation-list", _new_item_api, MANAGERS, "post", ok_status=(201,), content_type=JSON),
    Entry("inspection-recommendation-detail", _item(api=True), ALL_ROLES),
    Entry("inspection-recommendation-detail", _item(api=True), MANAGERS, "patch", {"text": "Reworded."}, (200,), JSON),
    Entry("inspection-recommendation-detail", _item(api=True), ALL_ROLES, "delete", ok_status=(405,)),
    Entry(
        "inspection-recommendation-evidence",
        _item("evidence/", api=True),
        NOBODY,
        "post",
        {"text": "Done."},
        (201,),
        JSON,
    ),
    Entry(
        "inspection-recommendation-status",
        _item("status/", api=True),
        NOBODY,
        "post",
        {"status": "in_progress"},
        (200,),
        JSON,
    ),
    Entry(
        "inspection-recommendation-evidence",
        _item("evidence/", api=True, owned=True),
        ALL_ROLES,
        "post",
        {"text": "Forum held."},
        (201,),
        JSON,
    ),
    Entry(
        "inspection-recommendation-status",
        _item("status/", api=True, owned=True),
        ALL_ROLES,
        "post",
        {"status": "in_progress"},
        (200,),
        JSON,
    ),
    Entry(
        "inspection-recommendation-accept",
        _item("accept/", api=True, implemented=True),
        OPCC,
        "post",
        {},
        (200,),
        JSON,
    ),
    Entry(
        "inspection-recommendation-return",
        _item("return/", api=True, implemented=True),
        OPCC,
        "post",
        {"comment": "Attach the dip sample."},
        (200,),
        JSON,
    ),
]
