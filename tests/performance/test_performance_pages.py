"""The performance dashboard: tiles, 24-month trend, breakdowns, the Soteria table and their downloads."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from oversight.roles import Role
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

pytestmark = pytest.mark.django_db

URL = "/performance/"
PARAMS = {
    "date_from": "2025-04-01",
    "date_to": "2025-06-30",
    "quarter_a": "2024-25-Q1",
    "quarter_b": "2025-26-Q1",
}


@pytest.fixture
def data() -> None:
    """2025-26 Q1: four adult rapes recorded (one charged after 30 days, one victim withdrawal),
    one child's case and one domestic abuse case. 2024-25 Q1: two adult rapes recorded, one withdrawal."""
    a = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-04-10",
        outcome_type="1",
        outcome_date="2025-05-10",
        lpa="walsall",
        crime_reference="20/1/25",
    )
    InvestigationFactory(
        unplaced=True, recorded_date="2025-04-11", outcome_type="16", outcome_date="2025-05-01", lpa="walsall"
    )
    InvestigationFactory(unplaced=True, recorded_date="2025-05-02", lpa="dudley")
    InvestigationFactory(unplaced=True, recorded_date="2025-06-03")
    InvestigationFactory(unplaced=True, recorded_date="2025-06-04", victim_age_group="child", lpa="dudley")
    InvestigationFactory(unplaced=True, recorded_date="2025-06-05", strand="domestic_abuse", offence_group="violence")
    InvestigationFactory(unplaced=True, recorded_date="2024-04-02", outcome_type="16", outcome_date="2024-05-02")
    InvestigationFactory(unplaced=True, recorded_date="2024-05-02")
    CpsReferralFactory(investigation=a, referral_date="2025-04-20", decision="charge", decision_date="2025-05-01")


def _chart(html: str, chart_id: str) -> dict[str, Any]:
    match = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no {chart_id} config"
    return json.loads(match.group(1))


