"""Sampling frames per area, stratified draws reproducible from their stored seed, and named picks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from audits import sampling, services
from audits.models import Audit, SamplingFrame
from oversight.errors import ApplicationError
from tests.cases.factories import InvestigationFactory

from .factories import AuditFactory, AuditSubjectFactory, QuestionSetFactory

pytestmark = pytest.mark.django_db
WINDOW_START, WINDOW_END = date(2025, 1, 1), date(2025, 12, 31)
WINDOW: dict[str, Any] = {"window_start": WINDOW_START, "window_end": WINDOW_END}


def test_allocation_is_proportional_with_the_largest_remainder() -> None:
    # Quotas for 5 of 10: a 6 → 3.0, b 3 → 1.5, c 1 → 0.5; floors 3, 1, 0; the one left goes to the
    # largest remainder, b and c tie at 0.5 and b sorts first.
    assert sampling.allocate({"a": 6, "b": 3, "c": 1}, 5) == {"a": 3, "b": 2, "c": 0}
    assert sampling.allocate({"a": 2, "b": 1}, 10) == {"a": 2, "b": 1}  # never more than a group holds


@pytest.fixture
def register() -> dict[str, list[Any]]:
    """Ten RASSO investigations: six open, three charged (1), one victim withdrawal (16)."""
    made: dict[str, list[Any]] = {"open": [], "charged": [], "withdrawn": []}
    for _ in range(6):
        made["open"].append(InvestigationFactory(recorded_date=date(2025, 3, 1)))
    for _ in range(3):
        made["charged"].append(
            InvestigationFactory(recorded_date=date(2025, 3, 1), outcome_type="1", outcome_date=date(2025, 6, 1))
        )
    made["withdrawn"].append(
        InvestigationFactory(recorded_date=date(2025, 3, 1), outcome_type="16", outcome_date=date(2025, 6, 1))
    )
    return made


def _refs(audit: Audit) -> list[str]:
    return [r.reference for r in audit.reviews.select_related("investigation", "subject").order_by("position")]


def test_a_sample_stratified_by_outcome_group_takes_each_group_in_proportion(lead: Any, register: Any) -> None:
    audit = AuditFactory(lead_auditor=lead)
    services.audit_draw_sample(audit=audit, actor=lead, size=5, seed=42, stratify_by="outcome_group", **WINDOW)
    chosen = set(audit.reviews.values_list("investigation_id", flat=True))
    # 5 of 10: open 3.0, charged 1.5, withdrawal 0.5 → 3, 1, 0 and the spare to "charged" (sorts first).
    assert len(chosen & {i.pk for i in register["open"]}) == 3
    assert len(chosen & {i.pk for i in register["charged"]}) == 2
    assert not chosen & {i.pk for i in register["withdrawn"]}
    audit.refresh_from_db()
    assert (audit.sample_seed, audit.sample_strata) == (42, "outcome_group")
    assert set(audit.reviews.values_list("method", flat=True)) == {"stratified"}


def test_the_same_seed_and_stratum_reproduce_the_sample(lead: Any, register: Any) -> None:
    audit = AuditFactory(lead_auditor=lead)
    draw = {"audit": audit, "actor": lead, "size": 5, "stratify_by": "outcome_group", **WINDOW}
    services.audit_draw_sample(seed=42, **draw)
    first = _refs(audit)
    services.audit_draw_sample(seed=7, **draw)
    assert _refs(audit) != first  # a different seed, a different sample (for this register and these seeds)
    services.audit_draw_sample(seed=42, **draw)
    assert _refs(audit) == first
    other = AuditFactory(lead_auditor=lead)
    services.audit_draw_sample(**{**draw, "audit": other, "seed": 42})
    assert _refs(other) == first  # another audit with the stored seed repeats the draw exactly


def test_a_frame_narrows_what_the_area_samples(lead: Any, register: Any) -> None:
    SamplingFrame.objects.create(area="rasso", strands=["rasso"], outcome_groups=["charged"])
    audit = AuditFactory(lead_auditor=lead)
    services.audit_draw_sample(audit=audit, actor=lead, size=10, seed=1, **WINDOW)
    assert set(audit.reviews.values_list("investigation_id", flat=True)) == {i.pk for i in register["charged"]}


def test_a_stratum_the_area_cannot_use_is_refused(lead: Any, register: Any) -> None:
    audit = AuditFactory(lead_auditor=lead)
    with pytest.raises(ApplicationError, match="stratified by outcome group, team, local policing area"):
        services.audit_draw_sample(audit=audit, actor=lead, size=3, seed=1, stratify_by="risk", **WINDOW)
    assert not audit.reviews.exists()


def test_sex_offender_management_samples_managed_offenders_not_crimes(lead: Any, register: Any) -> None:
    for risk, n in (("very_high", 2), ("high", 4), ("medium", 6)):
        for _ in range(n):
            AuditSubjectFactory(risk_level=risk)
    audit = AuditFactory(lead_auditor=lead, area="sex_offender_management", question_set=QuestionSetFactory())
    services.audit_draw_sample(audit=audit, actor=lead, size=6, seed=3, stratify_by="risk", **WINDOW)
    reviews = list(audit.reviews.select_related("subject"))
    assert all(r.investigation_id is None and r.subject is not None for r in reviews)
    # 6 of 12: very high 1.0, high 2.0, medium 3.0.
    risks = sorted(r.subject.risk_level for r in reviews if r.subject)
    assert risks == ["high", "high", "medium", "medium", "medium", "very_high"]


def test_missing_people_samples_missing_episodes_and_picks_them_by_reference(lead: Any) -> None:
    episode = AuditSubjectFactory(
        kind="missing_episodes", reference="MISPER-0042", visor_category="", risk_level="high"
    )
    AuditSubjectFactory(reference="MISPER-0042")  # the same reference for a managed offender is another subject
    audit = AuditFactory(lead_auditor=lead, area="missing_people")
    with pytest.raises(ApplicationError, match="MISPER-0099: not a known missing episode reference"):
        services.audit_add_cases(audit=audit, actor=lead, crime_references=["MISPER-0042", "MISPER-0099"])
    assert not audit.reviews.exists()
    services.audit_add_cases(audit=audit, actor=lead, crime_references=["MISPER-0042"])
    review = audit.reviews.get()
    assert (review.subject, review.method, review.reference) == (episode, "picked", "MISPER-0042")


def test_a_subject_area_with_no_subjects_in_the_window_says_so(lead: Any, register: Any) -> None:
    audit = AuditFactory(lead_auditor=lead, area="missing_people")
    with pytest.raises(ApplicationError, match="No missing episodes of this area start in that window"):
        services.audit_draw_sample(audit=audit, actor=lead, size=3, seed=1, **WINDOW)


def test_the_sample_page_offers_the_strata_of_the_area(client_for: Any, lead: Any) -> None:
    rasso = AuditFactory(lead_auditor=lead)
    som = AuditFactory(lead_auditor=lead, area="sex_offender_management")
    client = client_for(user=lead)
    html = client.get(f"/audits/{rasso.pk}/sample/").content.decode()
    assert 'value="outcome_group"' in html and 'value="risk"' not in html
    html = client.get(f"/audits/{som.pk}/sample/").content.decode()
    assert 'value="risk"' in html and "Managed offenders" in html
