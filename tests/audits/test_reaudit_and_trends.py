"""Re-audits linked to their original with the change in compliance; question-level trends in aggregate
for everyone and drill-down to reviews only for roles that see audits."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audits import selectors, services
from audits.models import Audit
from oversight.errors import ApplicationError
from oversight.roles import Role
from tests.cases.factories import InvestigationFactory

from .factories import AuditFactory, CaseReviewFactory, QuestionSetFactory, answer_all

pytestmark = pytest.mark.django_db
SECRET = "20/424242/25"


def _audit_with(lead: Any, question_set: Any, cases: list[list[str]], **kwargs: Any) -> Audit:
    audit = AuditFactory(lead_auditor=lead, question_set=question_set, status="submitted", **kwargs)
    for position, values in enumerate(cases, start=1):
        review = CaseReviewFactory(audit=audit, position=position)
        answer_all(review, values)
    return audit


# --- Re-audit ------------------------------------------------------------------------------------


def test_a_reaudit_takes_the_failed_cases_again_and_shows_the_change(lead: Any) -> None:
    qs = QuestionSetFactory()
    # Case 1 all compliant; case 2 fails Q2 and Q3; case 3 fails Q1. Original: 6 of 9 compliant = 66.7 %.
    original = _audit_with(
        lead,
        qs,
        [
            ["compliant", "compliant", "compliant"],
            ["compliant", "partial", "non_compliant"],
            ["non_compliant", "compliant", "compliant"],
        ],
        month=date(2025, 6, 1),
    )
    reaudit = services.audit_schedule_reaudit(audit=original, actor=lead, month=date(2025, 9, 1))
    assert (reaudit.kind, reaudit.reaudit_of, reaudit.question_set) == ("reaudit", original, qs)
    again = list(reaudit.reviews.order_by("position"))
    assert [r.investigation_id for r in again] == [
        r.investigation_id for r in original.reviews.order_by("position")[1:]
    ]
    # The two cases looked at again: 5 of 6 compliant = 83.3 %, +16.6 points on 66.7 %.
    answer_all(again[0], ["compliant", "compliant", "partial"])
    answer_all(again[1], ["compliant", "compliant", "compliant"])
    comparison = selectors.reaudit_comparison(audit=reaudit)
    assert comparison is not None
    assert (comparison["before"], comparison["after"], comparison["change"]) == (66.7, 83.3, 16.6)
    # Q1: 2 of 3 → 2 of 2 (66.7 → 100.0); Q3: 2 of 3 → 1 of 2 (66.7 → 50.0).
    assert [(q["before"], q["compliance_rate"], q["change"]) for q in comparison["questions"]] == [
        (66.7, 100.0, 33.3),
        (66.7, 100.0, 33.3),
        (66.7, 50.0, -16.7),
    ]
    assert selectors.reaudit_comparison(audit=original)["reaudit"] == reaudit  # type: ignore[index]  # not None


def test_an_area_reaudit_starts_without_cases_and_an_open_audit_cannot_be_reaudited(lead: Any, make_user: Any) -> None:
    qs = QuestionSetFactory()
    original = _audit_with(lead, qs, [["compliant", "compliant", "compliant"]], month=date(2025, 6, 1))
    with pytest.raises(ApplicationError, match="No case of this audit failed"):
        services.audit_schedule_reaudit(audit=original, actor=lead, month=date(2025, 9, 1))
    area = services.audit_schedule_reaudit(audit=original, actor=lead, month=date(2025, 9, 1), review_ids=[])
    assert area.reviews.count() == 0 and area.status == "planned"
    open_audit = AuditFactory(lead_auditor=lead, status="in_progress")
    with pytest.raises(ApplicationError, match="submitted or signed-off"):
        services.audit_schedule_reaudit(audit=open_audit, actor=lead, month=date(2025, 9, 1))
    with pytest.raises(PermissionDenied):
        services.audit_schedule_reaudit(audit=original, actor=make_user(Role.BOARD_CHAIR), month=date(2025, 9, 1))


def test_the_page_schedules_a_reaudit_and_both_audits_show_the_link(client_for: Any, lead: Any) -> None:
    original = _audit_with(lead, QuestionSetFactory(), [["compliant", "partial", "compliant"]], month=date(2025, 6, 1))
    client = client_for(user=lead)
    response = client.post(f"/audits/{original.pk}/reaudit/", {"month": "2025-09", "scope": "failed"})
    reaudit = Audit.objects.get(kind="reaudit")
    assert response["Location"] == f"/audits/{reaudit.pk}/"
    assert "Re-audit of" in client.get(f"/audits/{reaudit.pk}/").content.decode()
    assert "Re-audited by" in client.get(f"/audits/{original.pk}/").content.decode()


# --- Question trends ------------------------------------------------------------------------------


@pytest.fixture
def trend_data(lead: Any) -> dict[str, Any]:
    """Two RASSO audits (May, June 2025) on v1 and one (July) on v2 of the same set; a domestic abuse audit."""
    v1 = QuestionSetFactory(code="rasso", version=1)
    v2 = QuestionSetFactory(code="rasso", version=2, questions=[])
    for question in v1.questions.order_by("order"):  # v2 keeps the keys; question 2 is reworded
        text = "VPS offered and recorded" if question.order == 2 else question.text
        v2.questions.create(key=question.key, order=question.order, text=text)
    investigation = InvestigationFactory(audit_sample=True, crime_reference=SECRET, team="rasso")
    may = AuditFactory(lead_auditor=lead, question_set=v1, month=date(2025, 5, 1), status="submitted")
    answer_all(CaseReviewFactory(audit=may, investigation=investigation), ["compliant", "non_compliant", "partial"])
    june = AuditFactory(lead_auditor=lead, question_set=v1, month=date(2025, 6, 1), status="submitted")
    answer_all(CaseReviewFactory(audit=june), ["compliant", "non_compliant", "compliant"])
    july = AuditFactory(lead_auditor=lead, question_set=v2, month=date(2025, 7, 1), status="submitted")
    answer_all(CaseReviewFactory(audit=july), ["not_applicable", "compliant", "compliant"])
    draft = AuditFactory(lead_auditor=lead, question_set=v1, month=date(2025, 7, 1), area="domestic_abuse")
    answer_all(CaseReviewFactory(audit=draft), ["non_compliant"] * 3)  # in progress: not counted
    return {"v1": v1, "v2": v2}


def test_trends_follow_each_question_across_versions_month_by_month(trend_data: dict[str, Any]) -> None:
    data = selectors.question_trends(month_start=date(2025, 5, 1), month_end=date(2025, 7, 31))
    assert data["months"] == ["2025-05", "2025-06", "2025-07"]
    rows = {q["order"]: q for q in data["questions"]}
    assert len(data["questions"]) == 3
    # Q1: compliant, compliant, N/A → 100, 100, none; 2 of 2.
    assert (rows[1]["months"], rows[1]["compliance_rate"]) == ([100.0, 100.0, None], 100.0)
    # Q2 (reworded in v2, same key): not, not, compliant → 0, 0, 100; 1 of 3 = 33.3 %; shown with its latest words.
    assert (rows[2]["months"], rows[2]["compliance_rate"], rows[2]["failed"]) == ([0.0, 0.0, 100.0], 33.3, 2)
    assert rows[2]["text"] == "VPS offered and recorded"
    # Q3: partial, compliant, compliant → 0, 100, 100; 2 of 3 = 66.7 %.
    assert rows[3]["compliance_rate"] == 66.7
    assert [q["order"] for q in selectors.most_failed_questions(data)] == [2, 3]


def test_trends_filter_by_area_and_team(trend_data: dict[str, Any]) -> None:
    rasso_team = selectors.question_trends(month_start=date(2025, 5, 1), month_end=date(2025, 7, 31), team="rasso")
    # Only May's case is the RASSO team's (the factories' other cases have no team).
    assert [q["months"] for q in rasso_team["questions"]] == [[100.0, None, None], [0.0, None, None], [0.0, None, None]]
    none = selectors.question_trends(month_start=date(2025, 5, 1), month_end=date(2025, 7, 31), area="domestic_abuse")
    assert none["questions"] == []  # the domestic abuse audit is still in progress


def test_the_opcc_sees_trends_without_any_crime_reference(client_for: Any, trend_data: dict[str, Any]) -> None:
    client = client_for(Role.OPCC_SCRUTINY)
    html = client.get("/audits/trends/?month_from=2025-05&month_to=2025-07").content.decode()
    assert "VPS offered and recorded" in html and "33.3%" in html
    assert SECRET not in html and "/audits/trends/questions/" not in html  # no drill-down links
    for table in ("questions", "failed", "themes"):
        body = client.get(f"/audits/trends/?month_from=2025-05&month_to=2025-07&table={table}&format=csv")
        assert SECRET not in b"".join(body.streaming_content).decode()
    key = trend_data["v1"].questions.get(order=2).key
    assert client.get(f"/audits/trends/questions/{key}/").status_code == 403


def test_an_audit_lead_drills_from_a_question_to_the_failed_reviews(
    client_for: Any, trend_data: dict[str, Any], lead: Any
) -> None:
    key = trend_data["v1"].questions.get(order=2).key
    client = client_for(user=lead)
    assert f"/audits/trends/questions/{key}/" in client.get("/audits/trends/?month_from=2025-05").content.decode()
    html = client.get(f"/audits/trends/questions/{key}/?month_from=2025-05&month_to=2025-07").content.decode()
    assert SECRET in html and html.count("Not compliant") == 2  # May and June
    assert client.get("/audits/trends/questions/nosuchkey/").status_code == 404


def test_trends_take_two_queries(trend_data: dict[str, Any], django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):
        selectors.question_trends(month_start=date(2025, 5, 1), month_end=date(2025, 7, 31))


def test_a_reversed_range_is_reported_not_a_server_error(client_for: Any) -> None:
    response = client_for(Role.AUDIT_LEAD).get(
        f"/audits/trends/?month_from=2025-08&month_to={timezone.localdate():%Y}-01"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/audits/trends/", "/audits/overview/"])
def test_compliance_charts_always_run_to_100_percent(client_for: Any, path: str) -> None:
    response = client_for("audit_lead").get(path)

    chart = response.context["chart"]
    assert (chart["percent"], chart["yMax"]) == (True, 100)