def _rows(html: str, table_key: str) -> list[list[str]]:
    match = re.search(rf'data-testid="table-{table_key}">(.*?)</table>', html, re.S)
    assert match, f"no table {table_key}"
    body = match.group(1).split("<tbody", 1)[1]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        rows.append(
            [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        )
    return rows


def _csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_dashboard_shows_headline_tiles_with_direction_of_travel(client_for: Any, data: None) -> None:
    response = client_for(Role.OPCC_SCRUTINY).get(URL, PARAMS)
    assert response.status_code == 200
    html = response.content.decode()
    tile = html.split('data-testid="tile-positive_outcome_rate"')[1].split("</li>")[0]
    # now: 1 positive / 6 recorded = 16.7%; a year earlier: 0 / 2 = 0.0%
    assert "16.7%" in tile
    assert "1 of 6" in tile
    assert "Up 16.7 percentage points on the same period last year (0.0%)" in tile
    # pooled 1 / 8; se = √(0.125 × 0.875 × (1/6 + 1/2)) = 0.270; z = 0.167 / 0.270 = 0.6: chance could do that
    assert "Within the noise (z = 0.6)" in tile
    assert "Improving" not in tile
    withdrawal = html.split('data-testid="tile-victim_withdrawal_pct"')[1].split("</li>")[0]
    # now: 1 of 2 outcomes = 50.0%; a year earlier 1 of 1 = 100.0%; pooled 2/3, se = 0.577, z = −0.9
    assert "Down 50.0 percentage points" in withdrawal
    assert "Within the noise (z = -0.9)" in withdrawal
    recorded = html.split('data-testid="tile-recorded_offences"')[1].split("</li>")[0]
    assert "Up 4 on the same period last year (2)" in recorded
    assert "Within the noise (z = 1.4)" in recorded  # (6 − 2) / √8
    assert "Improving" not in recorded and "Worsening" not in recorded  # volume has no good direction
    days = html.split('data-testid="tile-avg_days_to_charge"')[1].split("</li>")[0]
    assert "30 days" in days
    assert "No comparison" in days  # nothing was charged a year earlier


def test_the_trend_covers_24_months_with_its_numbers_in_a_table(client_for: Any, data: None) -> None:
    html = client_for(Role.OPCC_SCRUTINY).get(URL, PARAMS).content.decode()
    chart = _chart(html, "chart-trend-positive_outcome_rate")
    assert chart["type"] == "line"
    assert chart["percent"] is True
    assert len(chart["labels"]) == 24
    assert (chart["labels"][0], chart["labels"][-1]) == ("Jul 2023", "Jun 2025")
    positive, centre, upper, lower = chart["datasets"]
    assert positive["label"] == "Positive outcome rate"
    # April 2024: 1 recorded, 0 positive; April 2025: 2 recorded, 0 positive outcomes in April
    assert positive["data"][9] == 0.0
    assert positive["data"][22] == 100.0  # May 2025: A charged (1) / D recorded (1)
    assert positive["fractions"][22] == [1, 1]
    assert positive["data"][0] is None  # no offences recorded in July 2023
    # p̄ = 1 positive / 8 recorded in the 24 months = 12.5 %; May 2025 (n = 1): 12.5 ± 3 √(0.125 × 0.875) → 0 … 100
    assert centre["label"] == "Centre line (average, 12.5%)"
    assert centre["data"] == [12.5] * 24
    assert (lower["data"][22], upper["data"][22]) == (0.0, 100.0)
    assert upper["data"][0] is None  # no denominator, no limits
    charge = _chart(html, "chart-trend-charged_pct")["datasets"][0]
    assert charge["label"] == "Charge rate"
    assert charge["data"][22] == 50.0  # May 2025: 1 charged of 2 outcomes
    rows = _rows(html, "trend")
    assert len(rows) == 24
    assert rows[22] == ["2025-05", "1", "1", "100.0% (1 of 1)", "0.0–100.0%", "2", "1", "50.0% (1 of 2)", "0.0–100.0%"]
    assert rows[0][3] == "–"
    assert "No month is outside its control limits" in html


def test_a_month_outside_its_control_limits_is_a_signal_on_the_chart_and_in_the_table(client_for: Any) -> None:
    """Five outcomes a month from Jan to Jun 2025, one of them a charge, but all five in March.
    Charge rate p̄ = (5 × 1 + 5) / 30 = 33.3 %; n = 5: 3σ = 3 √(0.333 × 0.667 / 5) = 63.2 points:
    limits 0 … 96.6 %. March at 100 % is above; 20 % months are inside."""
    for month in range(1, 7):
        for n in range(5):
            charged = n == 0 or month == 3
            InvestigationFactory(
                unplaced=True,
                recorded_date=f"2025-{month:02d}-01",
                outcome_type="1" if charged else "18",
                outcome_date=f"2025-{month:02d}-{10 + n:02d}",
            )
    html = client_for(Role.OPCC_SCRUTINY).get(URL, PARAMS).content.decode()
    charge = _chart(html, "chart-trend-charged_pct")
    values, upper = charge["datasets"][0], charge["datasets"][2]
    march = charge["labels"].index("Mar 2025")
    assert values["data"][march] == 100.0
    assert upper["data"][march] == 96.6
    assert values["pointStyle"][march] == "triangle"
    assert values["pointStyle"][march + 1] == "circle"
    assert "Charge rate, Mar 2025: above its upper limit (96.6%)" in html
    march_row = next(row for row in _rows(html, "trend") if row[0] == "2025-03")
    assert march_row[7:] == ["100.0% (5 of 5)", "0.0–96.6% – signal (above)"]


def test_breakdowns_by_strand_and_lpa_have_charts_and_tables(client_for: Any, data: None) -> None:
    html = client_for(Role.OPCC_SCRUTINY).get(URL, PARAMS).content.decode()
    strands = _chart(html, "chart-strand")
    assert strands["labels"] == ["Domestic abuse", "Rape and serious sexual offences"]
    assert strands["datasets"][0]["data"] == [0.0, 20.0]  # 1 positive / 5 RASSO recorded
    lpas = _chart(html, "chart-lpa")
    assert lpas["labels"] == ["Dudley", "Walsall", "No LPA recorded"]
    lpa_rows = _rows(html, "lpa")
    assert [row[0] for row in lpa_rows] == ["Dudley", "Walsall", "No LPA recorded"]
    assert [row[1] for row in lpa_rows] == ["2", "2", "2"]


def test_the_soteria_table_puts_two_quarters_side_by_side(client_for: Any, data: None) -> None:
    html = client_for(Role.OPCC_SCRUTINY).get(URL, PARAMS).content.decode()
    assert _rows(html, "soteria") == [
        ["Recorded adult rape offences", "2", "4"],  # children and domestic abuse are left out
        ["Volume of cases charged", "0", "1"],
        ["% of cases charged", "0.0% (0 of 1)", "50.0% (1 of 2)"],
        ["Volume of victim withdrawal outcomes", "1", "1"],
        ["% of victim withdrawal outcomes", "100.0% (1 of 1)", "50.0% (1 of 2)"],
        ["Number of referrals to the CPS", "0", "1"],
        ["Average days taken for police to charge an offender", "–", "30"],
    ]
    assert "2024-25-Q1 (Apr to Jun 2024)" in html


def test_the_page_never_shows_a_crime_reference(client_for: Any, data: None) -> None:
    html = client_for(Role.OPCC_SCRUTINY).get(URL, PARAMS).content.decode()
    assert "20/1/25" not in html
    assert "/cases/" not in html


def test_filters_narrow_every_figure(client_for: Any, data: None) -> None:
    html = client_for(Role.CASE_EDITOR).get(URL, {**PARAMS, "lpa": "walsall"}).content.decode()
    recorded = html.split('data-testid="tile-recorded_offences"')[1].split("</li>")[0]
    assert re.search(r'<span class="app-tile__value">(<a [^>]*>)?2(</a>)?</span>', recorded)  # linked for this role
    assert _rows(html, "soteria")[0] == ["Recorded adult rape offences", "0", "2"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2025-13-01"}, "Enter a valid date"),
        ({"date_from": "2025-07-01", "date_to": "2025-06-30"}, "The start date must be on or before the end date"),
        ({"lpa": "atlantis"}, "Select a valid choice"),
        ({"strand": "burglary"}, "Select a valid choice"),
        ({"quarter_a": "2025-26-Q9"}, "Select a valid choice"),
        ({"format": "pdf"}, "Choose a download format"),
        ({"format": "csv", "table": "secret"}, "Choose a download format"),
    ],
)
def test_bad_parameters_show_an_error_summary_not_a_500(client_for: Any, params: dict[str, str], message: str) -> None:
    response = client_for(Role.OPCC_SCRUTINY).get(URL, {**PARAMS, **params})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html


