"""The investigation CSV import: validation of the whole file first, then an all-or-nothing upsert."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.importer import ImportRejected, import_investigations
from cases.models import CpsReferral, Investigation
from tests.cases.conftest import HEADER
from tests.cases.factories import CpsReferralFactory, InvestigationFactory

pytestmark = pytest.mark.django_db

FUTURE = (timezone.localdate() + timedelta(days=30)).isoformat()  # a fixed date would turn past one day
CLEAN = (
    HEADER,
    "20/000001/25,rasso,rape,adult,birmingham,rasso,2025-04-10,2025-04-09,1,2025-09-01,2025-07-01,charge,"
    "2025-08-20,2025-04-12,bail,convicted,2026-02-01,yes,yes,spiking;night_time_economy",
    "20/000002/25,domestic_abuse,coercive_control,adult,Coventry,Domestic Abuse,2025-05-02,,,,,,,2025-05-03,rui,,,"
    "no,,coercive_control",
    "20/000003/25,csa,online_csa,child,WOLVERHAMPTON,ocset,2025-06-15,2025-06-01,16,2025-10-01,,,,,,,,,,",
)


def _import(path: Any, actor: Any = None) -> Any:
    return import_investigations(source=path, actor=actor)


def test_it_imports_a_clean_file(write_csv: Any, make_user: Any) -> None:
    editor = make_user("case_editor")
    result = _import(write_csv(*CLEAN, bom=True), actor=editor)

    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    first = Investigation.objects.get(crime_reference="20/000001/25")
    assert first.lpa is not None and first.team is not None
    assert first.lpa.code == "birmingham" and first.team.code == "rasso"
    assert (first.outcome_type, first.outcome_date) == ("1", date(2025, 9, 1))
    assert (first.court_outcome, first.bail_status, first.vcop_compliant) == ("convicted", "bail", "yes")
    assert sorted(first.flags.values_list("code", flat=True)) == ["night_time_economy", "spiking"]
    referral = first.referrals.get()
    assert (referral.referral_date, referral.decision, referral.decision_date) == (
        date(2025, 7, 1),
        "charge",
        date(2025, 8, 20),
    )
    second = Investigation.objects.get(crime_reference="20/000002/25")
    assert second.lpa is not None and second.team is not None
    assert second.lpa.code == "coventry" and second.team.code == "domestic_abuse"
    assert second.outcome_type == "" and second.outcome_date is None
    third_lpa = Investigation.objects.get(crime_reference="20/000003/25").lpa
    assert third_lpa is not None
    assert third_lpa.code == "wolverhampton"


def test_it_keeps_history_with_the_importing_user_and_the_flags(write_csv: Any, make_user: Any) -> None:
    editor = make_user("case_editor")
    _import(write_csv(*CLEAN), actor=editor)

    first = Investigation.objects.get(crime_reference="20/000001/25")
    record = first.history.get()
    assert record.history_type == "+" and record.history_user == editor
    assert record.history_change_reason == "CSV import"
    assert sorted(f.flag.code for f in record.flags.all()) == ["night_time_economy", "spiking"]
    assert first.referrals.get().history.get().history_user == editor


def test_it_reports_every_error_with_row_and_column_and_writes_nothing(write_csv: Any) -> None:
    existing = InvestigationFactory(crime_reference="20/999999/24", outcome_type="", recorded_date=date(2024, 5, 1))
    path = write_csv(
        "crime_reference,strand,offence_group,recorded_date,outcome_type,outcome_date,lpa,colour",
        "20/999999/24,rasso,rape,2024-05-01,1,2024-09-01,birmingham,",  # a valid update: still not written
        "20/000010/25,rassoo,rape,2025-05-01,,,birmingham,",  # unknown strand
        "20/000011/25,rasso,rape,2025-13-01,,,coventry,",  # bad date
        f"20/000012/25,rasso,rape,{FUTURE},,,coventry,",  # future date
        "20/000013/25,rasso,rape,2025-05-01,,2025-06-01,coventry,",  # outcome date without type
        "20/000014/25,rasso,rape,2025-05-01,1,2025-04-01,coventry,",  # outcome before recorded
        "20/000015/25,rasso,rape,2025-05-01,,,atlantis,",  # unknown LPA
        "20/000010/25,rasso,rape,2025-05-01,,,coventry,",  # repeats row 3's reference
        "20/000016/25,rasso,rape,2025-05-01,99,2025-06-01,coventry,",  # unknown outcome type
        "20/000017/25,rasso,rape,2025-05-01,1,,coventry,",  # outcome type without date
    )

    with pytest.raises(ImportRejected) as rejected:
        _import(path)

    assert [str(e) for e in rejected.value.errors] == [
        "row 1, column colour: unknown column",
        "row 3, column strand: 'rassoo' is not a known code (use one of: "
        "rasso, domestic_abuse, stalking_harassment, honour_based_abuse, fgm, forced_marriage, sexual_harassment, "
        "cse, csa, sex_work, modern_slavery)",
        "row 4, column recorded_date: '2025-13-01' is not a date in the form YYYY-MM-DD",
        f"row 5, column recorded_date: {FUTURE} is in the future",
        "row 6, column outcome_type: an outcome date needs an outcome type",
        "row 7, column outcome_date: is before the recorded date (2025-05-01)",
        "row 8, column lpa: 'atlantis' is not a known LPA code or name",
        "row 9, column crime_reference: 20/000010/25 is already in row 3",
        "row 10, column outcome_type: '99' is not a Home Office outcome type (1, 1A, 2 … 22)",
        "row 11, column outcome_date: an outcome type needs an outcome date",
    ]
    assert Investigation.objects.count() == 1
    existing.refresh_from_db()
    assert existing.outcome_type == ""
    assert existing.history.count() == 1  # only the factory's own creation


def test_it_reports_missing_required_columns_on_row_1(write_csv: Any) -> None:
    with pytest.raises(ImportRejected) as rejected:
        _import(write_csv("crime_reference,strand", "20/1/25,rasso"))
    assert [str(e) for e in rejected.value.errors] == [
        "row 1, column offence_group: required column is missing",
        "row 1, column recorded_date: required column is missing",
    ]


def test_it_reports_empty_required_values_and_bad_cps_and_yes_no_values(write_csv: Any) -> None:
    path = write_csv(
        "recorded_date,offence_group,strand,crime_reference,cps_referral_date,cps_decision,cps_decision_date,"
        "vps_offered,flags,team",
        ",rape,rasso,20/1/25,,,,,,",
        "2025-05-01,rape,rasso,20/2/25,2025-06-01,charge,2025-04-01,maybe,spiking;unicorn,nowhere",
        "2025-05-01,rape,rasso,20/3/25,2025-04-20,charge,,,,",
        "2025-05-01,rape,rasso,,,,,,,",
    )
    with pytest.raises(ImportRejected) as rejected:
        _import(path)
    assert [str(e) for e in rejected.value.errors] == [
        "row 2, column recorded_date: is required",
        "row 3, column cps_decision_date: is before the CPS referral date",  # one error per cell
        "row 3, column flags: 'unicorn' is not a known flag code",
        "row 3, column team: 'nowhere' is not a known team code or name",
        "row 3, column vps_offered: 'maybe' is not yes, no or empty",
        "row 4, column cps_decision_date: a CPS decision needs its date",
        "row 4, column cps_referral_date: is before the recorded date (2025-05-01)",
        "row 5, column crime_reference: is required",
    ]


def test_reimporting_the_same_file_changes_nothing(write_csv: Any, make_user: Any) -> None:
    path = write_csv(*CLEAN)
    _import(path, actor=make_user("case_editor"))
    before = (
        Investigation.history.count(),
        CpsReferral.history.count(),
        list(Investigation.objects.values_list("crime_reference", "updated_at")),
    )

    result = _import(path)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    after = (
        Investigation.history.count(),
        CpsReferral.history.count(),
        list(Investigation.objects.values_list("crime_reference", "updated_at")),
    )
    assert after == before


def test_a_row_with_an_existing_reference_updates_it_and_its_referral(write_csv: Any, make_user: Any) -> None:
    investigation = InvestigationFactory(crime_reference="20/555555/25", recorded_date=date(2025, 5, 1))
    investigation.flags.set([])
    CpsReferralFactory(investigation=investigation, referral_date=date(2025, 6, 1))
    editor = make_user("case_editor")
    path = write_csv(
        "crime_reference,strand,offence_group,recorded_date,outcome_type,outcome_date,cps_referral_date,"
        "cps_decision,cps_decision_date,flags",
        "20/555555/25,rasso,rape,2025-05-01,1A,2025-08-01,2025-06-01,charge,2025-07-15,online",
        "20/555556/25,rasso,rape,2025-05-01,,,2025-06-01,,,",
    )

    result = _import(path, actor=editor)

    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert (result.referrals_created, result.referrals_updated) == (1, 1)
    investigation.refresh_from_db()
    assert (investigation.outcome_type, investigation.outcome_date) == ("1A", date(2025, 8, 1))
    assert investigation.lpa is not None
    assert investigation.lpa.code == "birmingham"  # absent column: kept
    assert list(investigation.flags.values_list("code", flat=True)) == ["online"]
    referral = investigation.referrals.get()  # matched by its date, not duplicated
    assert (referral.decision, referral.decision_date) == ("charge", date(2025, 7, 15))
    latest = investigation.history.first()
    assert latest.history_type == "~" and latest.history_user == editor
    assert latest.prev_record.outcome_type == ""
    assert [f.flag.code for f in latest.flags.all()] == ["online"]


def test_an_update_is_checked_against_the_stored_record(write_csv: Any) -> None:
    InvestigationFactory(
        crime_reference="20/777777/25", recorded_date=date(2025, 5, 1), outcome_type="16", outcome_date=date(2025, 9, 1)
    )
    path = write_csv("crime_reference,strand,offence_group,recorded_date", "20/777777/25,rasso,rape,2025-10-01")
    with pytest.raises(ImportRejected) as rejected:
        _import(path)
    assert [str(e) for e in rejected.value.errors] == [
        "row 2, column outcome_date: is before the recorded date (2025-10-01)"
    ]


def test_an_arrest_before_the_recorded_date_is_refused_as_the_form_refuses_it(write_csv: Any) -> None:
    path = write_csv(
        "crime_reference,strand,offence_group,recorded_date,arrest_date", "20/1/25,rasso,rape,2025-05-01,2025-04-30"
    )
    with pytest.raises(ImportRejected) as rejected:
        _import(path)
    assert [str(e) for e in rejected.value.errors] == [
        "row 2, column arrest_date: is before the recorded date (2025-05-01)"
    ]


def test_it_rejects_a_file_that_is_not_utf8_or_is_empty(write_csv: Any, tmp_path: Any) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "crime_reference,strand,offence_group,recorded_date\n20/1/25,rasso,café,2025-01-01\n".encode("latin-1")
    )
    with pytest.raises(ImportRejected) as rejected:
        _import(latin)
    assert "not UTF-8" in str(rejected.value.errors[0])
    with pytest.raises(ImportRejected) as rejected:
        _import(write_csv(""))
    assert (
        str(rejected.value.errors[0]) == "row 1, column (file): the file is empty: the first row must name the columns"
    )


def test_a_file_that_stops_being_utf8_after_chunks_were_written_writes_nothing(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is read a chunk at a time and each chunk written once checked: a decoding error met
    after two chunks were written is the file's error, and those chunks are rolled back."""
    from cases import importer

    monkeypatch.setattr(importer, "CHUNK_ROWS", 1_000)
    good = "".join(f"20/{n:06d}/25,rasso,rape,2025-01-01\n" for n in range(1, 2 * importer.CHUNK_ROWS + 500))
    path = tmp_path / "late.csv"
    path.write_bytes(
        b"crime_reference,strand,offence_group,recorded_date\n"
        + good.encode()
        + "20/999999/25,rasso,café,2025-01-01\n".encode("latin-1")
    )
    with pytest.raises(ImportRejected) as rejected:
        _import(path)
    assert [str(e).split(": ", 1)[1] for e in rejected.value.errors] == [
        "the file is not UTF-8 text: save it as CSV UTF-8"
    ]
    assert Investigation.objects.count() == 0


