"""The register pages: filters, sorting, pagination, export, detail, forms and the upload page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from html import unescape as html_unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Flag, Investigation, LocalPolicingArea, ProtectiveOrder, Team
from tests.cases.conftest import HEADER
from tests.cases.factories import CpsReferralFactory, InvestigationFactory, OrderBreachFactory

FUTURE = (timezone.localdate() + timedelta(days=30)).isoformat()  # a fixed date would turn past one day

pytestmark = pytest.mark.django_db


@pytest.fixture
def register() -> dict[str, Investigation]:
    coventry = LocalPolicingArea.objects.get(code="coventry")
    da_team = Team.objects.get(code="domestic_abuse")
    cases = {
        "open_rape": InvestigationFactory(crime_reference="20/000001/25", recorded_date=date(2025, 5, 1)),
        "charged": InvestigationFactory(
            crime_reference="20/000002/25",
            recorded_date=date(2025, 6, 1),
            outcome_type="1",
            outcome_date=date(2025, 9, 1),
        ),
        "convicted": InvestigationFactory(
            crime_reference="20/000003/24",
            recorded_date=date(2024, 6, 1),
            outcome_type="1",
            outcome_date=date(2024, 9, 1),
            court_outcome="convicted",
            court_outcome_date=date(2025, 3, 1),
        ),
        "da": InvestigationFactory(
            crime_reference="20/000004/25",
            strand="domestic_abuse",
            offence_group="coercive_control",
            lpa=coventry,
            team=da_team,
            recorded_date=date(2025, 7, 1),
            outcome_type="16",
            outcome_date=date(2025, 8, 1),
        ),
    }
    cases["da"].flags.set([Flag.objects.get(code="coercive_control")])
    return cases


def _references(response: Any) -> list[str]:
    return [inv["crime_reference"] for inv in response.context["page_obj"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("strand=domestic_abuse", ["20/000004/25"]),
        ("offence_group=rape&ordering=crime_reference", ["20/000001/25", "20/000002/25", "20/000003/24"]),
        ("lpa=coventry", ["20/000004/25"]),
        ("lpa=Coventry", ["20/000004/25"]),
        ("team=domestic_abuse", ["20/000004/25"]),
        ("outcome_type=16", ["20/000004/25"]),
        ("outcome_type=open", ["20/000001/25"]),
        ("phase=pre_charge", ["20/000001/25"]),
        ("phase=post_charge", ["20/000002/25"]),
        ("phase=finalised&ordering=crime_reference", ["20/000003/24", "20/000004/25"]),
        ("flag=coercive_control", ["20/000004/25"]),
        ("recorded_from=2025-05-15&recorded_to=2025-06-30", ["20/000002/25"]),
        ("outcome_from=2025-08-01&outcome_to=2025-08-31", ["20/000004/25"]),
        ("q=000003", ["20/000003/24"]),
    ],
)
def test_the_list_filters(client_for: Any, register: Any, query: str, expected: list[str]) -> None:
    response = client_for("audit_lead").get(f"/cases/?{query}")
    assert response.status_code == 200
    assert _references(response) == expected


def test_the_list_sorts_both_ways(client_for: Any, register: Any) -> None:
    client = client_for("board_chair")
    ascending = _references(client.get("/cases/?ordering=recorded_date"))
    descending = _references(client.get("/cases/?ordering=-recorded_date"))
    assert ascending == ["20/000003/24", "20/000001/25", "20/000002/25", "20/000004/25"]
    assert descending == list(reversed(ascending))


def test_a_bad_filter_value_shows_an_error_not_a_500(client_for: Any, register: Any) -> None:
    response = client_for("case_editor").get("/cases/?lpa=atlantis&recorded_from=yesterday")
    assert response.status_code == 400
    assert "investigation-table" not in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert "not a known local policing area" in response.content.decode()


def _table_rows(html: str) -> list[list[str]]:
    """The register table's body rows, each a list of its cells' text (tags dropped, space collapsed)."""
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in body.split("</tr>")[:-1]:
        cells = [re.sub(r"<[^>]+>", "", cell.split("</td>", 1)[0]) for cell in row.split("<td")[1:]]
        rows.append([" ".join(html_unescape(cell.split(">", 1)[1]).split()) for cell in cells])
    return rows


def test_each_row_shows_labels_names_dates_phase_and_flags_as_words(client_for: Any, register: Any) -> None:
    # 20/000004/25: domestic abuse, coercive control, Coventry, the DA team, outcome 16, flagged coercive
    # control; two more flags are added after it, so the names are listed by name, not as they were added.
    # 20/000001/25: Birmingham RASSO, still open, no flags.
    register["da"].flags.add(Flag.objects.get(code="stalking"), Flag.objects.get(code="ai_generated"))
    unplaced = InvestigationFactory(crime_reference="20/000005/25", recorded_date=date(2025, 4, 2), unplaced=True)
    response = client_for("audit_lead").get("/cases/?ordering=crime_reference")
    rows = {row[0]: row for row in _table_rows(response.content.decode())}
    da_flags = ", ".join(sorted(flag.name for flag in register["da"].flags.all()))
    assert rows["20/000004/25"] == [
        "20/000004/25",
        "Domestic abuse",
        register["da"].get_offence_group_display(),
        "Coventry",
        Team.objects.get(code="domestic_abuse").name,
        "1 July 2025",
        register["da"].get_outcome_type_display(),
        "1 August 2025",
        "Finalised",
        da_flags,
    ]
    assert da_flags == "AI-generated imagery, Coercive control, Stalking"
    assert rows["20/000001/25"][3:] == [
        "Birmingham",
        Team.objects.get(code="rasso").name,
        "1 May 2025",
        "Open",
        "—",
        "Pre-charge",
        "—",
    ]
    assert rows[unplaced.crime_reference][3:5] == ["—", "—"]
    assert f'href="/cases/{unplaced.pk}/"' in response.content.decode()


def test_the_list_paginates_with_a_constant_number_of_queries(
    client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for("case_editor")
    for n in range(60):
        inv = InvestigationFactory(crime_reference=f"20/{n:06d}/24")
        inv.flags.set(Flag.objects.all()[:2])
    with django_assert_max_num_queries(10):
        first = client.get("/cases/")
    with django_assert_max_num_queries(10):
        second = client.get("/cases/?page=2")
    assert len(first.context["page_obj"]) == 50
    assert len(second.context["page_obj"]) == 10


def test_the_filtered_list_exports_as_csv_that_the_import_accepts(client_for: Any, register: Any) -> None:
    CpsReferralFactory(investigation=register["da"], referral_date=date(2025, 7, 10))
    response = client_for("audit_lead").get("/cases/?strand=domestic_abuse&format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="investigations.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["crime_reference"] for r in rows] == ["20/000004/25"]
    assert rows[0]["lpa"] == "coventry" and rows[0]["flags"] == "coercive_control"
    assert rows[0]["cps_referral_date"] == "2025-07-10"

    from cases.importer import import_investigations

    path = io.BytesIO(text.encode("utf-8"))
    result = import_investigations(source=path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_the_filtered_list_exports_as_xlsx(client_for: Any, register: Any) -> None:
    response = client_for("board_chair").get("/cases/?phase=finalised&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "crime_reference"
    assert sorted(row[0] for row in values[1:]) == ["20/000003/24", "20/000004/25"]


def test_the_detail_page_shows_referrals_orders_breaches_and_history(client_for: Any) -> None:
    breach = OrderBreachFactory()
    investigation = breach.order.investigation
    CpsReferralFactory(
        investigation=investigation, referral_date=date(2025, 6, 2), decision="nfa", decision_date=date(2025, 7, 1)
    )
    page = client_for("audit_lead").get(f"/cases/{investigation.pk}/").content.decode()
    assert "No further action" in page
    assert "Domestic Violence Protection Order" in page
    assert "1 July 2025 (arrest: yes)" in page
    assert "Created" in page
    assert "Change the investigation" not in page  # read-only role


def test_an_editor_creates_and_edits_an_investigation_with_history(client_for: Any) -> None:
    client = client_for("case_editor")
    flag = Flag.objects.get(code="spiking")
    response = client.post(
        "/cases/new/",
        {
            "crime_reference": "20/654321/25",
            "strand": "rasso",
            "offence_group": "rape",
            "victim_age_group": "adult",
            "lpa": LocalPolicingArea.objects.get(code="walsall").pk,
            "recorded_date": "2025-05-01",
            "flags": [flag.pk],
        },
    )
    investigation = Investigation.objects.get(crime_reference="20/654321/25")
    assert response.status_code == 302 and response["Location"] == f"/cases/{investigation.pk}/"
    assert list(investigation.flags.all()) == [flag]
    response = client.post(
        f"/cases/{investigation.pk}/edit/",
        {
            "strand": "rasso",
            "offence_group": "rape",
            "victim_age_group": "adult",
            "recorded_date": "2025-05-01",
            "outcome_type": "1",
            "outcome_date": "2025-10-01",
        },
    )
    assert response.status_code == 302
    investigation.refresh_from_db()
    assert investigation.outcome_type == "1" and investigation.lpa is None
    assert investigation.flags.count() == 0
    assert investigation.history.first().history_user == client.user
    page = client.get(f"/cases/{investigation.pk}/").content.decode()
    assert "Outcome type" in page and "→ 1" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"outcome_date": "2025-10-01"}, "outcome_type", "Outcome type: an outcome date needs an outcome type"),
        (
            {"outcome_type": "1", "outcome_date": "2025-04-01"},
            "outcome_date",
            "is before the recorded date (2025-05-01)",
        ),
        ({"arrest_date": "2025-04-30"}, "arrest_date", "is before the recorded date (2025-05-01)"),
        ({"recorded_date": FUTURE}, "recorded_date", f"{FUTURE} is in the future"),
    ],
)
def test_the_form_refuses_broken_rules(client_for: Any, changes: dict, field: str, message: str) -> None:
    data = {
        "crime_reference": "20/111111/25",
        "strand": "rasso",
        "offence_group": "rape",
        "victim_age_group": "adult",
        "recorded_date": "2025-05-01",
        **changes,
    }
    response = client_for("case_editor").post("/cases/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Investigation.objects.exists()


def test_an_editor_adds_a_referral_an_order_and_a_breach(client_for: Any) -> None:
    client = client_for("case_editor")
    investigation = InvestigationFactory(recorded_date=date(2025, 5, 1))
    assert client.post(f"/cases/{investigation.pk}/referrals/new/", {"referral_date": "2025-06-01"}).status_code == 302
    response = client.post(f"/cases/{investigation.pk}/referrals/new/", {"referral_date": "2025-04-01"})
    assert response.status_code == 400 and "is before the recorded date (2025-05-01)" in response.content.decode()
    client.post(
        f"/cases/{investigation.pk}/orders/new/",
        {"order_type": "spo", "applied_date": "2025-06-05", "granted_date": "2025-06-10"},
    )
    order = investigation.orders.get()
    client.post(f"/cases/orders/{order.pk}/breaches/new/", {"breach_date": "2025-07-01", "arrest_made": "no"})
    assert order.breaches.get().arrest_made is False
    # an order not granted cannot be breached
    pending = ProtectiveOrder.objects.create(
        investigation=investigation, order_type="sro", applied_date=date(2025, 6, 20)
    )
    response = client.post(f"/cases/orders/{pending.pk}/breaches/new/", {"breach_date": "2025-07-01"})
    assert (
        response.status_code == 400 and "an order that was not granted cannot be breached" in response.content.decode()
    )
    assert investigation.referrals.count() == 1


def test_a_rule_only_the_service_checks_is_shown_in_the_error_summary(client_for: Any) -> None:
    # The form leaves out the investigation, so only the service's full_clean sees the duplicate date.
    client = client_for("case_editor")
    investigation = CpsReferralFactory(referral_date=date(2025, 6, 1)).investigation
    response = client.post(f"/cases/{investigation.pk}/referrals/new/", {"referral_date": "2025-06-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "<li>CPS referral with this Investigation and Referral date already exists.</li>" in page
    assert investigation.referrals.count() == 1


def test_the_upload_page_lists_every_error_and_imports_nothing(client_for: Any) -> None:
    content = "\n".join(
        [
            HEADER,
            "20/1/25,rasso,rape,adult,dudley,rasso,2025-05-01,,,,,,,,,,,,,",
            "20/2/25,rasso,rape,adult,mars,,2025-05-01,,,,,,,,,,,,,",
        ]
    )
    response = client_for("case_editor").post(
        "/cases/import/", {"file": SimpleUploadedFile("extract.csv", content.encode(), "text/csv")}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert [(e.row, e.column) for e in response.context["import_errors"]] == [(3, "lpa")]
    assert "&#x27;mars&#x27; is not a known LPA code or name" in page
    assert not Investigation.objects.exists()


def test_the_upload_page_imports_and_summarises(client_for: Any) -> None:
    client = client_for("case_editor")
    content = "\ufeff" + "\n".join([HEADER, "20/1/25,rasso,rape,adult,dudley,rasso,2025-05-01,,,,,,,,,,,,,"])
    response = client.post("/cases/import/", {"file": SimpleUploadedFile("extract.csv", content.encode(), "text/csv")})
    assert response.status_code == 200
    assert response.context["result"].created == 1
    record = Investigation.objects.get().history.get()
    assert record.history_user == client.user


def test_the_upload_page_asks_for_a_file(client_for: Any) -> None:
    response = client_for("case_editor").post("/cases/import/", {})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize("role", ["audit_lead", "board_chair"])
def test_readers_cannot_change_anything(client_for: Any, register: Any, role: str) -> None:
    client = client_for(role)
    pk = register["open_rape"].pk
    assert client.post(f"/cases/{pk}/edit/", {"strand": "fgm"}).status_code == 403
    assert client.post("/cases/import/", {}).status_code == 403
    assert client.post(f"/cases/{pk}/referrals/new/", {"referral_date": "2025-06-01"}).status_code == 403
    assert Investigation.objects.get(pk=pk).strand == "rasso"


@pytest.mark.parametrize("role", ["opcc_scrutiny", "commitment_lead"])
def test_aggregate_only_roles_get_403_everywhere(client_for: Any, register: Any, role: str) -> None:
    client = client_for(role)
    pk = register["open_rape"].pk
    for path in ("/cases/", "/cases/?format=csv", f"/cases/{pk}/", "/cases/import/", "/cases/new/"):
        assert client.get(path).status_code == 403, path


def test_the_home_page_links_to_the_register(client_for: Any) -> None:
    editor_home = client_for("case_editor").get("/").content.decode()
    assert 'href="/cases/import/"' in editor_home and 'href="/cases/"' in editor_home
    assert 'href="/cases/"' in client_for("board_chair").get("/").content.decode()
    assert 'href="/cases/import/"' not in client_for("audit_lead").get("/").content.decode()


def test_the_filter_form_offers_a_renamed_area_at_once(client_for: Any, register: Any) -> None:
    """The register's filter fields are remembered per process (oversight.forms.rendered_fields); reference
    data edited between two requests is on the second page, not a stale copy."""
    client = client_for("case_editor")
    assert "Coventry" in client.get("/cases/").content.decode()
    LocalPolicingArea.objects.filter(code="coventry").update(name="Coventry and Warwick")
    html = client.get("/cases/").content.decode()
    assert '<option value="coventry">Coventry and Warwick</option>' in html
