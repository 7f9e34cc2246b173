"""Drill-down: every count opens onto exactly the investigations behind it (DESIGN.md §4).

A hand-built register whose figures are worked out below; for every listed measure, the list
(engine, API and page) has as many investigations as the KPI engine counts, over several filters
and group windows. Runs on SQLite by default and on PostgreSQL with DATABASE_URL=postgres://...
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.drilldown import drilldown_from, drilldown_url, figure_links
from cases.kpis import DRILLDOWN_MEASURES, FUNNEL_MEASURES, kpi_rows, measure_investigations
from oversight.errors import ApplicationError
from oversight.roles import Role
from summaries import services as summary_services
from summaries.models import SummaryKind
from tests.cases.factories import InvestigationFactory

pytestmark = pytest.mark.django_db

P_FROM, P_TO = date(2025, 4, 1), date(2025, 6, 30)
CASE_ROLES = (Role.AUDIT_LEAD, Role.CASE_EDITOR, Role.BOARD_CHAIR, Role.ADMINISTRATOR)
AGGREGATE_ONLY = (Role.OPCC_SCRUTINY, Role.COMMITMENT_LEAD)


@pytest.fixture
def register() -> dict[str, Any]:
    """Period P = 2025-04-01 … 2025-06-30. Team RASSO unless said; flags in brackets.

    A  rasso/rape adult, Wolverhampton, recorded 04-10, charged (1) 05-10 [spiking]
    B  rasso/rape adult, Wolverhampton, recorded 04-20, victim withdrawal (16) 06-19
    C  rasso/rape child, Birmingham, recorded 01-15, adult caution (3) 04-15
    D  domestic_abuse/coercive_control adult, Coventry, DA team, recorded 05-01, open [online, spiking]
    E  domestic_abuse/violence adult, Coventry, DA team, recorded 06-30, charged (1A) 07-05 (after P)
    F  rasso/rape, age unknown, no LPA or team, recorded 2024-12-01, open
    G  stalking_harassment/stalking adult, Wolverhampton, LPA investigations, recorded 03-01, no suspect (18) 03-31
    H  rasso/rape adult, Wolverhampton, recorded 07-01 (after P), open
    I  domestic_abuse/violence adult, Birmingham, DA team, recorded 05-15, community resolution (8) 06-01 [online]
    J  rasso/other_sexual child, Wolverhampton, recorded 06-05, victim withdrawal (14) 06-25 [spiking]
    """
    rasso = {"strand": "rasso", "offence_group": "rape", "team": "rasso"}
    da = {"strand": "domestic_abuse", "team": "domestic_abuse"}
    made = {
        "A": InvestigationFactory(
            **rasso,
            lpa="wolverhampton",
            recorded_date="2025-04-10",
            outcome_type="1",
            outcome_date="2025-05-10",
            flags=["spiking"],
        ),
        "B": InvestigationFactory(
            **rasso, lpa="wolverhampton", recorded_date="2025-04-20", outcome_type="16", outcome_date="2025-06-19"
        ),
        "C": InvestigationFactory(
            **rasso,
            lpa="birmingham",
            victim_age_group="child",
            recorded_date="2025-01-15",
            outcome_type="3",
            outcome_date="2025-04-15",
        ),
        "D": InvestigationFactory(
            **da,
            offence_group="coercive_control",
            lpa="coventry",
            recorded_date="2025-05-01",
            flags=["online", "spiking"],
        ),
        "E": InvestigationFactory(
            **da,
            offence_group="violence",
            lpa="coventry",
            recorded_date="2025-06-30",
            outcome_type="1A",
            outcome_date="2025-07-05",
        ),
        "F": InvestigationFactory(unplaced=True, victim_age_group="unknown", recorded_date="2024-12-01"),
        "G": InvestigationFactory(
            strand="stalking_harassment",
            offence_group="stalking",
            lpa="wolverhampton",
            team="lpa_investigations",
            recorded_date="2025-03-01",
            outcome_type="18",
            outcome_date="2025-03-31",
        ),
        "H": InvestigationFactory(**rasso, lpa="wolverhampton", recorded_date="2025-07-01"),
        "I": InvestigationFactory(
            **da,
            offence_group="violence",
            lpa="birmingham",
            recorded_date="2025-05-15",
            outcome_type="8",
            outcome_date="2025-06-01",
            flags=["online"],
        ),
        "J": InvestigationFactory(
            strand="rasso",
            offence_group="other_sexual",
            team="rasso",
            lpa="wolverhampton",
            victim_age_group="child",
            recorded_date="2025-06-05",
            outcome_type="14",
            outcome_date="2025-06-25",
            flags=["spiking"],
        ),
    }
    return {letter: investigation.crime_reference for letter, investigation in made.items()}


# (recorded_offences, outcomes_assigned, charged, positive_outcomes, victim_withdrawal, open_investigations) in P
FILTER_CASES: list[tuple[dict[str, str], tuple[int, ...]]] = [
    # recorded A B D E I J; outcomes A B C I J; charged A; positive A C I; withdrawal B J; open at 06-30 D E F
    ({}, (6, 5, 1, 3, 2, 3)),
    # A B C F H J: recorded A B J; outcomes A B C J; charged A; positive A C; withdrawal B J; open F
    ({"strand": "rasso"}, (3, 4, 1, 2, 2, 1)),
    # A B C F H: recorded A B; outcomes A B C; charged A; positive A C; withdrawal B; open F
    ({"offence_group": "rape"}, (2, 3, 1, 2, 1, 1)),
    # LPA by name, any case. A B G H J: recorded A B J; outcomes A B J; charged A; positive A; withdrawal B J; none open
    ({"lpa": "wolverhampton"}, (3, 3, 1, 1, 2, 0)),
    ({"lpa": "WOLVERHAMPTON", "strand": "rasso"}, (3, 3, 1, 1, 2, 0)),  # A B H J: the same figures
    # A D J: recorded A D J; outcomes A J; charged A; positive A; withdrawal J; open D
    ({"flag": "spiking"}, (3, 2, 1, 1, 1, 1)),
    # C J: recorded J; outcomes C J; positive C; withdrawal J; none open
    ({"victim_age_group": "child"}, (1, 2, 0, 1, 1, 0)),
    # D I: recorded D I; outcome I (positive); open D
    ({"strand": "domestic_abuse", "flag": "online"}, (2, 1, 0, 1, 0, 1)),
    # team by name. D E I: recorded D E I; outcome I (positive); open D E (E's charge is in July)
    ({"team": "Domestic Abuse"}, (3, 1, 0, 1, 0, 2)),
]


# The KPI figures that can be listed (the funnel's stages are checked against the funnel below).
KPI_MEASURES = tuple(measure for measure in DRILLDOWN_MEASURES if measure not in FUNNEL_MEASURES)


def _figures(row: dict[str, Any]) -> tuple[int, ...]:
    return tuple(row[measure] for measure in KPI_MEASURES)


def _listed(filters: dict[str, str], date_from: date = P_FROM, date_to: date = P_TO) -> tuple[int, ...]:
    return tuple(
        measure_investigations(m, date_from=date_from, date_to=date_to, filters=filters).count() for m in KPI_MEASURES
    )


# ---------------------------------------------------------------- the engine


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES)
def test_every_list_has_as_many_investigations_as_its_figure(
    register: Any, filters: dict[str, str], expected: tuple[int, ...]
) -> None:
    row = kpi_rows(date_from=P_FROM, date_to=P_TO, filters=filters)[0]
    assert _figures(row) == expected
    assert _listed(filters) == expected


def test_each_list_holds_exactly_the_investigations_worked_out_by_hand(register: dict[str, str]) -> None:
    def refs(measure: str, **filters: str) -> set[str]:
        listed = measure_investigations(measure, date_from=P_FROM, date_to=P_TO, filters=filters)
        return set(listed.values_list("crime_reference", flat=True))

    def letters(*names: str) -> set[str]:
        return {register[name] for name in names}

    assert refs("recorded_offences") == letters("A", "B", "D", "E", "I", "J")
    assert refs("outcomes_assigned") == letters("A", "B", "C", "I", "J")
    assert refs("charged") == letters("A")
    assert refs("positive_outcomes") == letters("A", "C", "I")
    assert refs("victim_withdrawal") == letters("B", "J")
    assert refs("open_investigations") == letters("D", "E", "F")
    assert refs("recorded_offences", flag="spiking") == letters("A", "D", "J")  # D has two flags: listed once


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        # April: recorded A B; outcome C (positive); open at 04-30 A B F
        # May: recorded D I; outcome A (charged, positive); open at 05-31 B D F I
        # June: recorded E J; outcomes B I J (I positive, B J withdrawal); open at 06-30 D E F
        (P_FROM, P_TO, [(2, 1, 0, 1, 0, 3), (2, 1, 1, 1, 0, 4), (2, 3, 0, 1, 2, 3)]),
        # partial months: 04-16…04-30 recorded B, open at 04-30 A B F; 05-01…05-12 recorded D, A charged, open B D F
        (date(2025, 4, 16), date(2025, 5, 12), [(1, 0, 0, 0, 0, 3), (1, 1, 1, 1, 0, 3)]),
    ],
)
def test_a_month_row_lists_the_days_of_that_month_inside_the_period(
    register: Any, date_from: date, date_to: date, expected: list[tuple[int, ...]]
) -> None:
    rows = kpi_rows(date_from=date_from, date_to=date_to, group_by="month")
    assert [_figures(row) for row in rows] == expected
    for row, figures in zip(rows, expected, strict=True):
        month_start = date.fromisoformat(f"{row['group']}-01")
        first = max(date_from, month_start)
        assert _listed({}, first, min(date_to, _month_end(month_start))) == figures


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


@pytest.mark.parametrize("group_by", ["strand", "lpa"])
@pytest.mark.parametrize("filters", [{}, {"flag": "spiking"}, {"victim_age_group": "adult"}])
def test_a_strand_or_lpa_row_lists_its_own_investigations(
    register: Any, group_by: str, filters: dict[str, str]
) -> None:
    rows = [row for row in kpi_rows(date_from=P_FROM, date_to=P_TO, group_by=group_by, filters=filters) if row["group"]]
    assert rows
    for row in rows:
        assert _listed({**filters, group_by: row["group"]}) == _figures(row), row["group"]


def test_quarter_rows_list_their_own_investigations(register: Any) -> None:
    # 2024-25-Q4: recorded C G; outcome G; open at 03-31 C F. 2025-26-Q1 as P.
    rows = kpi_rows(date_from=date(2025, 1, 1), date_to=P_TO, group_by="quarter")
    assert [_figures(row) for row in rows] == [(2, 1, 0, 0, 0, 2), (6, 5, 1, 3, 2, 3)]
    assert _listed({}, date(2025, 1, 1), date(2025, 3, 31)) == (2, 1, 0, 0, 0, 2)


def test_an_unknown_measure_a_reversed_period_or_a_bad_filter_is_refused() -> None:
    with pytest.raises(ApplicationError, match="measure") as caught:
        measure_investigations("cps_referrals", date_from=P_FROM, date_to=P_TO)
    assert "measure" in caught.value.extra
    with pytest.raises(ApplicationError, match="from"):
        measure_investigations("charged", date_from=P_TO, date_to=P_FROM)
    with pytest.raises(ApplicationError, match="lpa"):
        measure_investigations("charged", date_from=P_FROM, date_to=P_TO, filters={"lpa": "Atlantis"})


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"from": "2025-04-01", "to": "2025-06-30"}, "measure"),
        ({"measure": "charged_pct", "from": "2025-04-01", "to": "2025-06-30"}, "measure"),
        ({"measure": "charged", "to": "2025-06-30"}, "from"),
        ({"measure": "charged", "from": "2025-04-01"}, "to"),
        ({"measure": "charged", "from": "01/04/2025", "to": "2025-06-30"}, "from"),
        ({"measure": "charged", "from": "2025-02-30", "to": "2025-06-30"}, "from"),
        ({"measure": "charged", "from": "1989-12-31", "to": "2025-06-30"}, "from"),  # the engine's bounds
        ({"measure": "charged", "from": "2025-04-01", "to": "2100-01-01"}, "to"),
        ({"measure": "charged", "from": "2025-07-01", "to": "2025-06-30"}, "from"),
        ({"measure": "charged", "from": "2025-04-01", "to": "2025-06-30", "strand": "burglary"}, "strand"),
        ({"measure": "charged", "from": "2025-04-01", "to": "2025-06-30", "q": "20/"}, "q"),
    ],
)
def test_the_parameters_are_checked_naming_the_bad_one(params: dict[str, str], bad: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        drilldown_from(params)
    assert bad in caught.value.extra
    assert f"{bad}:" in caught.value.message


def test_without_measure_from_or_to_there_is_no_drilldown() -> None:
    assert drilldown_from({"strand": "rasso", "page": "2"}) is None


def test_links_are_built_only_for_roles_that_may_see_investigations(make_user: Any) -> None:
    chair = figure_links(make_user(Role.BOARD_CHAIR), {"strand": "rasso", "date_from": "ignored"})
    assert chair.url("charged", P_FROM, P_TO, lpa="dudley") == (
        "/cases/?measure=charged&from=2025-04-01&to=2025-06-30&strand=rasso&lpa=dudley"
    )
    assert chair.url("charged_pct", P_FROM, P_TO) is None  # a rate: no list
    assert chair.url("cps_referrals", P_FROM, P_TO) is None  # referrals, not investigations
    for role in AGGREGATE_ONLY:
        assert figure_links(make_user(role)).url("charged", P_FROM, P_TO) is None


# ---------------------------------------------------------------- the API


API = "/api/v1/investigations/"


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES)
def test_the_api_count_equals_the_kpi_figure_for_every_measure(
    api_client_for: Any, register: Any, filters: dict[str, str], expected: tuple[int, ...]
) -> None:
    client = api_client_for(Role.BOARD_CHAIR)
    kpis = client.get("/api/v1/kpis/", {"from": "2025-04-01", "to": "2025-06-30", **filters}).json()["rows"][0]
    for measure, figure in zip(KPI_MEASURES, expected, strict=True):
        body = client.get(API, {"measure": measure, "from": "2025-04-01", "to": "2025-06-30", **filters}).json()
        assert body["count"] == kpis[measure] == figure, measure


def test_the_api_lists_the_records_behind_a_figure(api_client_for: Any, register: dict[str, str]) -> None:
    body = (
        api_client_for(Role.AUDIT_LEAD)
        .get(API, {"measure": "positive_outcomes", "from": "2025-04-01", "to": "2025-06-30"})
        .json()
    )
    # A charged 05-10, C cautioned 04-15, I community resolution 06-01 (newest recorded first)
    assert [r["crime_reference"] for r in body["results"]] == [register["I"], register["A"], register["C"]]


def test_the_api_count_is_exact_beyond_one_page(api_client_for: Any) -> None:
    for n in range(53):
        InvestigationFactory(recorded_date=date(2025, 4, 1 + n % 30), crime_reference=f"20/{n:06d}/25")
    body = (
        api_client_for(Role.CASE_EDITOR)
        .get(API, {"measure": "recorded_offences", "from": "2025-04-01", "to": "2025-06-30"})
        .json()
    )
    assert body["count"] == 53
    assert len(body["results"]) == 50


@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ("measure=cps_referrals&from=2025-04-01&to=2025-06-30", "measure"),
        ("measure=positive_outcome_rate&from=2025-04-01&to=2025-06-30", "measure"),
        ("measure=charged", "from"),
        ("measure=charged&from=2025-04-01&to=30-06-2025", "to"),
        ("measure=charged&from=1900-01-01&to=2025-06-30", "from"),
        ("measure=charged&from=2025-04-01&to=2025-06-30&lpa=atlantis", "lpa"),
        ("measure=charged&from=2025-04-01&to=2025-06-30&outcome_type=1", "outcome_type"),
    ],
)
def test_the_api_answers_bad_parameters_with_400_naming_them(api_client_for: Any, query: str, bad: str) -> None:
    response = api_client_for(Role.BOARD_CHAIR).get(f"{API}?{query}")
    assert response.status_code == 400
    assert bad in response.json()["errors"]
    assert f"{bad}:" in response.json()["message"]


@pytest.mark.parametrize("role", AGGREGATE_ONLY)
def test_the_api_refuses_the_drilldown_to_aggregate_only_roles(api_client_for: Any, register: Any, role: Role) -> None:
    response = api_client_for(role).get(API, {"measure": "charged", "from": "2025-04-01", "to": "2025-06-30"})
    assert response.status_code == 403


def test_the_schema_documents_the_drilldown_parameters(client_for: Any) -> None:
    schema = client_for(Role.CASE_EDITOR).get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/investigations/"]["get"]["parameters"]}
    assert set(parameters["measure"]["schema"]["enum"]) == set(DRILLDOWN_MEASURES)
    assert {"from", "to", "strand", "lpa", "flag"} <= set(parameters)


# ---------------------------------------------------------------- the register page


def _count(html: str) -> int:
    match = re.search(r'data-testid="result-count"><strong>([\d,]+)</strong>', html)
    assert match, "no result count"
    return int(match.group(1).replace(",", ""))


def test_the_page_says_what_the_list_is(client_for: Any, register: Any) -> None:
    response = client_for(Role.BOARD_CHAIR).get(
        "/cases/",
        {
            "measure": "positive_outcomes",
            "from": "2025-04-01",
            "to": "2025-06-30",
            "strand": "rasso",
            "lpa": "Wolverhampton",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    # A is the only positive outcome in Wolverhampton's RASSO cases (C was Birmingham's)
    assert (
        "Positive outcomes, 1 April 2025 – 30 June 2025, Rape and serious sexual offences, Wolverhampton: "
        "1 investigation" in html
    )
    assert _count(html) == 1
    assert (
        'data-testid="drilldown-clear" href="/cases/"' in html or 'href="/cases/" data-testid="drilldown-clear"' in html
    )
    # the way back: the dashboard for the same period and filters, the LPA by its code as the dashboard takes it
    assert "/performance/?date_from=2025-04-01&amp;date_to=2025-06-30&amp;strand=rasso&amp;lpa=wolverhampton" in html


def test_the_page_describes_open_investigations_on_a_day(client_for: Any, register: Any) -> None:
    html = (
        client_for(Role.AUDIT_LEAD)
        .get("/cases/", {"measure": "open_investigations", "from": "2025-04-01", "to": "2025-06-30"})
        .content.decode()
    )
    assert "Open investigations on 30 June 2025: 3 investigations" in html  # D E F
    assert _count(html) == 3


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES)
def test_the_page_count_equals_the_kpi_figure_for_every_measure(
    client_for: Any, register: Any, filters: dict[str, str], expected: tuple[int, ...]
) -> None:
    client = client_for(Role.CASE_EDITOR)
    for measure, figure in zip(KPI_MEASURES, expected, strict=True):
        html = client.get("/cases/", {"measure": measure, "from": "2025-04-01", "to": "2025-06-30", **filters})
        assert _count(html.content.decode()) == figure, measure


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("measure=arrests&from=2025-04-01&to=2025-06-30", "measure: &#x27;arrests&#x27; is not a measure to list"),
        ("measure=charged&from=2025-04-31&to=2025-06-30", "from: &#x27;2025-04-31&#x27; is not a date"),
        ("measure=charged&from=2025-04-01", "to: a date is required"),
        ("measure=charged&from=2025-04-01&to=2025-06-30&flag=glitter", "flag: &#x27;glitter&#x27; is not a known"),
        ("measure=charged&from=2025-04-01&to=2025-06-30&format=csv&lpa=atlantis", "lpa:"),
    ],
)
def test_bad_parameters_get_an_error_summary_not_a_500(client_for: Any, query: str, message: str) -> None:
    response = client_for(Role.BOARD_CHAIR).get(f"/cases/?{query}")
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and message in html
    assert 'data-testid="investigation-table"' not in html


@pytest.mark.parametrize("role", AGGREGATE_ONLY)
def test_the_page_refuses_aggregate_only_roles(client_for: Any, role: Role) -> None:
    response = client_for(role).get("/cases/?measure=charged&from=2025-04-01&to=2025-06-30")
    assert response.status_code == 403


def test_the_download_holds_the_same_investigations(client_for: Any, register: dict[str, str]) -> None:
    response = client_for(Role.AUDIT_LEAD).get(
        "/cases/", {"measure": "victim_withdrawal", "from": "2025-04-01", "to": "2025-06-30", "format": "csv"}
    )
    assert 'filename="investigations-victim_withdrawal-2025-04-01-2025-06-30.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sorted(r["crime_reference"] for r in rows) == sorted([register["B"], register["J"]])  # 16 and 14


def test_the_xlsx_download_holds_the_same_investigations(client_for: Any, register: dict[str, str]) -> None:
    from openpyxl import load_workbook

    response = client_for(Role.BOARD_CHAIR).get(
        "/cases/", {"measure": "charged", "from": "2025-04-01", "to": "2025-06-30", "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [register["A"]]


def test_the_drilled_page_sorts_and_pages_with_a_constant_number_of_queries(client_for: Any) -> None:
    client = client_for(Role.CASE_EDITOR)
    query = "measure=recorded_offences&from=2025-04-01&to=2025-06-30&lpa=birmingham&team=rasso&flag=online"

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    for n in range(3):
        InvestigationFactory(recorded_date="2025-04-02", flags=["online", "spiking"], crime_reference=f"20/{n:06d}/25")
    small = queries(f"/cases/?{query}")
    for n in range(3, 63):
        InvestigationFactory(recorded_date="2025-04-03", flags=["online", "spiking"], crime_reference=f"20/{n:06d}/25")
    large = queries(f"/cases/?{query}&ordering=crime_reference")
    assert small == large <= 16
    second = client.get(f"/cases/?{query}&page=2&ordering=crime_reference")
    assert second.context["page_obj"].paginator.count == 63
    assert [i["crime_reference"] for i in second.context["page_obj"]][:2] == ["20/000050/25", "20/000051/25"]


# ---------------------------------------------------------------- links on the dashboard and the summaries


LINK = re.compile(r'<a class="govuk-link app-figure-link" href="([^"]+)"[^>]*data-drilldown="([\d,]+)">')


def _follow_every_link(client: Any, html: str) -> int:
    """Open every figure's link; each list's count must be the figure. Returns how many were followed."""
    links = LINK.findall(html)
    for url, figure in links:
        url = url.replace("&amp;", "&")
        path = urlparse(url).path
        assert path in ("/cases/", "/cases/repeat-people/", "/cases/bail-expiring/")
        if path == "/cases/":
            listed = _count(client.get(url).content.decode())
        else:  # the people behind a repeat count, the bails behind the expiring count
            listed = client.get(url).context["page_obj"].paginator.count
        assert listed == int(figure.replace(",", "")), parse_qs(urlparse(url).query)
    return len(links)


DASHBOARD = {"date_from": "2025-04-01", "date_to": "2025-06-30", "quarter_a": "2024-25-Q1", "quarter_b": "2025-26-Q1"}


def test_every_count_on_the_dashboard_opens_its_records_for_a_board_chair(client_for: Any, register: Any) -> None:
    client = client_for(Role.BOARD_CHAIR)
    html = client.get("/performance/", DASHBOARD).content.decode()
    followed = _follow_every_link(client, html)
    # tiles 2; headline 6 × 2; trend 24 months × 4; strands 2 rows (RASSO, domestic abuse: G's stalking
    # case is closed before P) × 5; LPAs 3 rows × 5 (no link for F's row without an LPA); Soteria 3 × 2;
    # outcome groups: charged/summonsed and all outcomes; outcome types in P: 1 (A), 3 (C), 8 (I), 14 (J),
    # 16 (B); funnel: every stage of both cohorts (6 × 2); repeat victims and suspects in P's one quarter (2);
    # bail expiring (1)
    assert followed == 2 + 12 + 96 + 10 + 15 + 6 + 2 + 5 + 12 + 2 + 1
    assert 'href="/cases/?measure=positive_outcomes&amp;from=2025-04-01&amp;to=2025-06-30&amp;strand=rasso"' in html


def test_dashboard_links_keep_its_filters(client_for: Any, register: Any) -> None:
    client = client_for(Role.AUDIT_LEAD)
    html = client.get("/performance/", {**DASHBOARD, "flag": "spiking", "lpa": "wolverhampton"}).content.decode()
    assert _follow_every_link(client, html) > 50
    soteria = html.split('data-testid="table-soteria"')[1]
    assert "offence_group=rape&amp;victim_age_group=adult" in soteria and "flag=spiking" in soteria


@pytest.mark.parametrize("role", AGGREGATE_ONLY)
def test_aggregate_only_roles_see_the_same_figures_without_links(client_for: Any, register: Any, role: Role) -> None:
    html = client_for(role).get("/performance/", DASHBOARD).content.decode()
    chair = client_for(Role.BOARD_CHAIR).get("/performance/", DASHBOARD).content.decode()
    assert "/cases/" not in html
    assert "app-figure-link" not in html
    assert re.sub(r"<a class=\"govuk-link app-figure-link\"[^>]*>([^<]*)</a>", r"\1", chair).count(
        '<td class="govuk-table__cell govuk-table__cell--numeric">6</td>'
    ) == html.count('<td class="govuk-table__cell govuk-table__cell--numeric">6</td>')


@pytest.fixture
def june_summary(register: Any) -> Any:
    return summary_services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key="2025-06").summary


def test_every_count_on_the_monthly_summary_opens_its_records(client_for: Any, june_summary: Any) -> None:
    client = client_for(Role.BOARD_CHAIR)
    html = client.get(f"/summaries/{june_summary.pk}/").content.decode()
    # headline: recorded (month, 12 months), outcomes, charged, withdrawal, open; repeat victims and suspects
    # (month, 12 months); strands: 3 rows (RASSO, domestic abuse, and stalking for G in the 12 months) × 2
    # (this month, June 2024: 0 each)
    assert _follow_every_link(client, html) == 6 + 4 + 6
    assert (
        drilldown_url(
            "recorded_offences", date_from=date(2024, 6, 1), date_to=date(2024, 6, 30), filters={"strand": "rasso"}
        ).replace("&", "&amp;")
        in html
    )  # the same month last year
    assert "/cases/" not in june_summary.html  # the stored copy (e-mailed, archived) has no links


@pytest.mark.parametrize("role", AGGREGATE_ONLY)
def test_aggregate_only_roles_see_the_summary_without_links(client_for: Any, june_summary: Any, role: Role) -> None:
    html = client_for(role).get(f"/summaries/{june_summary.pk}/").content.decode()
    assert "/cases/" not in html
    assert "Open investigations at month end" in html
