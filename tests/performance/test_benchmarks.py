"""Benchmark figures: the published live-SRO comparison, its page, downloads and hand entry."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from oversight.errors import ApplicationError
from oversight.roles import Role
from performance import seed as seed_benchmarks
from performance.models import BenchmarkFigure, BenchmarkMeasure
from performance.services import benchmark_figure_save

pytestmark = pytest.mark.django_db

DETAIL = "/performance/benchmarks/live-sros/"
ADD = "/performance/benchmarks/figures/add/"


@pytest.fixture
def seeded() -> BenchmarkMeasure:
    seed_benchmarks.run(stdout=io.StringIO(), users={})
    return BenchmarkMeasure.objects.get(code="live-sros")


def test_the_seed_holds_the_figures_published_in_the_force_report(seeded: BenchmarkMeasure) -> None:
    figures = {f.force: f.value for f in seeded.figures.filter(period="2025-26-Q2")}
    assert figures == {
        "West Midlands Police": 29,
        "Greater Manchester Police": 23,
        "Merseyside Police": 16,
        "Thames Valley Police": 21,
        "West Yorkshire Police": 13,
        "West Mercia Police": 29,
        "Warwickshire Police": 8,
        "Staffordshire Police": 6,
    }
    assert list(seeded.figures.filter(is_own_force=True).values_list("force", flat=True)) == ["West Midlands Police"]


def test_seeding_twice_changes_nothing(seeded: BenchmarkMeasure) -> None:
    seed_benchmarks.run(stdout=io.StringIO(), users={})
    assert BenchmarkMeasure.objects.count() == 1
    assert BenchmarkFigure.objects.count() == 8


def test_the_comparison_page_has_a_bar_chart_and_the_same_numbers_in_a_table(
    client_for: Any, seeded: BenchmarkMeasure
) -> None:
    response = client_for(Role.OPCC_SCRUTINY).get(DETAIL)
    assert response.status_code == 200
    html = response.content.decode()
    chart = re.search(r'<script id="chart-benchmark" type="application/json">(.*?)</script>', html)
    assert chart is not None
    config = json.loads(chart.group(1))
    assert config["type"] == "bar"
    assert config["labels"][:3] == [
        "West Mercia Police",
        "West Midlands Police (this force)",
        "Greater Manchester Police",
    ]
    assert config["datasets"][0]["data"] == [29, 29, 23, 21, 16, 13, 8, 6]
    assert html.count('<tr class="govuk-table__row') >= 9
    assert "West Midlands Police: 29 live orders, joint highest of 8 forces in 2025-26-Q2." in html
    assert "Change" not in html  # the OPCC reads, it does not edit


def test_the_comparison_downloads_as_csv(client_for: Any, seeded: BenchmarkMeasure) -> None:
    response = client_for(Role.BOARD_CHAIR).get(DETAIL, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Rank", "Force", "Live orders", "Source"]
    assert [row[0] for row in rows[1:]] == ["1", "1", "3", "4", "5", "6", "7", "8"]  # equal figures share a rank
    assert rows[-1][:3] == ["8", "Staffordshire Police", "6"]
    xlsx = client_for(Role.BOARD_CHAIR).get(DETAIL, {"format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].endswith('.xlsx"')


def test_an_unknown_period_is_explained(client_for: Any, seeded: BenchmarkMeasure) -> None:
    response = client_for(Role.OPCC_SCRUTINY).get(DETAIL, {"period": "1999-00-Q1"})
    assert response.status_code == 400
    assert "no figures for" in response.content.decode()


def test_the_list_links_every_measure(client_for: Any, seeded: BenchmarkMeasure) -> None:
    html = client_for(Role.AUDIT_LEAD).get("/performance/benchmarks/").content.decode()
    assert 'href="/performance/benchmarks/live-sros/"' in html
    assert "2025-26-Q2" in html
    assert "Add a figure" not in html


def test_a_data_officer_adds_a_figure(client_for: Any, seeded: BenchmarkMeasure) -> None:
    client = client_for(Role.CASE_EDITOR)
    assert "Add a figure" in client.get("/performance/benchmarks/").content.decode()
    response = client.post(
        ADD,
        {"measure": seeded.pk, "period": "2025-26-Q3", "force": "West Midlands Police", "value": "31", "source": "x"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{DETAIL}?period=2025-26-Q3"
    figure = BenchmarkFigure.objects.get(period="2025-26-Q3")
    assert figure.value == 31
    assert figure.history.first().history_user == client.user


def test_a_correction_keeps_the_previous_value_in_history(client_for: Any, seeded: BenchmarkMeasure) -> None:
    client = client_for(Role.ADMINISTRATOR)
    figure = BenchmarkFigure.objects.get(force="Warwickshire Police")
    url = f"/performance/benchmarks/figures/{figure.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"measure": seeded.pk, "period": "2025-26-Q2", "force": "Warwickshire Police", "value": "9"}
    )
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.value == 9
    assert [h.value for h in figure.history.order_by("history_date")] == [Decimal("8.00"), Decimal("9.00")]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": "-1"}, "Enter a figure of 0 or more."),
        ({"period": "2025-Q3"}, "is not a reporting period"),
        ({"force": "Merseyside Police"}, "already exists"),  # the same force twice in a period
        ({"value": "lots"}, "Enter a number."),
        ({"force": ""}, "Enter the force"),
    ],
)
def test_bad_figures_are_refused_with_a_message_and_nothing_is_saved(
    client_for: Any, seeded: BenchmarkMeasure, changes: dict[str, str], message: str
) -> None:
    data = {"measure": seeded.pk, "period": "2025-26-Q2", "force": "Cleveland Police", "value": "4", **changes}
    response = client_for(Role.CASE_EDITOR).post(ADD, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert BenchmarkFigure.objects.count() == 8


def test_a_measure_can_be_added_then_its_figures(client_for: Any) -> None:
    client = client_for(Role.CASE_EDITOR)
    response = client.post(
        "/performance/benchmarks/measures/add/",
        {"name": "Live Sexual Harm Prevention Orders", "code": "live-shpos", "unit": "live orders"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{ADD}?measure=live-shpos"
    assert "selected>Live Sexual Harm Prevention Orders" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("role", [Role.OPCC_SCRUTINY, Role.AUDIT_LEAD, Role.COMMITMENT_LEAD, Role.BOARD_CHAIR])
def test_roles_without_the_edit_capability_cannot_add_or_change_figures(
    client_for: Any, seeded: BenchmarkMeasure, role: Role
) -> None:
    client = client_for(role)
    figure = BenchmarkFigure.objects.first()
    assert figure is not None
    data = {"measure": seeded.pk, "period": "2025-26-Q2", "force": "Cleveland Police", "value": "4"}
    assert client.post(ADD, data).status_code == 403
    assert client.post(f"/performance/benchmarks/figures/{figure.pk}/edit/", {**data, "value": 1}).status_code == 403
    assert BenchmarkFigure.objects.count() == 8


def test_the_service_refuses_a_reader_and_validates_the_period(make_user: Any, seeded: BenchmarkMeasure) -> None:
    figure = BenchmarkFigure(measure=seeded, period="2025-26-Q3", force="Cleveland Police", value=3)
    with pytest.raises(PermissionDenied):
        benchmark_figure_save(figure=figure, actor=make_user(Role.OPCC_SCRUTINY))
    figure.period = "Q3"
    with pytest.raises(ApplicationError) as refused:
        benchmark_figure_save(figure=figure, actor=make_user(Role.CASE_EDITOR))
    assert "period" in refused.value.extra
    assert not BenchmarkFigure.objects.filter(force="Cleveland Police").exists()


def test_a_missing_measure_is_a_404(client_for: Any) -> None:
    assert client_for(Role.OPCC_SCRUTINY).get("/performance/benchmarks/nothing/").status_code == 404
