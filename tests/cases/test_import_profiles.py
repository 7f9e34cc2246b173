"""Import profiles: a records-system export (53 columns named as such systems name them) imports through
the demo profile, and fails without it naming every unknown column; the page previews before writing."""

from __future__ import annotations

import csv
import html
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cases.importer import ImportRejected, import_investigations, preview
from cases.models import ImportProfile, Investigation
from cases.profiles import SAMPLE_PROFILE, sample_profile_fields

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "records_system_export.csv"


@pytest.fixture
def profile() -> ImportProfile:
    return ImportProfile.objects.create(name=SAMPLE_PROFILE["name"], **sample_profile_fields())


def _header() -> list[str]:
    with SAMPLE.open(encoding="utf-8") as handle:
        return next(csv.reader(handle))


def test_the_sample_export_has_forty_or_more_columns_named_as_a_records_system_names_them() -> None:
    header = _header()
    assert len(header) == 53
    assert {"Crime Number", "HO Class", "Victim Age at Offence", "MO Summary"} <= set(header)


def test_the_sample_export_imports_cleanly_through_the_profile(profile: ImportProfile, make_user: Any) -> None:
    result = import_investigations(source=SAMPLE, profile=profile, actor=make_user("case_editor"))

    assert (result.rows, result.created, result.referrals_created) == (12, 12, 4)
    rape = Investigation.objects.get(crime_reference="20/310001/24")
    # a rape by a partner counts as RASSO (strand) and as domestic abuse (the Home Office flag)
    assert (rape.strand, rape.offence_group, rape.ho_offence_id, rape.da_flag) == ("rasso", "rape", "19C", "yes")
    assert (rape.reported_date, rape.recorded_date, rape.sentence_date) == (
        date(2024, 4, 2),
        date(2024, 4, 2),
        date(2025, 8, 22),
    )  # DD/MM/YYYY read as the profile says
    assert (rape.victim_id, rape.victim_sex, rape.victim_age, rape.victim_age_group) == (
        "PN0048213",
        "female",
        27,
        "adult",
    )
    assert (rape.victim_ethnicity, rape.relationship, rape.bail_status) == ("white_british", "partner", "bail")
    assert (rape.lpa.code if rape.lpa else None, rape.team.code if rape.team else None) == ("birmingham", "rasso")
    assert (rape.court_outcome, rape.vcop_compliant) == ("convicted", "yes")
    referral = rape.referrals.get()
    assert (referral.decision, referral.decision_date) == ("charge", date(2024, 11, 18))
    child = Investigation.objects.get(crime_reference="20/310003/24")
    assert (child.victim_age, child.victim_age_group, child.suspect_status) == (14, "child", "wanted")
    # the free-text column was ignored: nothing of it is stored, in the record or its history
    assert "home address" not in str(list(Investigation.history.values()))


def test_without_the_profile_the_same_file_fails_naming_every_unknown_column() -> None:
    with pytest.raises(ImportRejected) as rejected:
        import_investigations(source=SAMPLE)
    errors = [str(e) for e in rejected.value.errors]
    assert len(errors) == 53 + 4  # every column unknown, and the four required ones missing
    assert "row 1, column Crime Number: unknown column" in errors
    assert "row 1, column HO Class: unknown column" in errors
    assert "row 1, column Victim Age at Offence: unknown column" in errors
    assert "row 1, column crime_reference: required column is missing" in errors
    assert not Investigation.objects.exists()


def test_a_column_the_profile_neither_maps_nor_ignores_is_named(profile: ImportProfile) -> None:
    profile.ignored = [name for name in profile.ignored if name != "MO Summary"]
    profile.save()
    with pytest.raises(ImportRejected) as rejected:
        import_investigations(source=SAMPLE, profile=profile)
    assert [str(e) for e in rejected.value.errors] == [
        "row 1, column MO Summary: unknown column: map it or ignore it in the profile rms-crime-export"
    ]


