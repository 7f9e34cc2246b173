"""Indicators on commitments: values from the KPI engine, evidence frozen at publication, conflicts
with a GREEN rating flagged on every decision page and acknowledged at publication, and who may
set indicators.

The register used throughout (CSE strand, positive outcome rate = positive outcomes dated in the
quarter / offences recorded in the quarter, DESIGN.md §3):

- 2025-26-Q2 (1 July – 30 September 2025): recorded 10 Jul (charged 20 Aug), 15 Jul, 1 Aug
  (victim withdrew, outcome 16 on 1 Sep), 10 Sep → 4 recorded, 1 positive → 25.0 %.
- 2024-25-Q2 (1 July – 30 September 2024): 6 recorded in August, one charged on 1 September
  → 1 / 6 = 16.67 → 16.7 %.
- A RASSO rape charged in 2025-26-Q2 is outside the slice and changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases.kpis import kpi_rows
from cases.models import Flag, LocalPolicingArea
from commitments import evidence, rules, selectors, services
from commitments.models import CommitmentIndicator, PublishedEvidence, RagAssessment
from oversight.errors import ApplicationError
from oversight.periods import parse_quarter
from oversight.roles import Role
from tests.cases.factories import InvestigationFactory
from tests.commitments.factories import (
    BoardActionFactory,
    BoardMeetingFactory,
    IndicatorFactory,
    RagAssessmentFactory,
    period,
)

pytestmark = pytest.mark.django_db
Q2 = "2025-26-Q2"


def cse(recorded: str, outcome: str = "", outcome_date: str | None = None, **kwargs: Any) -> Any:
    return InvestigationFactory(
        strand="cse",
        offence_group="exploitation",
        victim_age_group="child",
        unplaced=True,
        recorded_date=recorded,
        outcome_type=outcome,
        outcome_date=outcome_date,
        **kwargs,
    )


@pytest.fixture
def register() -> None:
    cse("2025-07-10", "1", "2025-08-20")
    cse("2025-07-15")
    cse("2025-08-01", "16", "2025-09-01")
    cse("2025-09-10")
    cse("2024-08-01", "1", "2024-09-01")
    for day in range(2, 7):
        cse(f"2024-08-{day:02d}")
    InvestigationFactory(recorded_date="2025-07-01", outcome_type="1", outcome_date="2025-08-01", unplaced=True)


@pytest.fixture
def indicator(cast: Any, register: None) -> CommitmentIndicator:
    return IndicatorFactory(commitment=cast.commitment, name="CSE positive outcome rate")


def _engine(key: str, **filters: Any) -> Any:
    quarter = parse_quarter(key)
    return kpi_rows(date_from=quarter.start, date_to=quarter.end, filters=filters)[0]


# --- values ---------------------------------------------------------------------------------


def test_an_indicator_takes_the_kpi_engines_value_for_its_slice_with_last_year_and_an_8_quarter_trend(
    indicator: CommitmentIndicator,
) -> None:
    figures = evidence.indicator_figures(indicator, parse_quarter(Q2))

    assert figures["value"] == 25.0 == _engine(Q2, strand="cse")["positive_outcome_rate"]
    assert figures["same_quarter_last_year"] == 16.7 == _engine("2024-25-Q2", strand="cse")["positive_outcome_rate"]
    assert figures["target"] == 22.0 and figures["direction"] == "higher" and figures["on_track"] is True
    assert [p["period"] for p in figures["trend"]] == [
        "2023-24-Q3",
        "2023-24-Q4",
        "2024-25-Q1",
        "2024-25-Q2",
        "2024-25-Q3",
        "2024-25-Q4",
        "2025-26-Q1",
        "2025-26-Q2",
    ]
    # nothing recorded in the other quarters: no rate, so neither on nor off track
    assert [p["value"] for p in figures["trend"]] == [None, None, None, 16.7, None, None, None, 25.0]
    assert [p["on_track"] for p in figures["trend"]][3] is False
    # the API's shape, without the trend, answers the same
    assert {k: v for k, v in figures.items() if k != "trend"} == evidence.indicator_figures(
        indicator, parse_quarter(Q2), trend=False
    )


def test_reference_data_filters_reach_the_engine_as_the_kpi_api_takes_them(cast: Any) -> None:
    birmingham = LocalPolicingArea.objects.get(code="birmingham")
    online = Flag.objects.get(code="online")
    InvestigationFactory(recorded_date="2025-07-02", lpa="birmingham", flags=["online"])  # counted
    InvestigationFactory(recorded_date="2025-07-03", lpa="birmingham")  # no flag
    InvestigationFactory(recorded_date="2025-07-04", lpa="coventry", flags=["online"])  # other LPA
    indicator = IndicatorFactory(
        commitment=cast.commitment, metric="recorded_offences", strand="", lpa=birmingham, flag=online, target=5
    )
    figures = evidence.indicator_figures(indicator, parse_quarter(Q2), trend=False)
    assert figures["value"] == 1 == _engine(Q2, lpa="birmingham", flag="online")["recorded_offences"]
    assert figures["on_track"] is False  # 1 recorded, higher is better, target 5


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        (25.0, "22", "higher", True),
        (22.0, "22", "higher", True),
        (21.9, "22", "higher", False),
        (21.9, "22", "lower", True),
        (22.1, "22", "lower", False),
        (None, "22", "higher", None),
    ],
)
def test_on_track_follows_the_direction_and_is_none_without_a_value(
    value: float | None, target: str, direction: str, expected: bool | None
) -> None:
    assert rules.indicator_on_track(value=value, target=Decimal(target), direction=direction) is expected


def test_the_commitment_page_shows_each_indicator_with_target_last_year_and_trend_table(
    indicator: CommitmentIndicator, client_for: Any, cast: Any
) -> None:
    plan = cast.commitment.plan
    plan.reporting_period = period(Q2)
    plan.save()
    page = client_for(Role.OPCC_SCRUTINY).get(f"/commitments/{cast.commitment.pk}/").content.decode()
    assert 'data-indicator="CSE positive outcome rate"' in page
    assert "25.0%" in page and "16.7%" in page and "22.0%" in page
    assert 'data-testid="evidence-chart"' in page and 'data-testid="evidence-trend"' in page
    assert "evidence-conflict" not in page  # nothing proposed yet


# --- frozen at publication ----------------------------------------------------------------------


def _publish(assessment: RagAssessment, actor: Any, rating: str = "AMBER", **kwargs: Any) -> RagAssessment:
    return services.rag_publish(
        assessment=assessment, rating=rating, rationale="Outcomes improving, not yet sustained.", actor=actor, **kwargs
    )


def test_published_figures_do_not_change_when_the_register_is_corrected_and_a_correction_restores_them(
    indicator: CommitmentIndicator, cast: Any, api_client_for: Any
) -> None:
    assessment = RagAssessmentFactory(commitment=cast.commitment, period=period(Q2), endorsed=True)
    _publish(assessment, cast.opcc)
    published = {
        "name": "CSE positive outcome rate",
        "metric": "positive_outcome_rate",
        "value": 25.0,
        "target": 22.0,
        "direction": "higher",
        "same_quarter_last_year": 16.7,
        "on_track": True,
    }
    assert PublishedEvidence.objects.get(assessment=assessment).indicators == [published]

    cse("2025-09-20")  # a late-recorded offence: 1 positive of 5 recorded = 20.0 %
    assert evidence.indicator_figures(indicator, parse_quarter(Q2), trend=False)["value"] == 20.0

    def api_indicators() -> Any:
        body = api_client_for(Role.BOARD_CHAIR).get(f"/api/v1/reports/rag/?period={Q2}").json()
        return body["rows"][0]["indicators"]

    assert api_indicators() == [published]
    assert selectors.rag_report(period_key=Q2)["rows"][0]["indicators"] == [published]

    # The OPCC corrects to GREEN: today's 20.0 % is off target, so the conflict must be acknowledged ...
    with pytest.raises(ApplicationError, match="conflicts with a Green rating"):
        services.rag_correct(
            assessment=assessment, rating="GREEN", rationale="r", reason="Data corrected", actor=cast.opcc
        )
    correction = services.rag_correct(
        assessment=assessment,
        rating="GREEN",
        rationale="Green: the late record is a one-off; outcomes remain above last year.",
        reason="Data corrected",
        acknowledge_conflict=True,
        actor=cast.opcc,
    )
    # ... and the correction stores the corrected figures; the first version keeps its own
    stored = PublishedEvidence.objects.get(assessment=correction)
    assert stored.indicators == [{**published, "value": 20.0, "on_track": False}]
    assert stored.conflict_acknowledged and "20.0% against a target of 22%" in stored.conflicts[0]
    assert api_indicators() == [{**published, "value": 20.0, "on_track": False}]
    assert PublishedEvidence.objects.get(assessment=assessment).indicators == [published]


def test_an_unpublished_row_of_the_rag_api_carries_live_figures(indicator: CommitmentIndicator, cast: Any) -> None:
    RagAssessmentFactory(commitment=cast.commitment, period=period(Q2))  # proposed only
    row = selectors.rag_report(period_key=Q2)["rows"][0]
    assert row["rating"] is None
    assert row["indicators"] == [
        {
            "name": "CSE positive outcome rate",
            "metric": "positive_outcome_rate",
            "value": 25.0,
            "target": 22.0,
            "direction": "higher",
            "same_quarter_last_year": 16.7,
            "on_track": True,
        }
    ]


# --- conflicts --------------------------------------------------------------------------------


@pytest.fixture
def green_off_target(indicator: CommitmentIndicator, cast: Any) -> RagAssessment:
    """The lead proposes GREEN while the CSE rate is 20.0 % against a target of 22."""
    cse("2025-09-20")
    services.progress_update_submit(
        commitment=cast.commitment, period_key=Q2, narrative="On track.", proposed_rating="GREEN", actor=cast.lead
    )
    return RagAssessment.objects.get(commitment=cast.commitment, period__key=Q2)


CONFLICT = "CSE positive outcome rate is off target: 20.0% against a target of 22%."


def test_the_chair_sees_the_conflict_on_the_review_page(
    green_off_target: RagAssessment, cast: Any, client: Any
) -> None:
    client.force_login(cast.chair)
    page = client.get(f"/commitments/assessments/{green_off_target.pk}/review/").content.decode()
    assert "The lead proposes Green, but the evidence conflicts with it" in page
    assert CONFLICT in page


def test_the_lead_sees_before_proposing_that_the_evidence_does_not_support_green(
    green_off_target: RagAssessment, cast: Any, client: Any
) -> None:
    client.force_login(cast.lead)
    page = client.get(f"/commitments/{cast.commitment.pk}/update/{Q2}/").content.decode()
    assert "The evidence does not support a Green rating" in page and CONFLICT in page


def test_no_conflict_is_shown_for_green_when_every_indicator_is_on_target(
    indicator: CommitmentIndicator, cast: Any, client: Any
) -> None:
    services.progress_update_submit(
        commitment=cast.commitment, period_key=Q2, narrative="On track.", proposed_rating="GREEN", actor=cast.lead
    )
    assessment = RagAssessment.objects.get(commitment=cast.commitment, period__key=Q2)
    client.force_login(cast.chair)
    page = client.get(f"/commitments/assessments/{assessment.pk}/review/").content.decode()
    assert "evidence conflicts" not in page and "25.0%" in page


def test_the_opcc_queue_marks_the_conflict_and_publishing_green_needs_an_acknowledgement(
    green_off_target: RagAssessment, cast: Any, client: Any
) -> None:
    services.rag_review(assessment=green_off_target, decision="endorse", comment="", actor=cast.chair)
    client.force_login(cast.opcc)
    queue = client.get("/commitments/scrutiny/").content.decode()
    assert "Conflicts with evidence" in queue and CONFLICT in queue

    url = f"/commitments/assessments/{green_off_target.pk}/publish/"
    page = client.get(url).content.decode()
    assert "I have seen that the evidence conflicts with a Green rating" in page

    response = client.post(url, {"rating": "GREEN", "rationale": "Green."})
    assert response.status_code == 400
    assert "The evidence conflicts with a Green rating" in response.content.decode()
    green_off_target.refresh_from_db()
    assert green_off_target.status == "endorsed" and not PublishedEvidence.objects.exists()

    response = client.post(
        url,
        {
            "rating": "GREEN",
            "rationale": "Green: one late record; the trend is up.",
            "acknowledge_conflict": "on",
            "confirm": "yes",
        },
    )
    assert response.status_code == 302
    stored = PublishedEvidence.objects.get(assessment=green_off_target)
    assert stored.conflict_acknowledged and stored.conflicts == [CONFLICT]


def test_publishing_amber_needs_no_acknowledgement_whatever_the_evidence(
    green_off_target: RagAssessment, cast: Any
) -> None:
    services.rag_review(assessment=green_off_target, decision="challenge", comment="Off target.", actor=cast.chair)
    _publish(green_off_target, cast.opcc, rating="AMBER")
    stored = PublishedEvidence.objects.get(assessment=green_off_target)
    assert stored.conflicts == [] and not stored.conflict_acknowledged


def test_the_api_refuses_to_publish_green_against_the_evidence_without_the_acknowledgement(
    green_off_target: RagAssessment, cast: Any, api_client_for: Any
) -> None:
    services.rag_review(assessment=green_off_target, decision="endorse", comment="", actor=cast.chair)
    client = api_client_for(user=cast.opcc)
    url = f"/api/v1/rag-assessments/{green_off_target.pk}/publish/"
    response = client.post(url, {"rating": "GREEN", "rationale": "Green."}, format="json")
    assert response.status_code == 400 and "acknowledge_conflict" in response.json()["errors"]
    response = client.post(
        url, {"rating": "GREEN", "rationale": "Green, seen.", "acknowledge_conflict": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["rating"] == "GREEN"


def test_an_overdue_linked_board_action_conflicts_with_green(indicator: CommitmentIndicator, cast: Any) -> None:
    meeting = BoardMeetingFactory(board=cast.commitment.board)
    overdue = BoardActionFactory(
        meeting=meeting, description="Report CSE outcomes", due_date=timezone.localdate() - timedelta(days=3)
    )
    later = BoardActionFactory(meeting=meeting, description="Train officers", due_date=date.max)
    done = BoardActionFactory(
        meeting=meeting, description="Done already", status="completed", due_date=date(2025, 1, 1)
    )
    indicator.board_actions.set([overdue, later, done])

    found = evidence.with_conflicts(evidence.commitment_evidence(commitment=cast.commitment, period=Q2), "GREEN")
    assert [a["description"] for a in found["open_actions"]] == ["Report CSE outcomes", "Train officers"]
    assert [a["description"] for a in found["overdue_actions"]] == ["Report CSE outcomes"]
    assert found["conflicts"] == [f"Board action “Report CSE outcomes” is overdue (due {overdue.due_date:%-d %B %Y})."]
    assert evidence.with_conflicts(found, "AMBER")["conflicts"] == []


def test_linked_audit_areas_show_their_compliance_for_the_quarter(indicator: CommitmentIndicator, cast: Any) -> None:
    indicator.audit_areas = ["child_abuse"]
    indicator.save()
    found = evidence.commitment_evidence(commitment=cast.commitment, period=Q2)
    # no audit of the area was submitted in the quarter: shown, with no rate
    assert found["audit_compliance"] == [
        {"area": "child_abuse", "area_label": "Child abuse", "compliance_rate": None, "audits": 0}
    ]
    assert found["scrutiny_queries"] == []


def test_the_commitment_page_takes_a_fixed_number_of_queries_per_indicator(
    indicator: CommitmentIndicator, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(Role.OPCC_SCRUTINY)
    client.get(f"/commitments/{cast.commitment.pk}/")  # warm the session
    # one engine call (seven grouped queries) for the only indicator, plus the page's own reads
    with django_assert_max_num_queries(30):
        assert client.get(f"/commitments/{cast.commitment.pk}/").status_code == 200


# --- who sets indicators ----------------------------------------------------------------------


def test_the_lead_adds_an_indicator_to_their_commitment(cast: Any, client: Any) -> None:
    client.force_login(cast.lead)
    url = f"/commitments/{cast.commitment.pk}/indicators/new/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Rape positive outcome rate",
            "metric": "positive_outcome_rate",
            "offence_group": "rape",
            "baseline_period": "2024-25",
            "baseline_value": "6.0",
            "target": "10",
            "direction": "higher",
            "order": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    indicator = CommitmentIndicator.objects.get(commitment=cast.commitment)
    assert (indicator.offence_group, indicator.target, indicator.baseline_value) == (
        "rape",
        Decimal("10"),
        Decimal("6"),
    )
    assert indicator.history.first().history_user == cast.lead


def test_a_baseline_value_without_its_period_is_refused_with_a_message(cast: Any, client: Any) -> None:
    client.force_login(cast.lead)
    response = client.post(
        f"/commitments/{cast.commitment.pk}/indicators/new/",
        {
            "name": "X",
            "metric": "charged_pct",
            "baseline_value": "6",
            "target": "10",
            "direction": "higher",
            "order": "1",
        },
    )
    assert response.status_code == 400
    assert "Give the period of the baseline value." in response.content.decode()
    assert not CommitmentIndicator.objects.exists()


@pytest.mark.parametrize("role", [Role.BOARD_CHAIR, Role.OPCC_SCRUTINY, Role.COMMITMENT_LEAD, Role.AUDIT_LEAD])
def test_nobody_but_the_lead_and_the_system_owner_sets_indicators(cast: Any, client_for: Any, role: Role) -> None:
    indicator = IndicatorFactory(commitment=cast.commitment)
    client = client_for(role)  # a lead of no commitment of theirs, a chair, the OPCC...
    assert client.get(f"/commitments/{cast.commitment.pk}/indicators/new/").status_code == 403
    response = client.post(f"/commitments/indicators/{indicator.pk}/edit/", {"name": "Changed", "target": "1"})
    assert response.status_code == 403
    indicator.refresh_from_db()
    assert indicator.target == Decimal("22.0")


def test_the_system_owner_may_set_indicators_on_any_commitment(cast: Any, client_for: Any) -> None:
    indicator = IndicatorFactory(commitment=cast.commitment)
    assert client_for(Role.ADMINISTRATOR).get(f"/commitments/indicators/{indicator.pk}/edit/").status_code == 200


def test_the_service_refuses_the_chair_and_links_only_the_commitments_own_board_actions(cast: Any) -> None:
    with pytest.raises(PermissionDenied, match="Only the lead officer"):
        services.indicator_save(
            commitment=cast.commitment, actor=cast.chair, name="X", metric="charged_pct", target=Decimal(1)
        )
    foreign = BoardActionFactory()  # an action of another board
    with pytest.raises(ApplicationError, match="Link only actions of the board"):
        services.indicator_save(
            commitment=cast.commitment,
            actor=cast.lead,
            board_actions=[foreign],
            name="X",
            metric="charged_pct",
            target=Decimal(1),
        )
    assert not CommitmentIndicator.objects.exists()
