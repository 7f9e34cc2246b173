"""The register v2 columns of the investigation CSV import (DESIGN.md §2, §4): each optional, each checked
with its exact ``row N, column C: message``, and an export of the register imports back unchanged."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.importer import ImportRejected, import_investigations
from cases.models import HomeOfficeOffence, Investigation
from tests.cases.factories import InvestigationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEXT_MONTH = (TODAY + timedelta(days=30)).isoformat()  # relative: a fixed date would turn past one day
BASE = "crime_reference,strand,offence_group,recorded_date"
V2_HEADER = (
    f"{BASE},reported_date,ho_offence_code,da_flag,victim_id,suspect_id,victim_sex,suspect_sex,victim_age,"
    "suspect_age,victim_ethnicity,suspect_ethnicity,relationship,suspect_status,bail_start_date,bail_expiry_date,"
    "rui_start_date,withdrawal_reason,evidence_led_considered,cps_file_submitted_date,cps_action_plans,"
    "first_hearing_date,trial_date,sentence_date"
)


def _errors(path: Any) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        import_investigations(source=path)
    return [str(e) for e in rejected.value.errors]


def test_the_home_office_classifications_are_seeded_with_their_descriptions() -> None:
    rape = HomeOfficeOffence.objects.get(code="19C")
    assert (rape.description, rape.offence_group) == ("Rape of a female aged 16 or over", "rape")
    assert HomeOfficeOffence.objects.get(code="8U").offence_group == "coercive_control"
    assert {"19D", "19E", "19F", "19G", "19H", "17A", "20A", "8Q", "8L"} <= set(
        HomeOfficeOffence.objects.values_list("code", flat=True)
    )


def test_a_file_with_every_new_column_imports_and_a_future_trial_or_bail_return_is_allowed(write_csv: Any) -> None:
    path = write_csv(
        V2_HEADER,
        f"20/1/25,domestic_abuse,rape,2025-05-02,2025-05-01,19c,yes,P123,P456,female,male,34,41,white_british,"
        f"asian_pakistani,partner,charged,2025-05-03,{NEXT_MONTH},,,yes,2025-06-01,2,2025-07-01,{NEXT_MONTH},",
        "20/2/25,rasso,other_sexual,2025-05-02,,,,,,,,,,,,,,,,,,,,,,",  # every new column empty
    )
    result = import_investigations(source=path)

    assert (result.created, result.updated) == (2, 0)
    rape = Investigation.objects.get(crime_reference="20/1/25")
    assert (rape.strand, rape.ho_offence_id, rape.da_flag) == ("domestic_abuse", "19C", "yes")  # RASSO and DA both
    assert (rape.victim_id, rape.suspect_id, rape.victim_age, rape.suspect_age) == ("P123", "P456", 34, 41)
    assert rape.victim_age_group == "adult"  # from the age: the column was absent
    assert (rape.relationship, rape.suspect_status, rape.cps_action_plans) == ("partner", "charged", 2)
    assert rape.trial_date == TODAY + timedelta(days=30)
    blank = Investigation.objects.get(crime_reference="20/2/25")
    assert (blank.ho_offence_id, blank.victim_age, blank.victim_sex, blank.reported_date) == (None, None, "", None)
    assert blank.history.get().ho_offence_id is None  # history rows carry the new fields too


def test_old_files_without_the_new_columns_leave_stored_values_alone(write_csv: Any) -> None:
    InvestigationFactory(crime_reference="20/3/25", recorded_date=date(2025, 5, 2), victim_id="P9", victim_age=30)
    import_investigations(source=write_csv(BASE, "20/3/25,rasso,rape,2025-05-02"))
    stored = Investigation.objects.get(crime_reference="20/3/25")
    assert (stored.victim_id, stored.victim_age) == ("P9", 30)


def test_each_new_column_is_checked_with_its_row_and_column(write_csv: Any) -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    row = "20/{n}/25,rasso,rape,2025-05-02"
    path = write_csv(
        f"{BASE},reported_date,ho_offence_code,da_flag,victim_id,victim_sex,victim_age,suspect_age,"
        "victim_ethnicity,relationship,suspect_status,withdrawal_reason,evidence_led_considered,cps_action_plans,"
        "sentence_date",
        row.format(n=2) + ",2025-05-03,,,,,,,,,,,,,",  # reported after recorded
        row.format(n=3) + ",,19Z,,,,,,,,,,,,",  # not in the reference list
        row.format(n=4) + ",,,maybe,,,,,,,,,,,",
        row.format(n=5) + ",,,,John Smith,,,,,,,,,,",  # a name, not a reference
        row.format(n=6) + ",,,,,woman,,,,,,,,,",
        row.format(n=7) + ",,,,,,121,,,,,,,,",
        row.format(n=8) + ",,,,,,,forty,,,,,,,",
        row.format(n=9) + ",,,,,,,,british,,,,,,",
        row.format(n=10) + ",,,,,,,,,husband,,,,,",
        row.format(n=11) + ",,,,,,,,,,at_large,,,,",
        row.format(n=12) + ",,,,,,,,,,,scared,,,",
        row.format(n=13) + ",,,,,,,,,,,,y,,",
        row.format(n=14) + ",,,,,,,,,,,,,-1,",
        row.format(n=15) + f",,,,,,,,,,,,,,{tomorrow}",  # a sentence is not dated ahead
    )
    assert _errors(path) == [
        "row 2, column reported_date: is after the recorded date (2025-05-02)",
        "row 3, column ho_offence_code: '19Z' is not a Home Office offence code in the reference list",
        "row 4, column da_flag: 'maybe' is not yes, no or empty",
        "row 5, column victim_id: 'John Smith' is not a person reference (it has no digit): names are never stored",
        "row 6, column victim_sex: 'woman' is not a known code (use one of: female, male, other, unknown)",
        "row 7, column victim_age: '121' is not a whole number of years from 0 to 120",
        "row 8, column suspect_age: 'forty' is not a whole number of years from 0 to 120",
        "row 9, column victim_ethnicity: 'british' is not a known code (use one of: asian_bangladeshi, asian_chinese, "
        "asian_indian, asian_pakistani, asian_other, black_african, black_caribbean, black_other, mixed_white_asian, "
        "mixed_white_black_african, mixed_white_black_caribbean, mixed_other, white_british, white_irish, "
        "white_gypsy_traveller, white_roma, white_other, other_arab, other_any, not_stated)",
        "row 10, column relationship: 'husband' is not a known code (use one of: partner, ex_partner, family, "
        "acquaintance, stranger, other, unknown)",
        "row 11, column suspect_status: 'at_large' is not a known code (use one of: not_identified, identified, "
        "arrested, interviewed, wanted, charged)",
        "row 12, column withdrawal_reason: 'scared' is not a known code (use one of: fear_of_reprisal, "
        "relationship_resumed, investigation_length, intrusive_process, safeguarding_only, other)",
        "row 13, column evidence_led_considered: 'y' is not yes, no or empty",
        "row 14, column cps_action_plans: '-1' is not a whole number of action plans from 0 to 99",
        f"row 15, column sentence_date: {tomorrow} is in the future",
    ]
    assert not Investigation.objects.exists()


def test_bail_and_court_dates_follow_the_recorded_date_and_bail_expires_after_it_starts(write_csv: Any) -> None:
    path = write_csv(
        f"{BASE},bail_start_date,bail_expiry_date,rui_start_date,cps_file_submitted_date,first_hearing_date",
        "20/1/25,rasso,rape,2025-05-02,2025-05-10,2025-05-10,,,",  # expiry on the day bail starts
        "20/2/25,rasso,rape,2025-05-02,2025-05-10,2025-05-09,,,",  # expiry before it starts
        "20/3/25,rasso,rape,2025-05-02,,,2025-05-01,2025-04-30,2025-04-01",  # before the crime was recorded
    )
    assert _errors(path) == [
        "row 2, column bail_expiry_date: is not after the bail start date (2025-05-10)",
        "row 3, column bail_expiry_date: is not after the bail start date (2025-05-10)",
        "row 4, column cps_file_submitted_date: is before the recorded date (2025-05-02)",
        "row 4, column first_hearing_date: is before the recorded date (2025-05-02)",
        "row 4, column rui_start_date: is before the recorded date (2025-05-02)",
    ]


def test_the_victim_age_group_follows_the_age_and_a_contradiction_is_an_error(write_csv: Any) -> None:
    path = write_csv(
        f"{BASE},victim_age_group,victim_age",
        "20/1/25,rasso,rape,2025-05-02,child,16",  # 16 is an adult at the offence
        "20/2/25,rasso,rape,2025-05-02,adult,15",
        "20/3/25,rasso,rape,2025-05-02,adult,16",  # agrees
    )
    assert _errors(path) == [
        "row 2, column victim_age_group: 'child' contradicts victim_age 16 (adult is 16 or over at the offence)",
        "row 3, column victim_age_group: 'adult' contradicts victim_age 15 (adult is 16 or over at the offence)",
    ]
    path = write_csv(f"{BASE},victim_age_group,victim_age", "20/4/25,rasso,rape,2025-05-02,,15", name="b.csv")
    import_investigations(source=path)
    assert Investigation.objects.get().victim_age_group == "child"  # derived from 15


def test_the_model_derives_the_age_group_and_refuses_a_contradiction() -> None:
    investigation = InvestigationFactory.build(victim_age=15, victim_age_group="unknown", lpa=None, team=None)
    investigation.clean()
    assert investigation.victim_age_group == "child"
    investigation.victim_age_group = "adult"
    with pytest.raises(ValidationError) as refused:
        investigation.clean()
    assert refused.value.message_dict["victim_age_group"] == [
        "'adult' contradicts victim_age 15 (adult is 16 or over at the offence)"
    ]


def test_a_register_export_with_the_new_columns_imports_back_unchanged(
    write_csv: Any, client: Any, make_user: Any
) -> None:
    path = write_csv(
        V2_HEADER,
        "20/1/25,domestic_abuse,rape,2025-05-02,2025-05-01,19C,yes,P123,P456,female,male,34,41,white_british,"
        "asian_pakistani,partner,charged,2025-05-03,2025-06-01,,,yes,2025-06-01,2,2025-07-01,2025-08-01,",
    )
    import_investigations(source=path)
    client.force_login(make_user("case_editor"))
    exported = b"".join(client.get("/cases/?format=csv").streaming_content)
    header = exported.decode("utf-8-sig").splitlines()[0]
    assert header.split(",")[-23:] == V2_HEADER.split(",")[4:]  # the 23 register v2 columns, last
    result = import_investigations(source=io.BytesIO(exported))
    assert (result.rows, result.unchanged) == (1, 1)
