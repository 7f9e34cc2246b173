"""The register list at scale: pages read from the nearer end, estimated total only for the full register,
the flag filter without duplicates, the register v2 filters, and a fixed number of queries per page."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models.functions import ExtractYear
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import pagination
from cases.exports import EXPORT_COLUMNS
from cases.models import Flag, HomeOfficeOffence, Investigation
from oversight.concurrency import NEW
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

pytestmark = pytest.mark.django_db


def _populate(count: int) -> list[Investigation]:
    today = date.today()
    return [
        InvestigationFactory(crime_reference=f"30/{n:06d}/24", recorded_date=today - timedelta(days=n % 7))
        for n in range(count)
    ]


def _all_refs(client: Any, query: str = "") -> list[str]:
    """Every reference of the list, page by page through the API."""
    refs: list[str] = []
    page = 1
    while True:
        body = client.get(f"/api/v1/investigations/?page={page}&{query}").json()
        refs += [row["crime_reference"] for row in body["results"]]
        if not body["next"]:
            return refs
        page += 1


@pytest.mark.parametrize("ordering", ["", "ordering=-recorded_date", "ordering=lpa", "ordering=-crime_reference"])
def test_late_pages_read_from_the_end_give_the_same_rows_as_reading_forwards(
    api_client_for: Any, monkeypatch: pytest.MonkeyPatch, ordering: str
) -> None:
    _populate(120)  # pages of 50, 50, 20
    client = api_client_for("audit_lead")
    forwards = _all_refs(client, ordering)
    monkeypatch.setattr(pagination, "MAX_PAGES_FROM_AN_END", 1)  # page 3 is read from the end
    last = client.get(f"/api/v1/investigations/?page=3&{ordering}").json()
    assert [row["crime_reference"] for row in last["results"]] == forwards[100:]
    assert last["count"] == 120 and "count_is_estimate" not in last
    assert len(set(forwards)) == 120


@pytest.mark.parametrize("from_an_end", [2, 200])
@pytest.mark.parametrize("order", [("recorded_date", "crime_reference"), ("-lpa_id", "-crime_reference")])
def test_pages_past_the_first_hold_the_rows_of_the_whole_ordered_list(
    monkeypatch: pytest.MonkeyPatch, order: tuple[str, ...], from_an_end: int
) -> None:
    """Past the first page the page's keys are read first and its rows after (pagination._rows): every
    page, read forwards or from the end, holds exactly its stretch of the whole list, in order, with the
    annotations the API adds."""
    _populate(23)
    monkeypatch.setattr(pagination, "MAX_PAGES_FROM_AN_END", from_an_end)
    queryset = Investigation.objects.order_by(*order).annotate(year=ExtractYear("recorded_date"))
    paginator = pagination.RegisterPaginator(queryset, 5)
    whole = list(queryset.values_list("crime_reference", "year"))
    assert paginator.num_pages == 5
    for number in (1, 2, 4, 5) if from_an_end == 2 else paginator.page_range:  # page 3 is out of reach
        page = paginator.page(number)
        assert [(inv.crime_reference, inv.year) for inv in page] == whole[(number - 1) * 5 : number * 5]


def test_a_page_out_of_reach_is_refused_with_a_reason(api_client_for: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _populate(160)  # four pages; with 1 from each end, pages 2 and 3 are out of reach
    monkeypatch.setattr(pagination, "MAX_PAGES_FROM_AN_END", 1)
    response = api_client_for("audit_lead").get("/api/v1/investigations/?page=2")
    assert response.status_code == 404
    assert "first and last 1 pages" in response.json()["message"]


def test_a_search_matching_fewer_rows_than_a_page_still_asks_for_a_page_of_rows(
    client_for: Any, api_client_for: Any
) -> None:
    # LIMIT 1 for a one-row match made PostgreSQL walk the sort index of the whole table (190 ms at 1M rows).
    _populate(3)
    for client, path in (
        (client_for("audit_lead"), "/cases/?q=000001"),
        (api_client_for("audit_lead"), "/api/v1/investigations/?q=000001"),
    ):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        assert "30/000001/24" in response.content.decode()
        rows = [q["sql"] for q in captured if q["sql"].startswith('SELECT "cases_investigation"."id"')]
        assert len(rows) == 1 and rows[0].endswith("LIMIT 50"), rows


def test_the_page_shows_the_nearest_page_in_reach(client_for: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _populate(160)
    monkeypatch.setattr(pagination, "MAX_PAGES_FROM_AN_END", 1)
    response = client_for("audit_lead").get("/cases/?page=2")
    assert response.status_code == 200 and response.context["page_obj"].number == 1


def test_the_first_and_last_pages_take_the_same_number_of_queries(
    client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for inv in _populate(120):
        inv.flags.set(Flag.objects.all()[:2])
    monkeypatch.setattr(pagination, "MAX_PAGES_FROM_AN_END", 1)
    client = client_for("case_editor")
    flag = Flag.objects.order_by("code").values_list("code", flat=True)[0]
    for query in ("", "ordering=team", "ordering=-outcome_date", f"flag={flag}"):
        counts = []
        for page in (1, 3):  # page 3 is read from the end
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"/cases/?{query}&page={page}").status_code == 200
            counts.append(len(captured))
        assert counts[0] == counts[1] <= 12, query


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's planner's")
def test_only_the_unfiltered_register_shows_an_estimated_total(
    api_client_for: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _populate(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_investigation")
    monkeypatch.setattr(pagination, "ESTIMATE_FROM", 1)
    monkeypatch.setattr(pagination, "ESTIMATE_ROUNDING", 1)
    api = api_client_for("audit_lead")
    full = api.get("/api/v1/investigations/?ordering=lpa").json()
    assert full["count_is_estimate"] is True and full["count"] == 30  # ANALYZE saw every row
    filtered = api.get("/api/v1/investigations/?strand=rasso").json()
    assert filtered["count"] == 30 and "count_is_estimate" not in filtered
    page = client_for("audit_lead").get("/cases/")
    assert "About <strong>30</strong> investigations" in page.content.decode()
    assert "About" not in client_for("audit_lead").get("/cases/?strand=rasso").content.decode()


def test_the_flag_filter_lists_each_investigation_once(api_client_for: Any) -> None:
    flags = list(Flag.objects.all()[:3])
    two = InvestigationFactory(crime_reference="31/000001/24")
    two.flags.set(flags)
    InvestigationFactory(crime_reference="31/000002/24").flags.set(flags[1:2])
    body = api_client_for("audit_lead").get(f"/api/v1/investigations/?flag={flags[0].code}").json()
    assert body["count"] == 1 and [r["crime_reference"] for r in body["results"]] == ["31/000001/24"]


V2_CASES = [
    ("suspect_status", "wanted", "charged"),
    ("da_flag", "yes", "no"),
    ("victim_sex", "male", "female"),
    ("victim_ethnicity", "white_irish", "asian_indian"),
    ("relationship", "ex_partner", "stranger"),
    ("bail_status", "rui", "bail"),
    ("withdrawal_reason", "fear_of_reprisal", "other"),
]


@pytest.mark.parametrize(("name", "wanted", "other"), V2_CASES)
def test_the_register_v2_filters_on_page_and_api(
    api_client_for: Any, client_for: Any, name: str, wanted: str, other: str
) -> None:
    InvestigationFactory(crime_reference="32/000001/24", **{name: wanted})
    InvestigationFactory(crime_reference="32/000002/24", **{name: other})
    InvestigationFactory(crime_reference="32/000003/24")
    body = api_client_for("audit_lead").get(f"/api/v1/investigations/?{name}={wanted}").json()
    assert [r["crime_reference"] for r in body["results"]] == ["32/000001/24"]
    page = client_for("audit_lead").get(f"/cases/?{name}={wanted}")
    assert [inv["crime_reference"] for inv in page.context["page_obj"]] == ["32/000001/24"]


@pytest.mark.parametrize("name", [case[0] for case in V2_CASES] + ["ho_offence_code"])
def test_a_bad_register_v2_filter_value_is_refused_with_a_message(
    api_client_for: Any, client_for: Any, name: str
) -> None:
    response = api_client_for("audit_lead").get(f"/api/v1/investigations/?{name}=nonsense")
    assert response.status_code == 400 and name in response.json()["errors"]
    page = client_for("audit_lead").get(f"/cases/?{name}=nonsense")
    assert page.status_code == 400 and "There is a problem" in page.content.decode()


def test_the_home_office_code_filter_takes_the_code_in_any_case(api_client_for: Any, client_for: Any) -> None:
    code = HomeOfficeOffence.objects.order_by("code").first()
    assert code is not None
    InvestigationFactory(crime_reference="33/000001/24", ho_offence=code)
    InvestigationFactory(crime_reference="33/000002/24")
    body = api_client_for("audit_lead").get(f"/api/v1/investigations/?ho_offence_code={code.code.lower()}").json()
    assert [r["crime_reference"] for r in body["results"]] == ["33/000001/24"]
    page = client_for("audit_lead").get(f"/cases/?ho_offence_code={code.code}")
    assert [inv["crime_reference"] for inv in page.context["page_obj"]] == ["33/000001/24"]


# --- the register's CSV export: one SQL query, streamed -------------------------------------------


def _export(client: Any, query: str) -> tuple[list[dict[str, str]], int]:
    response = client.get(f"/cases/?{query}&format=csv")
    assert response.status_code == 200 and response.streaming
    with CaptureQueriesContext(connection) as captured:
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text))), len(captured)


def _expected_row(inv: Investigation) -> dict[str, str]:
    """What the export must say about ``inv``, worked out from the model objects."""
    latest = inv.referrals.order_by("referral_date", "id").last()
    values: dict[str, Any] = {
        **{name: getattr(inv, name) for name in EXPORT_COLUMNS if hasattr(inv, name) and name not in ("lpa", "team")},
        "lpa": inv.lpa.code if inv.lpa else "",
        "team": inv.team.code if inv.team else "",
        "cps_referral_date": latest.referral_date if latest else "",
        "cps_decision": latest.decision if latest else "",
        "cps_decision_date": latest.decision_date if latest else "",
        "flags": ";".join(sorted(inv.flags.values_list("code", flat=True))),
        "ho_offence_code": inv.ho_offence_id or "",
    }
    return {name: "" if values[name] is None else str(values[name]) for name in EXPORT_COLUMNS}


def test_the_csv_export_has_the_latest_referral_and_sorted_flags_in_one_query(client_for: Any) -> None:
    ho = HomeOfficeOffence.objects.order_by("code").first()
    first = InvestigationFactory(
        crime_reference="34/000001/24",
        recorded_date=date(2025, 4, 1),
        ho_offence=ho,
        da_flag="yes",
        victim_sex="female",
        victim_age=30,
        relationship="partner",
        suspect_status="arrested",
    )
    first.flags.set(Flag.objects.order_by("-code")[:3])
    CpsReferralFactory(
        investigation=first, referral_date=date(2025, 5, 1), decision="nfa", decision_date=date(2025, 5, 9)
    )
    CpsReferralFactory(
        investigation=first, referral_date=date(2025, 6, 1), decision="further_evidence", decision_date=date(2025, 6, 5)
    )
    second = InvestigationFactory(crime_reference="34/000002/24", recorded_date=date(2025, 4, 2), lpa=None, team=None)
    InvestigationFactory(crime_reference="34/000003/24", strand="domestic_abuse", offence_group="violence")
    client = client_for("audit_lead")
    rows, queries = _export(client, "strand=rasso&ordering=recorded_date")
    assert [r["crime_reference"] for r in rows] == ["34/000001/24", "34/000002/24"]
    assert rows == [_expected_row(first), _expected_row(second)]
    assert rows[0]["cps_decision"] == "further_evidence" and rows[0]["flags"].count(";") == 2
    assert queries <= 1  # one SELECT (on PostgreSQL a COPY, which the query log does not show)
    for n in range(20):
        InvestigationFactory(crime_reference=f"35/{n:06d}/24").flags.set(Flag.objects.all()[:2])
    everything, queries = _export(client, "")
    assert len(everything) == 23 and queries <= 1


def test_the_drilldown_export_lists_the_same_investigations_as_the_page(client_for: Any) -> None:
    today = date.today()
    for n in range(5):
        InvestigationFactory(crime_reference=f"36/{n:06d}/24", recorded_date=today - timedelta(days=n))
    query = f"measure=recorded_offences&from={today - timedelta(days=2)}&to={today}"
    client = client_for("audit_lead")
    page = client.get(f"/cases/?{query}")
    rows, _ = _export(client, query)
    assert [r["crime_reference"] for r in rows] == [inv["crime_reference"] for inv in page.context["page_obj"]]
    assert len(rows) == 3


def test_the_api_list_reads_home_office_codes_without_a_query_per_row(api_client_for: Any) -> None:
    codes = list(HomeOfficeOffence.objects.order_by("code")[:2])
    client = api_client_for("audit_lead")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/investigations/").status_code == 200
        return len(captured)

    InvestigationFactory(crime_reference="37/000000/24", ho_offence=codes[0])
    few = queries()
    for n in range(1, 20):
        InvestigationFactory(crime_reference=f"37/{n:06d}/24", ho_offence=codes[n % 2])
    assert queries() == few
    body = client.get("/api/v1/investigations/?ordering=crime_reference").json()
    assert body["results"][0]["ho_offence_code"] == codes[0].code


def test_the_api_list_gives_rows_without_history_a_version_without_a_query_each(api_client_for: Any) -> None:
    """Rows written in bulk (the benchmark generator) have no history row: still no query per row."""
    client = api_client_for("audit_lead")
    InvestigationFactory(crime_reference="38/000000/24")
    Investigation.history.all().delete()
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/investigations/")
    for n in range(1, 10):
        InvestigationFactory(crime_reference=f"38/{n:06d}/24")
    Investigation.history.all().delete()
    with CaptureQueriesContext(connection) as ten:
        body = client.get("/api/v1/investigations/").json()
    assert len(ten) == len(one) and body["count"] == 10
    assert {row["version"] for row in body["results"]} == {NEW}


# --- large XLSX downloads: built in the background ------------------------------------------------


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Any) -> None:
    from cases import exports, tasks

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(exports, "XLSX_INLINE_ROWS", 2)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    # Built at once in the test, whatever the broker (a worker does it in production).
    monkeypatch.setattr(tasks.build_register_xlsx, "delay", lambda job_id: tasks.build_register_xlsx.apply((job_id,)))


def test_a_large_xlsx_is_built_in_the_background_and_downloaded_by_its_owner_only(
    client_for: Any, small_threshold: None, django_capture_on_commit_callbacks: Any
) -> None:
    from openpyxl import load_workbook

    from cases.models import ExportJob
    from oversight.models import AccessKind, AccessLogEntry

    for n in range(3):
        InvestigationFactory(crime_reference=f"39/{n:06d}/24", recorded_date=date(2025, 4, 1 + n))
    InvestigationFactory(crime_reference="39/999999/24", strand="domestic_abuse", offence_group="violence")
    owner = client_for("audit_lead")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.get("/cases/?strand=rasso&ordering=recorded_date&format=xlsx")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/exports/{job.token}/"
    assert job.status == ExportJob.Status.READY and job.rows_total == 3 and job.rows_done == 3
    page = owner.get(response["Location"])
    assert page.status_code == 200 and "export-download" in page.content.decode()

    download = owner.get(f"/cases/exports/{job.token}/download/")
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    assert 'filename="investigations.xlsx"' in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(EXPORT_COLUMNS)
    csv_rows, _ = _export(owner, "strand=rasso&ordering=recorded_date")
    assert (
        [r[0] for r in rows[1:]]
        == [r["crime_reference"] for r in csv_rows]
        == [
            "39/000000/24",
            "39/000001/24",
            "39/000002/24",
        ]
    )
    assert AccessLogEntry.objects.filter(
        kind=AccessKind.INVESTIGATION_EXPORT, path=f"/cases/exports/{job.token}/download/"
    ).exists()

    someone_else = client_for("audit_lead")
    assert someone_else.get(f"/cases/exports/{job.token}/").status_code == 404
    assert someone_else.get(f"/cases/exports/{job.token}/download/").status_code == 404
    assert client_for("opcc_scrutiny").get(f"/cases/exports/{job.token}/download/").status_code == 403


def test_a_small_xlsx_is_still_sent_at_once(client_for: Any, small_threshold: None) -> None:
    InvestigationFactory(crime_reference="40/000001/24")
    response = client_for("audit_lead").get("/cases/?format=xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')


def test_old_export_files_are_deleted(make_user: Any, settings: Any, tmp_path: Any) -> None:
    from cases import exports
    from cases.models import ExportJob

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "exports").mkdir()
    user = make_user("audit_lead")
    jobs = []
    for age in (exports.EXPORT_KEEP_HOURS + 1, 1):
        job = ExportJob.objects.create(user=user, filename="investigations", path=f"exports/{age}.xlsx")
        (tmp_path / job.path).write_bytes(b"x")
        ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=age))
        jobs.append(job)
    assert exports.delete_old_exports() == 1
    assert list(ExportJob.objects.all()) == [jobs[1]]
    assert not (tmp_path / jobs[0].path).exists() and (tmp_path / jobs[1].path).exists()


def test_the_csv_export_neutralises_formulas_and_keeps_empty_cells_empty(client_for: Any) -> None:
    InvestigationFactory(crime_reference="41/000001/24", victim_id="=HYPERLINK(1)", suspect_id="-5", lpa=None)
    rows, _ = _export(client_for("audit_lead"), "")
    assert rows[0]["victim_id"] == "'=HYPERLINK(1)" and rows[0]["suspect_id"] == "'-5"
    assert rows[0]["lpa"] == "" and rows[0]["outcome_date"] == "" and rows[0]["flags"] == ""
