"""Compliance rate and suggested assurance (DESIGN.md §2)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from audits import selectors
from audits.choices import AuditStatus
from audits.selectors import compliance_rate, suggested_assurance
from tests.cases.factories import InvestigationFactory

from .factories import AuditFactory, CaseReviewFactory, QuestionSetFactory, answer_all

pytestmark = pytest.mark.django_db


def test_not_applicable_answers_are_left_out_of_the_rate(audit: Any) -> None:
    review = CaseReviewFactory(audit=audit)
    answer_all(review, ["compliant", "not_applicable", "non_compliant"])
    result = selectors.audit_compliance(audit_id=audit.pk)
    assert result["not_applicable"] == 1
    assert result["compliance_rate"] == 50.0


def test_partial_counts_as_not_compliant(audit: Any) -> None:
    review = CaseReviewFactory(audit=audit)
    answer_all(review, ["compliant", "partial", "partial"])
    assert selectors.audit_compliance(audit_id=audit.pk)["compliance_rate"] == 33.3


def test_rates_round_half_up_to_one_decimal() -> None:
    assert compliance_rate(compliant=1, partial=7, non_compliant=8) == 6.3  # 6.25 → 6.3, not banker's 6.2
    assert compliance_rate(compliant=2, partial=1, non_compliant=0) == 66.7
    assert compliance_rate(compliant=7, partial=0, non_compliant=1) == 87.5


def test_a_zero_denominator_gives_none_not_zero(audit: Any) -> None:
    review = CaseReviewFactory(audit=audit)
    answer_all(review, ["not_applicable"] * 3)
    assert selectors.audit_compliance(audit_id=audit.pk)["compliance_rate"] is None
    assert selectors.audit_compliance(audit_id=AuditFactory().pk)["compliance_rate"] is None
    assert suggested_assurance(None) == ""


def test_compliance_by_question_counts_only_this_audits_answers(audit: Any) -> None:
    first = CaseReviewFactory(audit=audit)
    second = CaseReviewFactory(audit=audit)
    answer_all(first, ["compliant", "partial", "not_applicable"])
    answer_all(second, ["non_compliant", "compliant", "not_applicable"])
    other = AuditFactory(question_set=audit.question_set, area="domestic_abuse")
    answer_all(CaseReviewFactory(audit=other), ["non_compliant"] * 3)

    rows = selectors.compliance_by_question(audit_id=audit.pk)
    assert [r["order"] for r in rows] == [1, 2, 3]
    assert (rows[0]["compliant"], rows[0]["non_compliant"], rows[0]["compliance_rate"]) == (1, 1, 50.0)
    assert (rows[1]["compliant"], rows[1]["partial"], rows[1]["compliance_rate"]) == (1, 1, 50.0)
    assert rows[2]["not_applicable"] == 2 and rows[2]["compliance_rate"] is None


def test_compliance_by_case_is_one_row_per_sampled_case(audit: Any, lead: Any) -> None:
    review = CaseReviewFactory(audit=audit)
    answer_all(review, ["compliant", "compliant", "partial"])
    CaseReviewFactory(audit=audit)
    rows = selectors.compliance_by_review(user=lead, audit_id=audit.pk)
    assert [r["compliance_rate"] for r in rows] == [66.7, None]
    assert rows[0]["crime_reference"] == review.reference


@pytest.mark.parametrize(
    ("rate", "level"),
    [
        (100.0, "substantial"),
        (90.0, "substantial"),
        (89.9, "reasonable"),
        (75.0, "reasonable"),
        (74.9, "limited"),
        (50.0, "limited"),
        (49.9, "minimal"),
        (0.0, "minimal"),
    ],
)
def test_suggested_assurance_follows_the_thresholds(rate: float, level: str) -> None:
    assert suggested_assurance(rate) == level


def test_an_override_replaces_the_suggestion_until_sign_off_fixes_it(audit: Any) -> None:
    audit.assurance_override = "limited"
    audit.assurance_override_reason = "Two cases had no safeguarding plan."
    assert selectors.effective_assurance(audit, 95.0) == "limited"
    audit.assurance_level = "reasonable"
    assert selectors.effective_assurance(audit, 95.0) == "reasonable"


def test_compliance_by_area_counts_submitted_and_signed_off_audits_of_the_months() -> None:
    qs = QuestionSetFactory()
    done = AuditFactory(area="rasso", month=date(2025, 6, 1), question_set=qs, status=AuditStatus.SUBMITTED)
    answer_all(CaseReviewFactory(audit=done), ["compliant", "compliant", "non_compliant"])
    draft = AuditFactory(area="rasso", month=date(2025, 7, 1), question_set=qs, status=AuditStatus.IN_PROGRESS)
    answer_all(CaseReviewFactory(audit=draft), ["non_compliant"] * 3)
    thematic = AuditFactory(
        kind="thematic",
        area="",
        theme="Victim-blaming language",
        month=date(2025, 6, 1),
        question_set=qs,
        status=AuditStatus.SIGNED_OFF,
        assurance_level="minimal",
        signed_off_at=timezone.now(),
    )
    answer_all(
        CaseReviewFactory(audit=thematic, investigation=InvestigationFactory(audit_sample=True)),
        ["partial", "compliant"],
    )

    rows = selectors.compliance_by_area(month_start=date(2025, 6, 1), month_end=date(2025, 7, 31))
    by_area = {r["area"]: r for r in rows}
    assert by_area["rasso"]["compliance_rate"] == 66.7
    assert by_area["rasso"]["audits"] == 1
    assert by_area["thematic"]["compliance_rate"] == 50.0
    assert by_area["thematic"]["assurance"]["minimal"] == 1
    assert selectors.assurance_counts(month_start=date(2025, 6, 1), month_end=date(2025, 6, 30))["minimal"] == 1


def test_compliance_trend_is_one_row_per_month_and_area() -> None:
    qs = QuestionSetFactory()
    for month, values in ((6, ["compliant", "partial"]), (7, ["compliant", "compliant"])):
        audit = AuditFactory(area="rasso", month=date(2025, month, 1), question_set=qs, status=AuditStatus.SUBMITTED)
        answer_all(CaseReviewFactory(audit=audit), values)
    rows = selectors.compliance_trend(month_start=date(2025, 4, 1), month_end=date(2026, 3, 31))
    assert [(r["month"], r["area"], r["compliance_rate"]) for r in rows] == [
        ("2025-06", "rasso", 50.0),
        ("2025-07", "rasso", 100.0),
    ]


def test_the_weighted_score_counts_each_answer_by_its_questions_weight_beside_the_unweighted_rate(
    audit: Any, client_for: Any
) -> None:
    # Weights 3, 1, 1 (victim contact counts three times). Two cases:
    #   case 1: compliant (w3), non_compliant (w1), compliant (w1)
    #   case 2: non_compliant (w3), compliant (w1), not_applicable (w1, left out)
    # Unweighted: 3 compliant of 5 assessed = 60.0 %.
    # Weighted: compliant 3 + 1 + 1 = 5 of assessed 3 + 1 + 1 + 3 + 1 = 9 → 55.6 % (55.55… half-up).
    questions = list(audit.question_set.questions.order_by("order"))
    for question, weight in zip(questions, (3, 1, 1), strict=True):
        question.weight = weight
        question.save(update_fields=["weight"])
    answer_all(CaseReviewFactory(audit=audit), ["compliant", "non_compliant", "compliant"])
    answer_all(CaseReviewFactory(audit=audit), ["non_compliant", "compliant", "not_applicable"])

    result = selectors.audit_compliance(audit_id=audit.pk)

    assert (result["compliance_rate"], result["weighted_compliance"]) == (60.0, 55.6)
    assert (result["weighted_compliant"], result["weighted_assessed"]) == (5, 9)
    page = client_for("audit_lead", user=audit.lead_auditor).get(f"/audits/{audit.pk}/").content.decode()
    assert 'data-testid="audit-compliance">60.0' in page and 'data-testid="audit-weighted">55.6' in page


def test_a_partial_answer_earns_no_weight_and_no_answers_give_no_score(audit: Any) -> None:
    assert selectors.audit_compliance(audit_id=audit.pk)["weighted_compliance"] is None
    questions = list(audit.question_set.questions.order_by("order"))
    questions[0].weight = 5
    questions[0].save(update_fields=["weight"])
    answer_all(CaseReviewFactory(audit=audit), ["partial", "compliant", "compliant"])
    # compliant 1 + 1 = 2 of 5 + 1 + 1 = 7 → 28.6 %; unweighted 2 of 3 → 66.7 %.
    result = selectors.audit_compliance(audit_id=audit.pk)
    assert (result["compliance_rate"], result["weighted_compliance"]) == (66.7, 28.6)
