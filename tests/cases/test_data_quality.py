"""The data-quality report: every rule on a hand-built set with its expected count, the breakdowns,
the drill-down lists, the CSV of failing references and who may see them."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from cases import quality
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 12, 31)  # passed to the rules: the set's dates stay where they are whatever the day
FROM, TO = date(2025, 1, 1), date(2025, 12, 31)


def _make(reference: str, **values: Any) -> Any:
    """A record passing every rule unless ``values`` say otherwise: HO code and ethnicity recorded."""
    defaults: dict[str, Any] = {"ho_offence_id": "19C", "victim_ethnicity": "white_british"}
    return InvestigationFactory(crime_reference=reference, **{**defaults, **values})


@pytest.fixture
def hand_built() -> None:
    # late recording: reported → recorded 1 day (within 24 hours, as far as dates tell) and 2 days
    _make("A", reported_date="2025-03-01", recorded_date="2025-03-02")
    _make("B", reported_date="2025-03-01", recorded_date="2025-03-03", lpa="coventry")  # fails
    # outcome 18: with a suspect reference (fails), with status 'wanted' (fails), not identified
    _make("C", outcome_type="18", outcome_date="2025-06-01", suspect_id="P1", suspect_ethnicity="asian_indian")
    _make("D", outcome_type="18", outcome_date="2025-06-01", suspect_status="wanted")
    _make("E", outcome_type="18", outcome_date="2025-06-01", suspect_status="not_identified")
    # … and one whose suspect was arrested, whatever its status says (fails)
    _make("T", outcome_type="18", outcome_date="2025-06-01", suspect_status="not_identified", arrest_date="2025-04-01")
    # withdrawal: 16 without a reason (fails), 14 with one
    _make("F", outcome_type="16", outcome_date="2025-06-01")
    _make("G", outcome_type="14", outcome_date="2025-06-01", withdrawal_reason="fear_of_reprisal")
    # charged: without a referral (fails), with one and a conviction
    _make("H", outcome_type="1", outcome_date="2025-07-01", team="domestic_abuse")
    CpsReferralFactory(
        investigation=_make(
            "I", outcome_type="1", outcome_date="2025-07-01", court_outcome="convicted", court_outcome_date="2025-09-01"
        ),
        referral_date="2025-06-01",
    )
    # a court result without a charge (fails); 16 with a reason so it fails nothing else
    _make(
        "J",
        outcome_type="16",
        outcome_date="2025-06-01",
        withdrawal_reason="other",
        court_outcome="acquitted",
        court_outcome_date="2025-08-01",
    )
    # bail: expired and open (fails); not expired yet; expired with an outcome
    _make("K", bail_expiry_date="2025-11-01", recorded_date="2025-10-01")
    _make("L", bail_expiry_date="2026-01-15")
    _make("M", bail_expiry_date="2025-10-01", outcome_type="15", outcome_date="2025-09-30")
    # RUI: started 1 June, more than six months before 31 December (fails); 15 July, within; old but finalised
    _make("N", rui_start_date="2025-06-01", recorded_date="2025-05-20")
    _make("O", rui_start_date="2025-07-15")
    _make("P", rui_start_date="2025-02-01", recorded_date="2025-02-01", outcome_type="21", outcome_date="2025-10-01")
    # no HO code, ethnicity not stated, and a suspect whose ethnicity is not stated
    _make("Q", ho_offence_id=None, victim_ethnicity="not_stated", suspect_id="P2", suspect_ethnicity="not_stated")
    _make("R", ho_offence_id=None, victim_ethnicity="")
    # outside the period: fails everything it can, counted nowhere
    _make("S", recorded_date="2024-12-31", ho_offence_id=None, victim_ethnicity="")


def _counts(report: quality.QualityReport) -> dict[str, tuple[int, int]]:
    return {rule.key: (rate.numerator, rate.denominator) for rule, rate in report.rules}


def test_every_rule_counts_what_it_should_over_a_hand_built_set(hand_built: None, make_user: Any) -> None:
    report = quality.quality_report(user=make_user("case_editor"), date_from=FROM, date_to=TO, today=TODAY)

    assert report.total == 19  # A … R and T; S was recorded in 2024
    assert _counts(report) == {
        "late_recording": (1, 2),  # B of A, B
        "outcome_18_suspect_identified": (3, 4),  # C, D, T of C, D, E, T
        "withdrawal_without_reason": (1, 3),  # F of F, G, J
        "charged_without_cps_referral": (1, 2),  # H of H, I
        "court_outcome_without_charge": (1, 2),  # J of I, J
        "bail_expired_no_outcome": (1, 3),  # K of K, L, M
        "rui_over_six_months": (1, 3),  # N of N, O, P
        "missing_ho_offence_code": (2, 19),  # Q, R
        "victim_ethnicity_not_stated": (2, 19),  # Q, R
        "suspect_ethnicity_not_stated": (1, 2),  # Q of C, Q
    }
    rates = {rule.key: rate.value for rule, rate in report.rules}
    assert rates["outcome_18_suspect_identified"] == 75.0  # 3 of 4


def test_the_breakdowns_count_failing_records_by_lpa_team_and_month(hand_built: None, make_user: Any) -> None:
    report = quality.quality_report(user=make_user("audit_lead"), date_from=FROM, date_to=TO, today=TODAY)

    by_lpa = dict(report.by_lpa)
    assert by_lpa["Coventry"]["late_recording"] == 1 and by_lpa["Birmingham"]["late_recording"] == 0
    assert dict(report.by_team)["Domestic Abuse"]["charged_without_cps_referral"] == 1
    by_month = dict(report.by_month)
    assert by_month["2025-03"]["late_recording"] == 1  # B, recorded in March
    assert by_month["2025-05"]["missing_ho_offence_code"] == 2  # Q and R, recorded on the factory's 1 May
    assert sum(counts["bail_expired_no_outcome"] for counts in by_month.values()) == 1


def test_the_drill_down_lists_exactly_the_failing_references(hand_built: None, client: Any, make_user: Any) -> None:
    client.force_login(make_user("case_editor"))
    page = client.get("/cases/quality/outcome_18_suspect_identified/?date_from=2025-01-01&date_to=2025-12-31")
    assert page.status_code == 200
    assert sorted(inv.crime_reference for inv in page.context["page_obj"]) == ["C", "D", "T"]
    csv_rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(
                        "/cases/quality/missing_ho_offence_code/?date_from=2025-01-01&date_to=2025-12-31&format=csv"
                    ).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    assert csv_rows[0][0] == "crime_reference" and sorted(row[0] for row in csv_rows[1:]) == ["Q", "R"]


def test_the_report_page_shows_every_rule_and_downloads_the_failing_references(
    hand_built: None, client: Any, make_user: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)  # the page's day: bail and RUI rules read it
    client.force_login(make_user("administrator"))
    page = client.get("/cases/quality/?date_from=2025-01-01&date_to=2025-12-31")
    assert page.status_code == 200
    assert [row[0] for row in page.context["tables"]["rules"].rows] == [rule.title for rule in quality.RULES]
    download = client.get("/cases/quality/?date_from=2025-01-01&date_to=2025-12-31&table=failing&format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    # every reference failing one rule or more, once: B C D F H J K N Q R T
    assert sorted(row["crime_reference"] for row in rows) == ["B", "C", "D", "F", "H", "J", "K", "N", "Q", "R", "T"]
    q = next(row for row in rows if row["crime_reference"] == "Q")
    assert (q["missing_ho_offence_code"], q["victim_ethnicity_not_stated"], q["late_recording"]) == ("yes", "yes", "")


def test_a_bad_period_is_a_400_and_the_opcc_and_other_roles_are_refused(client: Any, make_user: Any) -> None:
    client.force_login(make_user("case_editor"))
    assert client.get("/cases/quality/?date_from=2025-12-01&date_to=2025-01-01").status_code == 400
    assert client.get("/cases/quality/no_such_rule/").status_code == 404
    for role in ("opcc_scrutiny", "commitment_lead", "board_chair"):
        client.force_login(make_user(role))
        assert client.get("/cases/quality/").status_code == 403
        assert client.get("/cases/quality/?table=failing&format=csv").status_code == 403
        assert client.get("/cases/quality/late_recording/").status_code == 403