@pytest.mark.parametrize(
    "table",
    [
        "headline",
        "trend",
        "strand",
        "lpa",
        "soteria",
        "outcome_groups",
        "outcome_types",
        "funnel",
        "victim_care",
        "cps_decisions",
    ],
)
def test_every_table_downloads_as_csv_and_xlsx(client_for: Any, data: None, table: str) -> None:
    client = client_for(Role.OPCC_SCRUTINY)
    response = client.get(URL, {**PARAMS, "table": table, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert len(rows) > 1
    workbook = client.get(URL, {**PARAMS, "table": table, "format": "xlsx"})
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert [cell.value for cell in next(sheet.iter_rows())] == rows[0]


def test_downloads_keep_numbers_as_numbers(client_for: Any, data: None) -> None:
    response = client_for(Role.OPCC_SCRUTINY).get(URL, {**PARAMS, "table": "soteria", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[3] == ["% of cases charged", 0.0, 50.0]
    assert values[7] == ["Average days taken for police to charge an offender", None, 30]
    trend = _csv(client_for(Role.OPCC_SCRUTINY).get(URL, {**PARAMS, "table": "trend", "format": "csv"}))
    assert len(trend) == 25
    assert trend[23] == ["2025-05", "1", "1", "100.0", "0.0–100.0%", "2", "1", "50.0", "0.0–100.0%"]


def test_without_parameters_it_shows_the_financial_year_to_date(client_for: Any) -> None:
    response = client_for(Role.COMMITMENT_LEAD).get(URL)
    assert response.status_code == 200
    assert 'data-testid="table-soteria"' in response.content.decode()


def test_the_dashboard_needs_a_constant_number_of_queries(
    client_for: Any, data: None, django_assert_max_num_queries: Any
) -> None:
    client = client_for(Role.OPCC_SCRUTINY)
    client.get(URL, PARAMS)
    for n in range(30):
        InvestigationFactory(
            unplaced=True,
            recorded_date=f"2024-{1 + n % 12:02d}-{1 + n % 27:02d}",
            lpa="coventry",
            outcome_type="8",
            outcome_date="2025-06-28",
        )
    # each KPI request's repeat victims and suspects (one query), and the repeat-people and bail sections
    with django_assert_max_num_queries(50):
        response = client.get(URL, {**PARAMS, "lpa": "coventry"})
    assert response.status_code == 200


def test_a_user_without_a_role_is_refused(client_for: Any) -> None:
    assert client_for().get(URL).status_code == 403


def test_every_role_has_the_performance_links_on_its_home_panel(client_for: Any) -> None:
    import performance.home  # noqa: F401  (registered by the app once wired)

    for role in Role:
        html = client_for(role).get("/").content.decode()
        assert 'href="/performance/"' in html
        assert 'href="/performance/benchmarks/"' in html
