"""Joint police/CPS dip samples: the three frames, a reproducible draw, and the report shared with the CPS."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from audits import joint, services
from audits.models import CaseReview
from oversight.errors import ApplicationError
from oversight.roles import Role
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

from .factories import AuditFactory, LearningPointFactory, QuestionSetFactory, answer_all

pytestmark = pytest.mark.django_db
START, END = date(2025, 4, 1), date(2025, 6, 30)


def closed(ref: str, outcome: str, *, arrested: bool = False, on: date = date(2025, 5, 20), **kw: Any) -> Any:
    return InvestigationFactory(
        crime_reference=ref,
        outcome_type=outcome,
        outcome_date=on,
        arrest_date=date(2025, 5, 2) if arrested else None,
        **kw,
    )


@pytest.fixture
def register() -> dict[str, Any]:
    """Six closed RASSO cases and four referrals:

    unreferred frame: U-15 (outcome 15: suspect identified), U-14-ARR (14, but an arrest is recorded),
      U-16 (16) → 3 cases. Left out: N-14 (14, no arrest), N-18 (18, no arrest), N-1 (charged),
      N-REF (15 but referred), N-LATE (15, closed after the window), N-DA (domestic abuse strand: not RASSO).
    nfa frame: R-NFA (nfa in May) → 1. further_evidence frame: R-FE1, R-FE2 → 2; R-FE-OLD (March) out.
    """
    cases = {
        "U-15": closed("U-15", "15"),
        "U-14-ARR": closed("U-14-ARR", "14", arrested=True),
        "U-16": closed("U-16", "16"),
        "N-14": closed("N-14", "14"),
        "N-18": closed("N-18", "18"),
        "N-1": closed("N-1", "1", arrested=True),
        "N-REF": closed("N-REF", "15"),
        "N-LATE": closed("N-LATE", "15", on=date(2025, 7, 3)),
        "N-DA": closed("N-DA", "15", strand="domestic_abuse", offence_group="violence_with_injury"),
    }
    CpsReferralFactory(investigation=cases["N-REF"], referral_date=date(2025, 5, 5))
    for ref, decision, on in (
        ("R-NFA", "nfa", date(2025, 5, 10)),
        ("R-FE1", "further_evidence", date(2025, 5, 11)),
        ("R-FE2", "further_evidence", date(2025, 6, 12)),
        ("R-FE-OLD", "further_evidence", date(2025, 3, 12)),
    ):
        cases[ref] = InvestigationFactory(crime_reference=ref, recorded_date=date(2025, 2, 1))
        CpsReferralFactory(
            investigation=cases[ref], referral_date=date(2025, 3, 1), decision=decision, decision_date=on
        )
    return cases


@pytest.fixture
def dip(lead: Any) -> Any:
    return AuditFactory(kind="joint_dip", area="rasso", lead_auditor=lead, question_set=QuestionSetFactory())


def _refs(reviews: list[CaseReview]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for review in reviews:
        out.setdefault(review.dip_frame, set()).add(review.investigation.crime_reference)  # type: ignore[union-attr]
    return out


def test_the_frames_hold_exactly_the_cases_their_definitions_name(register: dict[str, Any]) -> None:
    assert joint.frame_sizes(area="rasso", window_start=START, window_end=END) == {
        "unreferred": 3,
        "cps_nfa": 1,
        "further_evidence": 2,
    }


def test_a_draw_takes_every_case_when_the_frames_are_small_and_links_the_referral(
    register: dict[str, Any], dip: Any, lead: Any
) -> None:
    reviews = services.audit_draw_dip_sample(
        audit=dip,
        actor=lead,
        sizes={"unreferred": 5, "cps_nfa": 5, "further_evidence": 5},
        window_start=START,
        window_end=END,
        seed=7,
    )
    assert _refs(reviews) == {
        "unreferred": {"U-15", "U-14-ARR", "U-16"},
        "cps_nfa": {"R-NFA"},
        "further_evidence": {"R-FE1", "R-FE2"},
    }
    fe = next(r for r in reviews if r.investigation.crime_reference == "R-FE1")  # type: ignore[union-attr]
    assert fe.referral is not None and fe.referral.decision == "further_evidence"
    assert all(r.referral is None for r in reviews if r.dip_frame == "unreferred")
    assert [r.position for r in reviews] == [1, 2, 3, 4, 5, 6]


def test_the_same_seed_draws_the_same_dip_sample(register: dict[str, Any], lead: Any) -> None:
    drawn = []
    for _ in range(2):
        audit = AuditFactory(kind="joint_dip", area="rasso", lead_auditor=lead, question_set=QuestionSetFactory())
        reviews = services.audit_draw_dip_sample(
            audit=audit,
            actor=lead,
            sizes={"unreferred": 2, "cps_nfa": 0, "further_evidence": 1},
            window_start=START,
            window_end=END,
            seed=12345,
        )
        drawn.append(_refs(reviews))
        assert audit.__class__.objects.get(pk=audit.pk).sample_seed == 12345
    assert drawn[0] == drawn[1]
    assert len(drawn[0]["unreferred"]) == 2 and len(drawn[0]["further_evidence"]) == 1


def test_only_a_joint_dip_audit_draws_from_the_frames(register: dict[str, Any], audit: Any, lead: Any) -> None:
    with pytest.raises(ApplicationError, match="Only a joint police/CPS dip sample"):
        services.audit_draw_dip_sample(
            audit=audit, actor=lead, sizes={"unreferred": 1}, window_start=START, window_end=END
        )


def test_an_empty_window_is_refused_with_a_message(dip: Any, lead: Any) -> None:
    with pytest.raises(ApplicationError, match="None of the three frames holds a case"):
        services.audit_draw_dip_sample(
            audit=dip, actor=lead, sizes={"unreferred": 3}, window_start=START, window_end=END
        )


def test_the_report_gives_figures_by_frame_and_only_register_facts(
    register: dict[str, Any], dip: Any, lead: Any, client_for: Any
) -> None:
    reviews = services.audit_draw_dip_sample(
        audit=dip,
        actor=lead,
        sizes={"unreferred": 1, "cps_nfa": 1, "further_evidence": 0},
        window_start=START,
        window_end=END,
        seed=1,
    )
    unreferred, nfa = sorted(reviews, key=lambda r: r.dip_frame != "unreferred")
    answer_all(unreferred, ["compliant", "non_compliant", "not_applicable"])  # 1 of 2 assessed → 50.0
    answer_all(nfa, ["compliant", "compliant", "partial"])  # 2 of 3 → 66.7
    unreferred.answers.update(comment="Private panel remark about the suspect")
    LearningPointFactory(audit=dip, text="Unreferred rape cases lacked a recorded rationale.", severity="high")
    report = joint.dip_report(audit=dip)
    by_frame = {f["key"]: f for f in report["frames"]}
    assert (by_frame["unreferred"]["sampled"], by_frame["unreferred"]["compliance_rate"]) == (1, 50.0)
    assert (by_frame["cps_nfa"]["sampled"], by_frame["cps_nfa"]["compliance_rate"]) == (1, 66.7)
    assert (by_frame["further_evidence"]["sampled"], by_frame["further_evidence"]["compliance_rate"]) == (0, None)

    client = client_for(Role.CASE_EDITOR)
    page = client.get(f"/audits/{dip.pk}/dip-report/").content.decode()
    assert "Unreferred rape cases lacked a recorded rationale." in page
    assert "Private panel remark" not in page
    csv = b"".join(client.get(f"/audits/{dip.pk}/dip-report/?format=csv&table=cases").streaming_content).decode()
    assert csv.splitlines()[0].lstrip("\ufeff").startswith("Case,Frame,Crime reference,Strand,Offence group,Outcome")
    assert "R-NFA" in csv and "No further action" in csv and "Private panel remark" not in csv


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.AUDIT_LEAD, 200),
        (Role.BOARD_CHAIR, 200),
        (Role.COMMITMENT_LEAD, 403),
        (Role.OPCC_SCRUTINY, 403),
    ],
)
def test_the_cps_report_is_case_level(dip: Any, client_for: Any, role: Role, status: int) -> None:
    assert client_for(role).get(f"/audits/{dip.pk}/dip-report/").status_code == status


def test_the_lead_draws_through_the_page_and_the_monthly_sample_page_sends_them_there(
    register: dict[str, Any], dip: Any, lead: Any, client_for: Any
) -> None:
    client = client_for(user=lead)
    assert client.get(f"/audits/{dip.pk}/sample/").url == f"/audits/{dip.pk}/dip-sample/"
    page = client.get(f"/audits/{dip.pk}/dip-sample/")
    assert page.status_code == 200
    response = client.post(
        f"/audits/{dip.pk}/dip-sample/",
        {
            "unreferred": 2,
            "cps_nfa": 1,
            "further_evidence": 1,
            "window_start": "2025-04-01",
            "window_end": "2025-06-30",
            "seed": "99",
        },
    )
    assert response.status_code == 302
    assert dip.reviews.count() == 4  # 2 + 1 + 1
    bad = client.post(
        f"/audits/{dip.pk}/dip-sample/",
        {
            "unreferred": 0,
            "cps_nfa": 0,
            "further_evidence": 0,
            "window_start": "2025-04-01",
            "window_end": "2025-06-30",
        },
    )
    assert bad.status_code == 400 and "between 1 and 200 cases" in bad.content.decode()
    assert dip.reviews.count() == 4