def test_errors_through_a_profile_name_the_export_column_and_the_register_column(
    profile: ImportProfile, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Crime Number,PPU Category,Offence Description,Date Recorded,Victim Gender,Date Reported\n"
        "20/1/25,Domestic Abuse,Stalking,02/05/2025,Woman,31/02/2025\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as rejected:
        import_investigations(source=path, profile=profile)
    assert [str(e) for e in rejected.value.errors] == [
        "row 2, column Date Reported (reported_date): '31/02/2025' is not a date in the form DD/MM/YYYY",
        "row 2, column Victim Gender (victim_sex): 'Woman' is not a known code (use one of: female, male, other, "
        "unknown)",
    ]


def test_the_command_takes_a_profile_by_name(profile: ImportProfile) -> None:
    out = StringIO()
    call_command("import_investigations", str(SAMPLE), "--profile", "RMS-Crime-Export", stdout=out)
    assert "12 created" in out.getvalue()
    with pytest.raises(CommandError, match="No import profile named nowhere"):
        call_command("import_investigations", str(SAMPLE), "--profile", "nowhere")


def test_the_preview_shows_the_first_rows_as_mapped_and_writes_nothing(profile: ImportProfile) -> None:
    shown = preview(source=SAMPLE, profile=profile, rows=3)

    assert shown.columns[:4] == ["crime_reference", "reported_date", "recorded_date", "offence_date"]
    assert shown.labels[0] == "Crime Number (crime_reference)"
    assert [number for number, _cells in shown.rows] == [2, 3, 4]
    first = dict(zip(shown.columns, shown.rows[0][1], strict=True))
    assert (first["strand"], first["ho_offence_code"], first["recorded_date"]) == ("rasso", "19C", "2024-04-02")
    assert shown.errors == [] and shown.truncated
    assert not Investigation.objects.exists()


def test_the_upload_page_previews_then_imports_the_same_file(
    client: Any, make_user: Any, profile: ImportProfile
) -> None:
    client.force_login(make_user("case_editor"))
    with SAMPLE.open("rb") as upload:
        page = client.post("/cases/import/", {"file": upload, "profile": profile.pk, "action": "preview"})
    assert page.status_code == 200
    assert "Preview of records_system_export.csv" in page.content.decode()
    assert "Crime Number (crime_reference)" in page.content.decode()
    assert not Investigation.objects.exists()

    done = client.post("/cases/import/", {"token": page.context["token"]})
    assert done.status_code == 200 and done.context["result"].created == 12
    again = client.post("/cases/import/", {"token": page.context["token"]})  # the kept file is gone
    assert again.status_code == 400 and Investigation.objects.count() == 12


def test_a_data_officer_saves_a_profile_and_a_mapping_to_an_unknown_code_is_refused(
    client: Any, make_user: Any
) -> None:
    client.force_login(make_user("case_editor"))
    form = {
        "name": "athena",
        "source": "Athena crime export",
        "date_format": "DD/MM/YYYY",
        "column_crime_reference": "URN",
        "column_strand": "Theme",
        "column_offence_group": "Offence",
        "column_ho_offence_code": "Offence",
        "column_recorded_date": "Recorded",
        "ignored": "Notes\nOfficer",
        "values": "offence_group | Rape of a female aged 16 or over | rape\n"
        "ho_offence_code | Rape of a female aged 16 or over | 19C",
    }
    response = client.post("/cases/import/profiles/new/", form)
    assert response.status_code == 302
    saved = ImportProfile.objects.get(name="athena")
    assert {"source": "Offence", "field": "ho_offence_code"} in saved.columns
    assert saved.values["offence_group"] == {"Rape of a female aged 16 or over": "rape"}
    assert saved.ignored == ["Notes", "Officer"]
    assert saved.history.get().history_user is not None

    refused = client.post("/cases/import/profiles/new/", {**form, "name": "other", "values": "strand | DA | da"})
    assert refused.status_code == 400
    assert "strand: 'DA' is mapped to 'da', which is not a code of strand" in html.unescape(refused.content.decode())
    assert not ImportProfile.objects.filter(name="other").exists()
