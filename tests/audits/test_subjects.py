"""Managed offenders and missing episodes: audit leads enter, change, list and import them (pseudonymous
references only); the CSV import keeps the register import's contract; no other role sees them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits.models import AuditSubject
from audits.subjects_import import import_subjects
from cases.importer import ImportRejected
from cases.models import LocalPolicingArea, Team
from oversight.roles import Role

from .factories import AuditSubjectFactory

pytestmark = pytest.mark.django_db

OFFENDERS = "/audits/subjects/managed-offenders/"
MISSING = "/audits/subjects/missing-episodes/"


def _days_ago(n: int) -> str:
    return (timezone.localdate() - timedelta(days=n)).isoformat()


def _csv(text: str) -> Any:
    return SimpleUploadedFile("subjects.csv", text.encode(), "text/csv")


def _import(lead: Any, kind: str, text: str) -> Any:
    import io

    return import_subjects(source=io.BytesIO(text.encode()), kind=kind, actor=lead)


# --- Pages ---------------------------------------------------------------------------------------------


def test_an_audit_lead_adds_a_managed_offender_and_finds_it_in_the_list(client_for: Any) -> None:
    client = client_for(Role.AUDIT_LEAD)

    response = client.post(
        f"{OFFENDERS}new/",
        {"reference": "VSR-00042", "visor_category": "rso", "risk_level": "high", "start_date": _days_ago(30)},
    )

    assert response.status_code == 302
    subject = AuditSubject.objects.get()
    assert (subject.kind, subject.visor_category, subject.risk_level) == ("managed_offenders", "rso", "high")
    assert subject.history.get().history_user == client.user
    listing = client.get(OFFENDERS, {"q": "00042"}).content.decode()
    assert "VSR-00042" in listing and "Registered sex offender" in listing


def test_an_audit_lead_records_a_missing_episodes_end(client_for: Any) -> None:
    client = client_for(Role.AUDIT_LEAD)
    episode = AuditSubjectFactory(kind="missing_episodes", visor_category="", risk_level="medium", reference="MP-1")

    response = client.post(
        f"/audits/subjects/{episode.pk}/edit/",
        {"reference": "MP-1", "risk_level": "high", "start_date": _days_ago(10), "end_date": _days_ago(8)},
    )

    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.risk_level, str(episode.end_date)) == ("high", _days_ago(8))
    assert [h.history_type for h in episode.history.order_by("history_date")] == ["+", "~"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reference": "John Smith"}, "is not a pseudonymous reference (it has no digit): names are never stored"),
        ({"visor_category": ""}, "VISOR category is required for a managed offender."),
        ({"risk_level": ""}, "Risk level is required."),
        ({"start_date": ""}, "Start date is required."),
        ({"end_date": "2020-01-01"}, "End date is before the start date"),
        ({"reference": "VSR-1\x0b"}, "control character"),
    ],
)
def test_a_bad_subject_is_refused_with_a_message_and_nothing_saved(
    client_for: Any, data: dict[str, str], message: str
) -> None:
    body = {"reference": "VSR-1", "visor_category": "rso", "risk_level": "low", "start_date": _days_ago(5), **data}

    response = client_for(Role.AUDIT_LEAD).post(f"{OFFENDERS}new/", body)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditSubject.objects.exists()


def test_a_reference_already_recorded_is_refused(client_for: Any) -> None:
    AuditSubjectFactory(reference="VSR-7")

    response = client_for(Role.AUDIT_LEAD).post(
        f"{OFFENDERS}new/",
        {"reference": "VSR-7", "visor_category": "rso", "risk_level": "low", "start_date": _days_ago(5)},
    )

    assert response.status_code == 400
    assert "VSR-7 is already recorded" in response.content.decode()
    assert AuditSubject.objects.count() == 1


@pytest.mark.parametrize("role", [Role.OPCC_SCRUTINY, Role.CASE_EDITOR, Role.BOARD_CHAIR, Role.COMMITMENT_LEAD])
def test_no_other_role_sees_or_changes_subjects(client_for: Any, role: Role) -> None:
    subject = AuditSubjectFactory(reference="VSR-99")
    client = client_for(role)

    for response in (
        client.get(OFFENDERS),
        client.get(f"/audits/subjects/{subject.pk}/edit/"),
        client.post(f"{OFFENDERS}import/", {"file": _csv("reference,risk_level,start_date\n")}),
    ):
        assert response.status_code == 403
        assert "VSR-99" not in response.content.decode()


# --- CSV import --------------------------------------------------------------------------------------


def test_the_import_creates_updates_and_leaves_alone(make_user: Any) -> None:
    lead = make_user(Role.AUDIT_LEAD)
    AuditSubjectFactory(reference="VSR-1", risk_level="low")
    AuditSubjectFactory(reference="VSR-2", risk_level="high", start_date=timezone.localdate() - timedelta(days=90))
    text = (
        "Reference,visor_category,risk_level,team,lpa,start_date\n"
        f"VSR-1,rso,very_high,Sex Offender Management,coventry,{_days_ago(100)}\n"
        f"VSR-2,rso,high,,,{_days_ago(90)}\n"
        f"VSR-3,pdp,medium,som,,{_days_ago(20)}\n"
    )

    result = _import(lead, "managed_offenders", text)

    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 1, 1, 1)
    first = AuditSubject.objects.select_related("team", "lpa").get(reference="VSR-1")
    assert (first.risk_level, first.team, first.lpa) == (
        "very_high",
        Team.objects.get(code="som"),
        LocalPolicingArea.objects.get(code="coventry"),
    )
    assert first.history.latest().history_user == lead
    assert AuditSubject.objects.get(reference="VSR-3").history.get().history_change_reason == "CSV import"


def test_every_error_is_listed_as_row_and_column_and_nothing_is_written(make_user: Any) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    text = (
        "reference,risk_level,start_date,end_date,lpa\n"
        f"MP-1,high,{_days_ago(5)},,\n"
        f"Jane Doe,high,{_days_ago(5)},,\n"
        f"MP-2,severe,{_days_ago(5)},,\n"
        f"MP-3,low,{tomorrow},,\n"
        f"MP-4,low,{_days_ago(5)},{_days_ago(9)},\n"
        f"MP-1,low,{_days_ago(5)},,\n"
        f"MP-5\x00,low,{_days_ago(5)},,\n"
        f"MP-6,low,05/01/2025,,narnia\n"
        "MP-7,,,,\n"
    )

    with pytest.raises(ImportRejected) as rejected:
        _import(make_user(Role.AUDIT_LEAD), "missing_episodes", text)

    assert [str(e) for e in rejected.value.errors] == [
        "row 3, column reference: 'Jane Doe' is not a pseudonymous reference (it has no digit): names are never stored",
        "row 4, column risk_level: 'severe' is not a known code "
        "(use one of: no_apparent_risk, low, medium, high, very_high)",
        f"row 5, column start_date: {tomorrow} is in the future",
        f"row 6, column end_date: is before the start date ({_days_ago(5)})",
        "row 7, column reference: MP-1 is already in row 2",
        "row 8, column reference: contains a control character (U+0000): remove it",
        "row 9, column lpa: 'narnia' is not a known LPA code or name",
        "row 9, column start_date: '05/01/2025' is not a date in the form YYYY-MM-DD",
        "row 10, column risk_level: is required",
        "row 10, column start_date: is required",
    ]
    assert not AuditSubject.objects.exists()


def test_the_header_is_checked_against_the_kinds_columns(make_user: Any) -> None:
    text = f"reference,visor_category,risk_level,start_date,name\nMP-1,rso,low,{_days_ago(3)},x\n"

    with pytest.raises(ImportRejected) as rejected:
        _import(make_user(Role.AUDIT_LEAD), "missing_episodes", text)

    assert [str(e) for e in rejected.value.errors] == [
        "row 1, column name: unknown column",
        "row 1, column visor_category: unknown column",
    ]


def test_a_managed_offender_file_needs_the_visor_category_column(make_user: Any) -> None:
    with pytest.raises(ImportRejected) as rejected:
        _import(
            make_user(Role.AUDIT_LEAD),
            "managed_offenders",
            f"reference,risk_level,start_date\nV-1,low,{_days_ago(3)}\n",
        )

    assert [str(e) for e in rejected.value.errors] == ["row 1, column visor_category: required column is missing"]


def test_an_update_is_checked_against_the_recorded_dates_the_file_lacks(make_user: Any) -> None:
    AuditSubjectFactory(
        kind="missing_episodes",
        visor_category="",
        reference="MP-1",
        start_date=timezone.localdate() - timedelta(days=10),
        end_date=timezone.localdate() - timedelta(days=9),
    )

    with pytest.raises(ImportRejected) as rejected:
        _import(
            make_user(Role.AUDIT_LEAD),
            "missing_episodes",
            f"reference,risk_level,start_date\nMP-1,low,{_days_ago(3)}\n",
        )

    assert [str(e) for e in rejected.value.errors] == [
        f"row 2, column end_date: is before the start date ({_days_ago(3)}) (as recorded)"
    ]


def test_the_upload_page_lists_errors_and_writes_nothing(client_for: Any) -> None:
    response = client_for(Role.AUDIT_LEAD).post(
        f"{MISSING}import/", {"file": _csv(f"reference,risk_level,start_date\nMP-1,low,{_days_ago(3)}\nMP two,low,\n")}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "The file has 2 errors: nothing was imported." in page
    assert "is not a pseudonymous reference" in page and "is required" in page
    assert not AuditSubject.objects.exists()


def test_the_upload_page_imports_a_good_file(client_for: Any) -> None:
    response = client_for(Role.AUDIT_LEAD).post(
        f"{MISSING}import/", {"file": _csv(f"\ufeffreference,risk_level,start_date\nMP-1,low,{_days_ago(3)}\n")}
    )

    assert response.status_code == 200
    assert AuditSubject.objects.get().kind == "missing_episodes"


def test_a_file_above_the_upload_limit_is_refused_unread(client_for: Any, settings: Any) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 1_000_000
    content = f"reference,risk_level,start_date\nMP-1,low,{_days_ago(3)}\n" + " " * 1_100_000

    response = client_for(Role.AUDIT_LEAD).post(f"{MISSING}import/", {"file": _csv(content)})

    assert response.status_code == 400
    assert "The file is 1.1 MB: the largest file accepted is 1 MB." in response.content.decode()
    assert not AuditSubject.objects.exists()


def test_listing_and_opening_subjects_is_written_to_the_access_log(client_for: Any) -> None:
    from oversight.models import AccessLogEntry

    subject = AuditSubjectFactory(reference="VSR-00031")
    client = client_for(Role.AUDIT_LEAD)

    client.get(OFFENDERS, {"q": "0003"})
    client.get(f"/audits/subjects/{subject.pk}/edit/")

    entries = list(AccessLogEntry.objects.filter(user=client.user).order_by("pk").values("kind", "query", "object_id"))
    assert entries == [
        {"kind": "audit_subjects", "query": "q=0003", "object_id": None},
        {"kind": "audit_subjects", "query": "", "object_id": subject.pk},
    ]
