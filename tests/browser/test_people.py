"""Headless chromium: repeat victims from the dashboard to the people behind the count, and the
disproportionality page as a case role and as an OPCC user (small groups withheld)."""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from typing import Any

import pytest

from oversight.roles import Role
from tests.cases.factories import InvestigationFactory
from tests.conftest import ARTIFACTS, browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WINDOW = "date_from=2024-04-01&date_to=2025-03-31"
DASHBOARD = f"/performance/?{WINDOW}&quarter_a=2023-24-Q4&quarter_b=2024-25-Q4"


def _year_of_cases() -> None:
    """240 investigations over 2024-25 (seeded random): victims V0…V149 (so some have two or more in a
    quarter), suspects S0…S99, mostly female victims and male suspects, ages and ethnic groups spread,
    a third with an outcome 30 days later; a few on bail or RUI at the end of the year."""
    rng = random.Random(14)
    ethnicities = ["white_british", "asian_pakistani", "black_caribbean", "mixed_other", "white_other", "other_arab"]
    for n in range(240):
        recorded = date(2024, 4, 1) + timedelta(days=rng.randrange(330))
        outcome = rng.choice(["1", "1", "8", "16", "14", "15", "18", "", "", "", "", ""])
        InvestigationFactory(
            unplaced=True,
            crime_reference=f"20/{n:06d}/24",
            recorded_date=recorded,
            outcome_type=outcome,
            outcome_date=recorded + timedelta(days=30) if outcome else None,
            victim_id=f"V{rng.randrange(150)}",
            suspect_id=f"S{rng.randrange(100)}",
            victim_sex="other" if n in (5, 6) else rng.choice(["female"] * 8 + ["male", ""]),
            suspect_sex=rng.choice(["male"] * 8 + ["female", ""]),
            victim_age=rng.choice([None, 14, 17, 21, 28, 33, 41, 52, 67]),
            suspect_age=rng.choice([None, 19, 24, 31, 38, 45, 58]),
            victim_ethnicity=rng.choice([*ethnicities, ""]),
            suspect_ethnicity=rng.choice([*ethnicities, ""]),
            bail_start_date=recorded + timedelta(days=2) if n % 11 == 0 and not outcome else None,
            bail_expiry_date=date(2025, 4, 8) if n % 11 == 0 and not outcome else None,
            rui_start_date=recorded + timedelta(days=3) if n % 7 == 0 and not outcome else None,
        )


def _element_shot(locator: Any, name: str) -> None:
    os.makedirs(ARTIFACTS, exist_ok=True)
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"))


def test_a_board_chair_follows_repeat_victims_to_the_people_behind_the_count(page: Any, make_user: Any) -> None:
    _year_of_cases()
    browser_login(page, make_user(Role.BOARD_CHAIR))
    page.goto(DASHBOARD)
    page.wait_for_timeout(500)  # charts drawn
    _element_shot(page.get_by_test_id("chart-repeat-people"), "analytics-repeat-people-chart")
    _element_shot(page.get_by_test_id("table-bail"), "analytics-bail-table")
    table = page.get_by_test_id("table-repeat_people")
    link = table.locator("a.app-figure-link").first  # the first quarter's repeat victims
    figure = int(link.get_attribute("data-drilldown") or "0")
    assert figure > 0
    link.click()
    page.wait_for_url("**/cases/repeat-people/?person=victim*")
    assert page.get_by_test_id("repeat-people").locator("tbody tr").count() == figure
    screenshot(page, "analytics-repeat-victims-list")

    page.goto(f"/performance/disproportionality/?{WINDOW}")
    page.wait_for_timeout(500)
    _element_shot(page.get_by_test_id("chart-victim-age-band"), "analytics-disproportionality-victim-age-chart")
    _element_shot(page.get_by_test_id("chart-suspect-age-band"), "analytics-disproportionality-suspect-age-chart")
    assert "fewer than 10" not in page.get_by_test_id("table-victim_ethnicity").inner_text()
    screenshot(page, "analytics-disproportionality-case-role")


def test_an_opcc_user_sees_small_groups_withheld(page: Any, make_user: Any) -> None:
    _year_of_cases()
    browser_login(page, make_user(Role.OPCC_SCRUTINY))
    page.goto(f"/performance/disproportionality/?{WINDOW}")
    table = page.get_by_test_id("table-victim_sex").inner_text()
    screenshot(page, "analytics-disproportionality-opcc")
    assert "Other\tfewer than 10" in table  # two victims recorded as "other"
    page.goto(DASHBOARD)
    assert page.get_by_test_id("table-repeat_people").locator("a").count() == 0
    screenshot(page, "analytics-dashboard-opcc")
