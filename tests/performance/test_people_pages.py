"""Pages for repeat victims and suspects, bail and RUI, and disproportionality: links for case roles,
counts only for OPCC users, the small-group rule on the page and in its download."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from oversight.disclosure import FEWER_THAN
from oversight.roles import Role
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

pytestmark = pytest.mark.django_db

WINDOW = {"date_from": "2025-04-01", "date_to": "2025-06-30"}


@pytest.fixture
def data() -> None:
    """P = 2025-04-01 … 06-30.

    Victim V1: three investigations recorded in P (04-10, 05-10, 06-10: two in 2025-26-Q1 … all three);
    victim V2: one in P and one before it (2025-03-01): not a repeat victim in P.
    Suspect S1: two investigations in P (04-10, 05-10); both female victims aged 20.
    11 more female victims aged 30, recorded 05-01, open (female: 14 investigations in P; male: 1).
    One male victim (V2, recorded 05-01).
    Bail: the 06-10 investigation bailed from 06-01 to 07-05 (expires within 14 days of 06-30);
    another bailed from 05-01 to 08-30 (not expiring in 14 days).
    """
    InvestigationFactory(
        unplaced=True, recorded_date="2025-04-10", victim_id="V1", suspect_id="S1", victim_sex="female", victim_age=20
    )
    InvestigationFactory(
        unplaced=True, recorded_date="2025-05-10", victim_id="V1", suspect_id="S1", victim_sex="female", victim_age=20
    )
    InvestigationFactory(
        unplaced=True,
        crime_reference="20/900001/25",
        recorded_date="2025-06-10",
        victim_id="V1",
        victim_sex="female",
        bail_start_date="2025-06-01",
        bail_expiry_date="2025-07-05",
    )
    InvestigationFactory(unplaced=True, recorded_date="2025-05-01", victim_id="V2", victim_sex="male")
    InvestigationFactory(unplaced=True, recorded_date="2025-03-01", victim_id="V2", victim_sex="male")
    for _ in range(11):
        InvestigationFactory(unplaced=True, recorded_date="2025-05-01", victim_sex="female", victim_age=30)
    InvestigationFactory(
        unplaced=True,
        crime_reference="20/900002/25",
        recorded_date="2025-04-01",
        bail_start_date="2025-05-01",
        bail_expiry_date="2025-08-30",
    )


def test_the_dashboard_links_repeat_people_and_expiring_bail_for_case_roles(client_for: Any, data: None) -> None:
    page = client_for(Role.CASE_EDITOR).get("/performance/", WINDOW).content.decode()
    assert 'data-testid="table-repeat_people"' in page and 'data-testid="table-bail"' in page
    assert "/cases/repeat-people/?person=victim&amp;from=2025-04-01&amp;to=2025-06-30" in page
    assert "/cases/bail-expiring/?on=2025-06-30" in page
    assert "1 repeat victim and 1 repeat suspect over the whole period" in page


def test_opcc_users_see_the_counts_without_links(client_for: Any, data: None) -> None:
    response = client_for(Role.OPCC_SCRUTINY).get("/performance/", WINDOW)
    page = response.content.decode()
    assert 'data-testid="table-repeat_people"' in page
    assert "/cases/repeat-people/" not in page and "/cases/bail-expiring/" not in page
    assert "Bail expiring within 14 days of 30 June 2025: 1 investigation." in " ".join(page.split())
    assert "20/9000" not in page  # no crime reference


def test_the_repeat_list_names_people_by_reference_and_links_to_their_investigations(
    client_for: Any, data: None
) -> None:
    client = client_for(Role.BOARD_CHAIR)
    response = client.get("/cases/repeat-people/", {"person": "victim", "from": "2025-04-01", "to": "2025-06-30"})
    assert response.status_code == 200
    page = response.content.decode()
    # V1 (3 in P) is listed; V2 has one investigation in P
    assert ">V1</a>" in page and ">V2</a>" not in page
    link = "/cases/?victim_id=V1&amp;recorded_from=2025-04-01&amp;recorded_to=2025-06-30"
    assert link in page
    register = client.get(link.replace("&amp;", "&")).content.decode()
    assert register.count("/cases/") and "20/900001/25" in register
    register_count = client.get(
        "/cases/", {"victim_id": "V1", "recorded_from": "2025-04-01", "recorded_to": "2025-06-30"}
    )
    assert register_count.context["page_obj"].paginator.count == 3
    suspects = client.get("/cases/repeat-people/", {"person": "suspect", "from": "2025-05-01", "to": "2025-06-30"})
    assert suspects.context["page_obj"].paginator.count == 0  # S1's second investigation only


def test_the_lists_refuse_opcc_and_bad_input(client_for: Any, data: None) -> None:
    opcc = client_for(Role.OPCC_SCRUTINY)
    assert opcc.get("/cases/repeat-people/").status_code == 403
    assert opcc.get("/cases/bail-expiring/").status_code == 403
    client = client_for(Role.CASE_EDITOR)
    response = client.get("/cases/repeat-people/", {"person": "witness", "from": "2025-13-01", "strand": "nope"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "person: &#x27;witness&#x27; is not victim or suspect." in page
    assert "from:" in page and "strand:" in page
    assert client.get("/cases/bail-expiring/", {"on": "yesterday"}).status_code == 400


def test_the_bail_list_shows_the_bails_expiring_within_14_days(client_for: Any, data: None) -> None:
    response = client_for(Role.AUDIT_LEAD).get("/cases/bail-expiring/", {"on": "2025-06-30"})
    page = response.content.decode()
    assert "20/900001/25" in page and "20/900002/25" not in page
    assert response.context["page_obj"].paginator.count == 1


def test_the_disproportionality_page_withholds_small_groups_from_opcc_only(client_for: Any, data: None) -> None:
    # victims by sex in P: female 14, male 1 (V2), not recorded 1 (the 20/900002/25 bail case)
    opcc = client_for(Role.OPCC_SCRUTINY).get("/performance/disproportionality/", WINDOW)
    assert opcc.status_code == 200
    sex = next(t for t in opcc.context["tables"] if t.key == "victim_sex")
    assert sex.rows[0][:3] == ["Female", 14, 14]
    assert sex.rows[1] == ["Male", *([FEWER_THAN] * 11)]
    full = client_for(Role.CASE_EDITOR).get("/performance/disproportionality/", WINDOW)
    sex = next(t for t in full.context["tables"] if t.key == "victim_sex")
    assert sex.rows[1][:3] == ["Male", 1, 1]
    csv = client_for(Role.OPCC_SCRUTINY).get(
        "/performance/disproportionality/", {**WINDOW, "format": "csv", "table": "victim_sex"}
    )
    body = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode()
    assert "Male,fewer than 10" in body and "Female,14,14" in body


def test_the_disproportionality_page_refuses_bad_input(client_for: Any) -> None:
    client = client_for(Role.CASE_EDITOR)
    assert (
        client.get("/performance/disproportionality/", {"date_from": "2025-07-01", "date_to": "2025-06-01"}).status_code
        == 400
    )
    assert (
        client.get("/performance/disproportionality/", {**WINDOW, "format": "csv", "table": "nope"}).status_code == 400
    )


def test_outcome_groups_and_the_funnel_link_to_the_investigations_behind_them(client_for: Any) -> None:
    """P = 2025-04-01 … 06-30: charged (1) 05-01 and (1A) 05-02, withdrawal (16) 05-03, all recorded 04-01;
    one more recorded 04-02, open. Charged/summonsed group: 2; all outcomes: 3; cohort recorded: 4. The
    charge of 05-01 followed an arrest and a CPS referral, and ended in a conviction; the open one has an
    arrest: funnel 4 recorded, 2 arrested, 1 referred, 2 charged, 1 court outcome, 1 convicted."""
    cases = [
        InvestigationFactory(unplaced=True, recorded_date="2025-04-01", outcome_type=code, outcome_date=day)
        for code, day in (("1", "2025-05-01"), ("1A", "2025-05-02"), ("16", "2025-05-03"))
    ]
    charged = cases[0]
    charged.arrest_date, charged.court_outcome, charged.court_outcome_date = (
        date(2025, 4, 3),
        "convicted",
        date(2025, 9, 1),
    )
    charged.save()
    CpsReferralFactory(investigation=charged, referral_date="2025-04-20", decision="charge", decision_date="2025-04-30")
    InvestigationFactory(unplaced=True, recorded_date="2025-04-02", arrest_date="2025-04-05")
    client = client_for(Role.CASE_EDITOR)
    context = client.get("/performance/", WINDOW).context
    groups = context["outcome_group_table"]
    linked = {groups.rows[r][0]: (groups.rows[r][2], url) for (r, _c), url in groups.links.items()}
    assert set(linked) == {"Charged/summonsed", "All outcomes"}
    funnel = context["funnel_table"]
    assert set(funnel.links) == {(row, col) for row in range(6) for col in (1, 3)}  # every stage of each cohort
    stages = [(funnel.rows[r][c], url) for (r, c), url in funnel.links.items()]
    for count, url in [*linked.values(), *stages]:
        listed = client.get(url).context["page_obj"].paginator.count
        assert listed == count, url
    assert [linked["Charged/summonsed"][0], linked["All outcomes"][0]] == [2, 3]
    assert [row[1] for row in funnel.rows] == [4, 2, 1, 2, 1, 1]
    convicted = client.get(funnel.links[(5, 1)])
    assert [inv["pk"] for inv in convicted.context["page_obj"]] == [charged.pk]
    assert "whose court outcome is a conviction" in convicted.content.decode()
    opcc = client_for(Role.OPCC_SCRUTINY).get("/performance/", WINDOW).context
    assert opcc["outcome_group_table"].links == {} and opcc["funnel_table"].links == {}
