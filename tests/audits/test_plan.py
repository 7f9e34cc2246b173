"""The annual audit plan and its coverage: planned vs done vs overdue per area per month, with RAG."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audits import selectors, services
from audits.models import PlannedAudit
from oversight.errors import ApplicationError
from oversight.roles import Role

from .factories import AuditFactory, QuestionSetFactory

pytestmark = pytest.mark.django_db
YEAR = "2025-26"
TODAY = date(2025, 11, 30)  # audits of September 2025 and earlier are overdue when not done


def _item(lead: Any, month: date, *, area: str = "rasso", kind: str = "monthly", theme: str = "", status: str = ""):
    item = services.plan_item_add(
        actor=lead, financial_year=YEAR, kind=kind, area=area, theme=theme, month=month, sample_size=6
    )
    if status:
        signed = {"signed_off_at": timezone.now(), "assurance_level": "reasonable"} if status == "signed_off" else {}
        item.audit = AuditFactory(
            lead_auditor=lead, kind=kind, area=area, theme=theme, month=month, status=status, **signed
        )
        item.save()
    return item


@pytest.fixture
def plan(lead: Any) -> None:
    """RASSO every month; domestic abuse April and May; one thematic audit; one QATT; an unplanned child abuse audit."""
    states = {4: "signed_off", 5: "submitted", 6: "in_progress", 10: "in_progress"}
    for month in range(1, 13):
        day = date(2025 if month >= 4 else 2026, month, 1)
        _item(lead, day, status=states.get(month, ""))
    for month in (4, 5):
        _item(lead, date(2025, month, 1), area="domestic_abuse", status="signed_off")
    _item(lead, date(2025, 8, 1), area="rasso", kind="thematic", theme="Victim withdrawal in rape cases")
    _item(lead, date(2026, 2, 1), area="", kind="qatt", theme="Victims' Code compliance")
    AuditFactory(lead_auditor=lead, area="child_abuse", month=date(2025, 5, 1), status="submitted")


def test_coverage_counts_planned_done_and_overdue_per_area(plan: None) -> None:
    coverage = selectors.plan_coverage(financial_year=YEAR, today=TODAY)
    rows = {row["key"]: row for row in coverage["rows"]}
    assert list(rows) == ["rasso", "domestic_abuse", "child_abuse", "thematic", "qatt"]

    rasso = rows["rasso"]
    # 12 planned; done April (signed off) and May (submitted); June is in progress but late, July,
    # August and September never started: 4 overdue; October in progress and not yet due.
    assert (rasso["planned"], rasso["done"], rasso["overdue"], rasso["in_progress"]) == (12, 2, 4, 2)
    assert rasso["due"] == 6 and rasso["done_pct"] == 33.3  # 2 of the 6 months due (April to September)
    assert rasso["rag"] == "RED"
    assert [c["status"] for c in rasso["cells"][:8]] == [
        "done",
        "done",
        "overdue",
        "overdue",
        "overdue",
        "overdue",
        "in_progress",
        "planned",
    ]
    assert (rows["domestic_abuse"]["done"], rows["domestic_abuse"]["rag"]) == (2, "GREEN")
    assert (rows["thematic"]["overdue"], rows["thematic"]["rag"]) == (1, "AMBER")  # August, not started
    assert (rows["qatt"]["due"], rows["qatt"]["rag"]) == (0, None)  # February 2026 is not due yet
    assert (rows["child_abuse"]["planned"], rows["child_abuse"]["unplanned"]) == (0, 1)
    # Totals: 12 + 2 + 1 + 1 = 16 planned; 4 done; 4 + 1 = 5 overdue.
    totals = coverage["totals"]
    assert (totals["planned"], totals["done"], totals["overdue"], totals["rag"]) == (16, 4, 5, "RED")
    assert coverage["by_month"][4] == {  # August 2025: RASSO monthly and the thematic audit, both overdue
        "month": "2025-08",
        "planned": 2,
        "done": 0,
        "in_progress": 0,
        "overdue": 2,
        "due": 2,
        "sample": 12,
    }


def test_coverage_is_two_queries(plan: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):
        selectors.plan_coverage(financial_year=YEAR, today=TODAY)


def test_planning_an_audit_links_it_to_its_plan_entry(lead: Any) -> None:
    item = _item(lead, date(2025, 7, 1))
    audit = services.audit_plan(
        actor=lead, kind="monthly", area="rasso", month=date(2025, 7, 1), question_set=QuestionSetFactory()
    )
    item.refresh_from_db()
    assert item.audit == audit
    with pytest.raises(ApplicationError, match="has started"):
        services.plan_item_remove(item=item, actor=lead)


def test_a_plan_entry_must_fall_in_its_year_and_not_repeat(lead: Any) -> None:
    with pytest.raises(ApplicationError, match="not in the financial year 2025-26"):
        _item(lead, date(2026, 4, 1))
    _item(lead, date(2025, 4, 1))
    with pytest.raises(ApplicationError, match="already in the plan"):
        _item(lead, date(2025, 4, 1))
    with pytest.raises(ApplicationError, match="needs a theme"):
        _item(lead, date(2025, 5, 1), kind="qatt", area="")
    assert PlannedAudit.objects.count() == 1


def test_filling_the_year_plans_each_area_every_month_once(lead: Any) -> None:
    _item(lead, date(2025, 6, 1))
    added = services.plan_fill_monthly(
        actor=lead, financial_year=YEAR, areas=["rasso", "missing_people"], sample_size=8
    )
    assert len(added) == 23  # 2 areas × 12 months, less the RASSO June already planned
    assert services.plan_fill_monthly(actor=lead, financial_year=YEAR, areas=["rasso"], sample_size=8) == []


@pytest.mark.parametrize("role", [Role.CASE_EDITOR, Role.OPCC_SCRUTINY, Role.BOARD_CHAIR])
def test_only_audit_leads_change_the_plan(role: Role, make_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.plan_item_add(
            actor=make_user(role), financial_year=YEAR, kind="monthly", area="rasso", month=date(2025, 4, 1)
        )


def test_the_opcc_reads_the_plan_and_its_download(plan: None, client_for: Any, lead: Any) -> None:
    client = client_for(Role.OPCC_SCRUTINY)
    html = client.get(f"/audits/plan/{YEAR}/").content.decode()
    assert 'data-testid="coverage-table"' in html and "Victim withdrawal in rape cases" in html
    assert 'data-testid="plan-add"' not in html
    csv = b"".join(client.get(f"/audits/plan/{YEAR}/?table=coverage&format=csv").streaming_content).decode()
    assert csv.splitlines()[1].startswith("RASSO,Done,Done,Overdue")


def test_a_malformed_year_is_not_found(client_for: Any) -> None:
    assert client_for(Role.AUDIT_LEAD).get("/audits/plan/2025-27/").status_code == 404


def test_a_lead_adds_to_the_plan_through_the_page(client_for: Any, lead: Any) -> None:
    client = client_for(user=lead)
    body = {"kind": "thematic", "area": "rasso", "theme": "Victim withdrawal", "month": "2025-09", "sample_size": 15}
    response = client.post(f"/audits/plan/{YEAR}/items/new/", body)
    assert response.status_code == 302
    item = PlannedAudit.objects.get()
    assert (item.theme, item.sample_size, item.plan.financial_year) == ("Victim withdrawal", 15, YEAR)
    start = client.get(f"/audits/new/?plan_item={item.pk}").content.decode()
    assert 'value="Victim withdrawal"' in start


def test_the_monthly_summary_lists_the_plan_of_its_month(plan: None) -> None:
    rows = selectors.plan_for_month(month=date(2025, 8, 1), today=TODAY)
    assert [(r["audit"], r["state"]) for r in rows] == [
        ("RASSO", "overdue"),
        ("Victim withdrawal in rape cases", "overdue"),
    ]
