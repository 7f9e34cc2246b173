"""Headless chromium: a board chair opens a dashboard figure onto the investigations behind it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from oversight.roles import Role
from tests.cases.factories import InvestigationFactory
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DASHBOARD = "/performance/?date_from=2025-04-01&date_to=2025-06-30&quarter_a=2024-25-Q1&quarter_b=2025-26-Q1"


def _quarter_of_cases() -> None:
    """Q1 2025-26: 12 RASSO cases in Wolverhampton and Dudley, every third with a positive outcome
    (charge or community resolution) 10 days after it was recorded; 4 domestic abuse cases."""
    for n in range(16):
        recorded = date(2025, 4, 2) + timedelta(days=5 * n)
        rasso = n < 12
        positive = rasso and n % 3 == 0
        InvestigationFactory(
            strand="rasso" if rasso else "domestic_abuse",
            offence_group="rape" if rasso else "violence",
            lpa="wolverhampton" if n % 2 else "dudley",
            recorded_date=recorded,
            outcome_type=("1" if n % 2 else "8") if positive else "",
            outcome_date=recorded + timedelta(days=10) if positive else None,
            crime_reference=f"20/{n:06d}/25",
        )


def test_a_board_chair_clicks_a_figure_and_lands_on_its_records(page: Any, make_user: Any) -> None:
    _quarter_of_cases()
    browser_login(page, make_user(Role.BOARD_CHAIR))
    page.goto(DASHBOARD)

    # The strand table's positive outcomes for RASSO: cases 0, 3, 6, 9 → 4
    strand_table = page.get_by_test_id("table-strand")
    rasso = strand_table.locator("tr", has_text="Rape and serious sexual offences")
    link = rasso.locator("a.app-figure-link").nth(1)  # recorded, then positive outcomes
    figure = link.get_attribute("data-drilldown")
    assert figure == "4"
    screenshot(page, "drilldown-dashboard-board-chair")
    link.click()
    page.wait_for_url("**/cases/?measure=positive_outcomes*")

    description = page.get_by_test_id("drilldown-description").inner_text()
    assert description == (
        "Positive outcomes, 1 April 2025 – 30 June 2025, Rape and serious sexual offences: 4 investigations"
    )
    assert page.get_by_test_id("result-count").inner_text() == f"{figure} investigations"
    rows = page.get_by_test_id("investigation-table").locator("tbody tr")
    assert rows.count() == 4
    assert sorted(rows.locator("td:first-child").all_inner_texts()) == [
        "20/000000/25",
        "20/000003/25",
        "20/000006/25",
        "20/000009/25",
    ]
    screenshot(page, "drilldown-register-positive-outcomes")

    # The way back: the dashboard for the same period; and the whole register.
    page.get_by_test_id("drilldown-clear").click()
    page.wait_for_url("**/cases/")
    assert page.get_by_test_id("result-count").inner_text() == "16 investigations"


def test_the_opcc_sees_the_figures_without_links(page: Any, make_user: Any) -> None:
    _quarter_of_cases()
    browser_login(page, make_user(Role.OPCC_SCRUTINY))
    page.goto(DASHBOARD)
    assert page.get_by_test_id("tile-recorded_offences").inner_text().count("16") >= 1
    assert page.locator("a.app-figure-link").count() == 0
    assert page.locator('a[href^="/cases/"]').count() == 0
