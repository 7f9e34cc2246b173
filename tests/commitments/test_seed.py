"""The demo seed: the annex's commitments and ratings, boards, recommendations; idempotent."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone

from commitments import seed, selectors
from commitments.models import Board, Commitment, InspectionRecommendation, ProgressUpdate, RagAssessment
from oversight.periods import next_quarter, parse_quarter, quarter_of
from oversight.roles import Role

pytestmark = pytest.mark.django_db

ANNEX_ORDER = ["147", "148", "149", "256", "43", "46", "47", "34", "38", "39"]


@pytest.fixture
def seeded(make_user: Any) -> dict[str, Any]:
    users = {role.value: make_user(role) for role in Role}
    seed.run(stdout=io.StringIO(), users=users)
    return users


def test_it_creates_the_ten_commitments_of_the_annex_in_order_with_their_q2_ratings(seeded: Any) -> None:
    report = selectors.rag_report(period_key="2025-26-Q2")
    assert [r["action_ref"] for r in report["rows"]] == ANNEX_ORDER
    assert {r["action_ref"]: r["rating"] for r in report["rows"]} == {
        ref: ("AMBER" if ref == "256" else "GREEN") for ref in ANNEX_ORDER
    }
    assert Commitment.objects.get(action_ref="43").text == "Continued implementation of Operation Soteria"
    assert "so called ‘honour-based’ abuse" in Commitment.objects.get(action_ref="39").text


def test_it_creates_the_reports_boards_with_chairs_and_gives_the_demo_users_work(seeded: Any) -> None:
    names = set(Board.objects.values_list("name", flat=True))
    assert names >= {
        "Operation Soteria Operations Board",
        "Vulnerability Improvement Board",
        "VAWG Steering Group",
        "Safer Spaces sub-group",
        "DA Operations Board",
        "Force Performance Panel",
    }
    assert not Board.objects.filter(chair__isnull=True).exists()
    assert Board.objects.filter(chair=seeded["board_chair"]).exists()
    assert Commitment.objects.filter(lead=seeded["commitment_lead"]).count() >= 3
    assert selectors.pending_reviews(user=seeded["board_chair"]).exists()
    assert selectors.scrutiny_queue(user=seeded["opcc_scrutiny"]).exists()


def test_it_publishes_every_quarter_up_to_the_last_complete_one_and_leaves_todays_in_progress(seeded: Any) -> None:
    current = quarter_of(timezone.localdate())
    published = set(RagAssessment.objects.filter(status="published").values_list("period__key", flat=True))
    quarters, key = [], parse_quarter("2023-24-Q3")
    while key.start < current.start:
        quarters.append(key.key)
        key = next_quarter(key)
    assert published == set(quarters)  # 2023-24-Q3 … the quarter before today's
    in_progress = RagAssessment.objects.filter(period__key=current.key)
    assert in_progress.exists() and not in_progress.filter(status="published").exists()
    assert selectors.reporting_key() == current.key
    assert list(InspectionRecommendation.objects.order_by("number").values_list("number", flat=True)) == [1, 8, 9]


def test_progress_updates_are_dated_within_their_quarter(seeded: Any) -> None:
    for update in ProgressUpdate.objects.select_related("period"):
        for moment in (update.submitted_at, update.updated_at):
            assert update.period.start_date <= timezone.localdate(moment) <= update.period.end_date, update


def test_the_demo_lead_leads_a_commitment_the_demo_chairs_board_oversees_with_a_proposal_to_review(
    seeded: Any,
) -> None:
    chained = Commitment.objects.filter(lead=seeded["commitment_lead"], board__chair=seeded["board_chair"])
    assert list(chained.values_list("action_ref", flat=True)) == ["38"]
    assert selectors.pending_reviews(user=seeded["board_chair"]).filter(commitment__action_ref="38").exists()


def test_running_it_twice_changes_nothing(seeded: Any) -> None:
    counts = (Commitment.objects.count(), RagAssessment.objects.count(), Board.objects.count())
    seed.run(stdout=io.StringIO(), users=seeded)
    assert (Commitment.objects.count(), RagAssessment.objects.count(), Board.objects.count()) == counts


def test_it_seeds_tracker_items_and_scrutiny_queries_once(seeded: Any) -> None:
    from django.utils import timezone

    from commitments.models import RecommendationEvidence, ScrutinyQuery

    items = InspectionRecommendation.objects.select_related("report")
    assert all(i.owner_id and i.due_date and i.evidence.exists() for i in items)
    assert str(items[0].report.response_deadline) == "2022-04-22"
    assert items.get(number=9).owner == seeded["commitment_lead"]
    today = timezone.localdate()
    assert ScrutinyQuery.objects.overdue(today).filter(owner=seeded["commitment_lead"]).count() == 1
    assert ScrutinyQuery.objects.filter(status="answered").count() == 1
    counts = (RecommendationEvidence.objects.count(), ScrutinyQuery.objects.count())
    seed.run(stdout=io.StringIO(), users=seeded)
    assert (RecommendationEvidence.objects.count(), ScrutinyQuery.objects.count()) == counts == (3, 4)