def test_it_refuses_a_user_without_the_edit_capability(write_csv: Any, make_user: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _import(write_csv(*CLEAN), actor=make_user("audit_lead"))
    assert Investigation.objects.count() == 0


def test_the_command_imports_and_reports_counts(write_csv: Any) -> None:
    out = StringIO()
    call_command("import_investigations", str(write_csv(*CLEAN)), stdout=out)
    assert "3 created, 0 updated, 0 unchanged" in out.getvalue()
    assert Investigation.objects.count() == 3


def test_the_command_lists_every_error_and_fails(write_csv: Any) -> None:
    path = write_csv(HEADER, CLEAN[1], CLEAN[1].replace("spiking", "glitter"))
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_investigations", str(path), stderr=err)
    expected = [
        "row 3, column crime_reference: 20/000001/25 is already in row 2",
        "row 3, column flags: 'glitter' is not a known flag code",
    ]
    assert err.getvalue().splitlines() == expected
    assert str(failed.value).splitlines()[1:] == expected
    assert "nothing was imported" in str(failed.value)
    assert Investigation.objects.count() == 0


def test_it_refuses_control_characters_in_cells_with_row_and_column(write_csv: Any) -> None:
    path = write_csv(
        "crime_reference,strand,offence_group,recorded_date,flags",
        "20/0\x00001/25,rasso,rape,2025-05-01,",  # NUL: PostgreSQL cannot store it
        "20/000002/25,rasso,rape,2025-05-01,spiking;\x01online",  # breaks the XLSX export
        "20/000003/25,rasso,rape\x1b,2025-05-01,",
        "20/000004/25,rasso,rape,2025-05-01,\x7f",
    )
    with pytest.raises(ImportRejected) as rejected:
        _import(path)
    assert [str(e) for e in rejected.value.errors] == [
        "row 2, column crime_reference: contains a control character (U+0000): remove it",
        "row 3, column flags: contains a control character (U+0001): remove it",
        "row 4, column offence_group: contains a control character (U+001B): remove it",
        "row 5, column flags: contains a control character (U+007F): remove it",
    ]
    assert not Investigation.objects.exists()
