"""Headless chromium: the OPCC scrutiny officer reads the performance dashboard and a benchmark."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest

from oversight.roles import Role
from performance import seed as seed_benchmarks
from tests.cases.factories import CpsReferralFactory, InvestigationFactory
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LPAS = ["birmingham", "coventry", "dudley", "walsall", None]
STRANDS = [("rasso", "rape"), ("domestic_abuse", "coercive_control"), ("stalking_harassment", "stalking")]


def _two_years_of_cases() -> None:
    """Five cases a month for 24 months, positive outcomes becoming more frequent over time."""
    start = date(2023, 7, 1)
    for month in range(24):
        first = date(start.year + (start.month - 1 + month) // 12, (start.month - 1 + month) % 12 + 1, 1)
        for n in range(5):
            recorded = first + timedelta(days=3 * n + 1)
            strand, offence = STRANDS[n % 3]
            outcome = ""
            if n < 1 + month // 8:
                outcome = "1" if n % 2 == 0 else "8"
            elif n == 4:
                outcome = "16"
            case = InvestigationFactory(
                unplaced=True,
                recorded_date=recorded,
                strand=strand,
                offence_group=offence,
                lpa=LPAS[(month + n) % 5],
                outcome_type=outcome,
                outcome_date=recorded + timedelta(days=20) if outcome else None,
                crime_reference=f"20/{month:02d}{n}/99",
            )
            if outcome == "1":
                CpsReferralFactory(
                    investigation=case,
                    referral_date=recorded + timedelta(days=5),
                    decision="charge",
                    decision_date=recorded + timedelta(days=15),
                )


def test_the_opcc_sees_the_charts_and_the_soteria_table(page: Any, make_user: Any) -> None:
    _two_years_of_cases()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    browser_login(page, make_user(Role.OPCC_SCRUTINY))

    page.get_by_role("link", name="Performance", exact=True).first.click()
    page.wait_for_url("**/performance/")
    page.goto("/performance/?date_from=2025-04-01&date_to=2025-06-30&quarter_a=2024-25-Q1&quarter_b=2025-26-Q1")
    for chart in (
        "chart-trend-positive_outcome_rate",
        "chart-trend-charged_pct",
        "chart-strand",
        "chart-lpa",
        "chart-outcomes",
        "chart-funnel",
    ):
        canvas = page.locator(f'canvas[data-chart="{chart}"]')
        canvas.wait_for()
        page.locator(f'canvas[data-chart="{chart}"][data-rendered="true"]').wait_for()
        box = canvas.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 200
        assert page.get_by_test_id(f"{chart}-caption").is_visible()
    # these cases record no victim care answers: a sentence instead of an empty chart, the table still there
    assert page.get_by_test_id("chart-victim-care-empty").is_visible()
    assert page.locator('canvas[data-chart="chart-victim-care"]').count() == 0
    assert page.get_by_test_id("tile-positive_outcome_rate").is_visible()
    soteria = page.get_by_test_id("table-soteria")
    assert soteria.is_visible()
    text = soteria.inner_text()
    assert "Recorded adult rape offences" in text
    assert "Average days taken for police to charge an offender" in text
    assert "2024-25-Q1" in text and "2025-26-Q1" in text
    assert "20/" not in page.content()  # no crime references anywhere on the page
    assert not problems, problems
    screenshot(page, "performance-dashboard-opcc")

    page.get_by_role("link", name="Compare with other forces").click()
    page.wait_for_url("**/performance/benchmarks/")
    assert "No benchmark measures yet." in page.content()


def test_the_benchmark_comparison_renders_as_a_bar_chart(page: Any, make_user: Any) -> None:
    seed_benchmarks.run(stdout=io.StringIO(), users={})
    browser_login(page, make_user(Role.OPCC_SCRUTINY))
    page.goto("/performance/benchmarks/")
    page.get_by_role("link", name="Live Sexual Risk Orders").click()
    page.locator('canvas[data-chart="chart-benchmark"][data-rendered="true"]').wait_for()
    assert "joint highest of 8 forces" in page.get_by_test_id("own-summary").inner_text()
    assert page.get_by_test_id("table-benchmark").locator("tbody tr").count() == 8
    screenshot(page, "benchmark-live-sros")


def test_the_new_charts_render_with_their_tables_and_tooltips_give_the_counts(page: Any, make_user: Any) -> None:
    _two_years_of_cases()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    browser_login(page, make_user(Role.BOARD_CHAIR))
    page.goto("/performance/?date_from=2025-04-01&date_to=2025-06-30&quarter_a=2024-25-Q1&quarter_b=2025-26-Q1")
    for chart in ("chart-outcomes", "chart-funnel", "chart-trend-charged_pct"):
        page.locator(f'canvas[data-chart="{chart}"][data-rendered="true"]').wait_for()
    # the p-chart carries its centre line and both limits beside the monthly rate
    datasets = page.evaluate(
        """() => document.querySelector('canvas[data-chart="chart-trend-charged_pct"]').chart.data.datasets
            .map((d) => d.label)"""
    )
    assert datasets[0] == "Charge rate"
    assert datasets[1].startswith("Centre line")
    assert datasets[2:] == ["Upper control limit (3 sigma)", "Lower control limit (3 sigma)"]
    # a tooltip shows the counts behind a rate
    label = page.evaluate(
        """() => {
            const chart = document.querySelector('canvas[data-chart="chart-funnel"]').chart;
            const ctx = {dataset: chart.data.datasets[0], dataIndex: 3, parsed: {x: chart.data.datasets[0].data[3]},
                         formattedValue: String(chart.data.datasets[0].data[3])};
            return chart.options.plugins.tooltip.callbacks.label(ctx);
        }"""
    )
    # April to June 2025: 15 recorded, charged (outcome 1) for n = 0 and n = 2 of each month's five: 6 of 15
    assert label == "Recorded 1 April 2025 to 30 June 2025: 40% (6 of 15)"
    funnel = page.get_by_test_id("table-funnel").inner_text()
    assert "Charged/summonsed (outcome 1 or 1A)" in funnel and "40.0% (6 of 15)" in funnel
    assert page.get_by_test_id("table-outcome_groups").is_visible()
    assert page.get_by_test_id("table-victim_care").is_visible()
    assert not problems, problems
    page.locator("#outcomes").scroll_into_view_if_needed()
    screenshot(page, "performance-outcome-analytics")
