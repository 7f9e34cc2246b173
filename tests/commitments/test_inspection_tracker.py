"""The inspection tracker: the owner moves an item up to implemented with evidence; only the OPCC
accepts or returns it; the OPCC and administrators create; the PCC's response is due 56 days after
the report's publication."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from commitments import scrutiny_services as services
from commitments.choices import EvidenceKind, RecommendationStatus
from commitments.models import InspectionRecommendation, InspectionReport, RecommendationEvidence
from oversight.errors import ApplicationError
from oversight.roles import Role
from tests.commitments.factories import (
    CommitmentFactory,
    InspectionRecommendationFactory,
    InspectionReportFactory,
    RecommendationEvidenceFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "owner": make_user(Role.COMMITMENT_LEAD, full_name="Rachel Moss"),
        "opcc": make_user(Role.OPCC_SCRUTINY, full_name="Olive Opcc"),
        "admin": make_user(Role.ADMINISTRATOR),
        "chair": make_user(Role.BOARD_CHAIR),
    }


@pytest.fixture
def item(people: dict[str, Any]) -> InspectionRecommendation:
    return InspectionRecommendationFactory(owner=people["owner"], number=1)


# --- the PCC's 56-day deadline ---------------------------------------------------------------------------


def test_the_pccs_response_is_due_56_days_after_publication() -> None:
    # 25 Feb 2022 + 56 days: 3 days to 28 Feb, 31 in March (34), 22 in April (56) → 22 April 2022.
    report = InspectionReportFactory(published_on=date(2022, 2, 25))
    assert report.response_deadline == date(2022, 4, 22)
    assert report.response_state(date(2022, 4, 12)) == {"state": "due", "days": 10, "text": "10 days remaining"}
    assert report.response_state(date(2022, 4, 22))["text"] == "0 days remaining"
    assert report.response_state(date(2022, 4, 23)) == {"state": "overdue", "days": 1, "text": "Overdue by 1 day"}
    report.pcc_response, report.pcc_response_published_on = "Response.", date(2022, 4, 20)
    assert report.response_state(date(2030, 1, 1)) == {
        "state": "published",
        "days": 2,
        "text": "Published 2 days early",
    }
    report.pcc_response_published_on = date(2022, 4, 25)
    assert report.response_state(date(2030, 1, 1))["text"] == "Published 3 days late"
    assert InspectionReport(title="Undated").response_state(TODAY)["state"] == "unknown"


def test_the_report_page_shows_days_remaining(client_for: Any) -> None:
    published = TODAY - timedelta(days=50)  # due in 6 days
    report = InspectionReportFactory(title="PEEL 2025", published_on=published)
    page = client_for(Role.COMMITMENT_LEAD).get(f"/commitments/inspections/{report.pk}/").content.decode()
    assert "6 days remaining" in page
    assert (published + timedelta(days=56)).strftime("%-d %B %Y") in page


def test_a_report_is_recorded_by_the_opcc_or_an_administrator_only(people: dict[str, Any]) -> None:
    for actor in (people["opcc"], people["admin"]):
        services.inspection_report_save(
            report=InspectionReport(title=f"PEEL {actor.pk}", published_on=date(2025, 6, 1)), actor=actor
        )
    for actor in (people["owner"], people["chair"]):
        with pytest.raises(PermissionDenied):
            services.inspection_report_save(report=InspectionReport(title="x", published_on=TODAY), actor=actor)
    with pytest.raises(ApplicationError, match="publication date cannot be in the future"):
        services.inspection_report_save(
            report=InspectionReport(title="Future", published_on=TODAY + timedelta(days=1)), actor=people["opcc"]
        )
    with pytest.raises(ApplicationError, match="Enter the PCC's response"):
        services.inspection_report_save(
            report=InspectionReport(title="No text", published_on=date(2025, 6, 1), pcc_response_published_on=TODAY),
            actor=people["opcc"],
        )
    assert InspectionReport.objects.count() == 2


# --- creating and editing items ---------------------------------------------------------------------------


def test_the_opcc_and_administrators_create_items_and_others_are_refused(people: dict[str, Any]) -> None:
    report = InspectionReportFactory()
    commitment = CommitmentFactory()
    for number, actor in enumerate((people["opcc"], people["admin"]), start=1):
        item = services.recommendation_save(
            recommendation=InspectionRecommendation(
                report=report, number=number, text="Improve.", owner=people["owner"]
            ),
            commitments=[commitment],
            actor=actor,
        )
        assert item.status == RecommendationStatus.NOT_STARTED
        assert list(item.commitments.all()) == [commitment]
    with pytest.raises(PermissionDenied):
        services.recommendation_save(
            recommendation=InspectionRecommendation(report=report, number=9, text="x"), actor=people["owner"]
        )


def test_editing_an_item_cannot_change_its_status(item: InspectionRecommendation, people: dict[str, Any]) -> None:
    item.status = RecommendationStatus.EVIDENCE_ACCEPTED
    with pytest.raises(ApplicationError, match="status moves through"):
        services.recommendation_save(recommendation=item, actor=people["opcc"])


# --- the workflow, by role ---------------------------------------------------------------------------------


def test_the_owner_moves_the_item_up_to_implemented_with_evidence(
    item: InspectionRecommendation, people: dict[str, Any]
) -> None:
    owner = people["owner"]
    services.recommendation_set_status(recommendation=item, status="in_progress", actor=owner)
    with pytest.raises(ApplicationError, match="Add an evidence update before marking the item implemented"):
        services.recommendation_set_status(recommendation=item, status="implemented", actor=owner)
    entry = services.recommendation_add_evidence(
        recommendation=item, text="Forum held.", date=TODAY - timedelta(days=2), status="implemented", actor=owner
    )
    item.refresh_from_db()
    assert item.status == RecommendationStatus.IMPLEMENTED
    assert (entry.kind, entry.author, entry.date) == (EvidenceKind.UPDATE, owner, TODAY - timedelta(days=2))
    with pytest.raises(ApplicationError, match="already implemented: it cannot move to in progress"):
        services.recommendation_set_status(recommendation=item, status="in_progress", actor=owner)
    with pytest.raises(ApplicationError, match="only the OPCC accepts evidence"):
        services.recommendation_set_status(recommendation=item, status="evidence_accepted", actor=owner)


@pytest.mark.parametrize("who", ["opcc", "admin", "chair"])
def test_only_the_owner_reports_evidence_or_moves_the_status(
    item: InspectionRecommendation, people: dict[str, Any], who: str
) -> None:
    with pytest.raises(PermissionDenied, match="Only Rachel Moss"):
        services.recommendation_add_evidence(recommendation=item, text="Done.", actor=people[who])
    with pytest.raises(PermissionDenied):
        services.recommendation_set_status(recommendation=item, status="in_progress", actor=people[who])
    assert not RecommendationEvidence.objects.exists()


def test_evidence_dated_in_the_future_is_refused(item: InspectionRecommendation, people: dict[str, Any]) -> None:
    with pytest.raises(ApplicationError, match="cannot be in the future"):
        services.recommendation_add_evidence(
            recommendation=item, text="Done.", date=TODAY + timedelta(days=1), actor=people["owner"]
        )


@pytest.fixture
def implemented(item: InspectionRecommendation, people: dict[str, Any]) -> InspectionRecommendation:
    services.recommendation_add_evidence(recommendation=item, text="Done.", status="implemented", actor=people["owner"])
    item.refresh_from_db()
    return item


@pytest.mark.parametrize("who", ["owner", "admin", "chair"])
def test_only_the_opcc_accepts_or_returns_evidence(
    implemented: InspectionRecommendation, people: dict[str, Any], who: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.recommendation_accept(recommendation=implemented, actor=people[who])
    with pytest.raises(PermissionDenied):
        services.recommendation_return(recommendation=implemented, comment="More.", actor=people[who])


def test_an_opcc_officer_who_owns_the_item_cannot_accept_it(make_user: Any) -> None:
    officer = make_user(Role.OPCC_SCRUTINY)
    item = InspectionRecommendationFactory(owner=officer)
    services.recommendation_add_evidence(recommendation=item, text="Done.", status="implemented", actor=officer)
    with pytest.raises(PermissionDenied, match="someone else at the OPCC"):
        services.recommendation_accept(recommendation=item, actor=officer)


def test_the_opcc_returns_then_accepts_and_an_accepted_item_is_finished(
    implemented: InspectionRecommendation, people: dict[str, Any]
) -> None:
    opcc, owner = people["opcc"], people["owner"]
    with pytest.raises(ApplicationError, match="Enter the reason for returning the evidence"):
        services.recommendation_return(recommendation=implemented, comment="", actor=opcc)
    returned = services.recommendation_return(recommendation=implemented, comment="Attach the dip sample.", actor=opcc)
    assert returned.status == RecommendationStatus.IN_PROGRESS
    with pytest.raises(ApplicationError, match="once the owner has marked it implemented"):
        services.recommendation_accept(recommendation=implemented, actor=opcc)

    services.recommendation_add_evidence(
        recommendation=implemented, text="Dip sample attached.", status="implemented", actor=owner
    )
    accepted = services.recommendation_accept(recommendation=implemented, actor=opcc)
    assert accepted.status == RecommendationStatus.EVIDENCE_ACCEPTED
    kinds = list(implemented.evidence.order_by("created_at", "pk").values_list("kind", flat=True))
    assert kinds == ["update", "returned", "update", "accepted"]
    with pytest.raises(ApplicationError, match="the item is finished"):
        services.recommendation_add_evidence(recommendation=implemented, text="More.", actor=owner)
    statuses = list(implemented.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == ["not_started", "implemented", "in_progress", "implemented", "evidence_accepted"]


# --- pages ---------------------------------------------------------------------------------------------------


def test_the_owner_adds_evidence_and_the_opcc_accepts_through_the_pages(
    item: InspectionRecommendation, people: dict[str, Any], client_for: Any
) -> None:
    owner = client_for(user=people["owner"])
    assert "Add an evidence update" in owner.get(f"/commitments/recommendations/{item.pk}/").content.decode()
    response = owner.post(
        f"/commitments/recommendations/{item.pk}/evidence/",
        {"date": TODAY.isoformat(), "text": "Forum held.", "status": "implemented"},
    )
    assert response.status_code == 302
    opcc = client_for(user=people["opcc"])
    detail = opcc.get(f"/commitments/recommendations/{item.pk}/").content.decode()
    assert "Decide on the evidence" in detail and "Forum held." in detail
    refused = opcc.post(f"/commitments/recommendations/{item.pk}/decision/", {"decision": "return", "comment": ""})
    assert refused.status_code == 400 and "Enter the reason for returning the evidence" in refused.content.decode()
    assert opcc.post(f"/commitments/recommendations/{item.pk}/decision/", {"decision": "accept"}).status_code == 302
    item.refresh_from_db()
    assert item.status == RecommendationStatus.EVIDENCE_ACCEPTED


def test_the_tracker_list_shows_reports_and_items_and_downloads_them(people: dict[str, Any], client_for: Any) -> None:
    commitment = CommitmentFactory(action_ref="43")
    item = InspectionRecommendationFactory(owner=people["owner"], number=9, kind="area_for_improvement", due_date=TODAY)
    item.commitments.set([commitment])
    client = client_for(Role.AUDIT_LEAD)
    page = client.get("/commitments/recommendations/").content.decode()
    assert "Area for improvement 9" in page and "Rachel Moss" in page and "Overdue by" in page
    items = client.get("/commitments/recommendations/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(items.streaming_content).decode("utf-8-sig"))))
    assert rows[1][2:4] == ["9", "Area for improvement"] and rows[1][6:10] == [
        "Rachel Moss",
        TODAY.isoformat(),
        "Not started",
        "43",
    ]
    reports = client.get("/commitments/recommendations/?table=reports&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(reports.streaming_content).decode("utf-8-sig"))))
    assert rows[1][2:4] == ["2022-02-25", "2022-04-22"]
    assert client.get("/commitments/recommendations/?status=closed").status_code == 400


# --- API -----------------------------------------------------------------------------------------------------


def test_the_api_creates_for_the_opcc_and_refuses_others(people: dict[str, Any], api_client_for: Any) -> None:
    report = InspectionReportFactory()
    body = {
        "report": report.pk,
        "number": 3,
        "kind": "cause_of_concern",
        "text": "Supervision.",
        "owner": people["owner"].pk,
    }
    assert (
        api_client_for(user=people["owner"])
        .post("/api/v1/inspection-recommendations/", body, format="json")
        .status_code
        == 403
    )
    response = api_client_for(user=people["opcc"]).post("/api/v1/inspection-recommendations/", body, format="json")
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["owner_name"]) == ("not_started", "Rachel Moss")
    duplicate = api_client_for(user=people["opcc"]).post("/api/v1/inspection-recommendations/", body, format="json")
    assert duplicate.status_code == 400
    bad = api_client_for(user=people["opcc"]).post(
        "/api/v1/inspection-recommendations/", {**body, "number": 4, "report": 10**25}, format="json"
    )
    assert bad.status_code == 400 and "report" in bad.json()["errors"]


def test_the_api_workflow_answers_400_for_a_wrong_step(
    item: InspectionRecommendation, people: dict[str, Any], api_client_for: Any
) -> None:
    owner, opcc = api_client_for(user=people["owner"]), api_client_for(user=people["opcc"])
    url = f"/api/v1/inspection-recommendations/{item.pk}"
    early = opcc.post(f"{url}/accept/", {}, format="json")
    assert early.status_code == 400 and "once the owner has marked it implemented" in early.json()["message"]
    no_evidence = owner.post(f"{url}/status/", {"status": "implemented"}, format="json")
    assert no_evidence.status_code == 400
    added = owner.post(f"{url}/evidence/", {"text": "Forum held.", "status": "implemented"}, format="json")
    assert added.status_code == 201 and added.json()["status"] == "implemented"
    assert [e["kind"] for e in added.json()["evidence"]] == ["update"]
    assert opcc.post(f"{url}/return/", {"comment": "Attach minutes."}, format="json").json()["status"] == "in_progress"
    assert opcc.patch(f"{url}/", {"status": "evidence_accepted"}, format="json").json()["status"] == "in_progress"


def test_the_report_api_gives_the_deadline(people: dict[str, Any], api_client_for: Any) -> None:
    body = {"title": "PEEL 2025", "published_on": "2025-06-01"}
    data = api_client_for(user=people["admin"]).post("/api/v1/inspection-reports/", body, format="json").json()
    assert data["response_deadline"] == "2025-07-27"  # 1 June + 56 days: 29 to 30 June, 27 in July
    assert (
        api_client_for(user=people["chair"]).post("/api/v1/inspection-reports/", body, format="json").status_code == 403
    )


# --- the data migration ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_recommendations_become_tracker_items_with_their_statuses_mapped() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("commitments", "0001_initial")])
    old = executor.loader.project_state([("commitments", "0001_initial")]).apps
    Old = old.get_model("commitments", "InspectionRecommendation")
    for number, status in ((1, "open"), (2, "in_progress"), (3, "implemented"), (4, "closed")):
        Old.objects.create(
            report="Rape inspection", report_date=date(2022, 2, 25), number=number, text="t", status=status
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    items = InspectionRecommendation.objects.select_related("report").order_by("number")
    assert [i.status for i in items] == ["not_started", "in_progress", "implemented", "evidence_accepted"]
    assert {(i.report.title, i.report.published_on) for i in items} == {("Rape inspection", date(2022, 2, 25))}
    assert RecommendationEvidenceFactory._meta.model.objects.count() == 0


def test_an_item_past_its_due_date_is_overdue_until_implemented(people: dict[str, Any], client_for: Any) -> None:
    late = InspectionRecommendationFactory(owner=people["owner"], due_date=TODAY - timedelta(days=1))
    assert late.is_overdue(TODAY) and not late.is_overdue(TODAY - timedelta(days=1))
    page = client_for(Role.OPCC_SCRUTINY).get("/commitments/recommendations/").content.decode()
    assert page.count('govuk-tag--red">Overdue</strong>') == 1
    RecommendationEvidenceFactory(recommendation=late)
    late.status = RecommendationStatus.IMPLEMENTED
    assert not late.is_overdue(TODAY)
