"""Evidence attachments: who may attach and download, size and type limits, random stored names,
and files outside the media root refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits import services
from audits.models import EvidenceAttachment
from oversight.errors import ApplicationError
from oversight.models import AccessLogEntry
from oversight.roles import Role

from .factories import ActionFactory, AuditFactory, CaseReviewFactory, LearningPointFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name: str = "supervision log.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def review(lead: Any) -> Any:
    return CaseReviewFactory(audit=AuditFactory(lead_auditor=lead))


def _attach(review: Any, lead: Any, upload: Any | None = None) -> EvidenceAttachment:
    return services.evidence_attach(target=review, actor=lead, upload=upload or pdf())


def test_the_lead_attaches_a_pdf_stored_under_a_random_name_inside_the_media_root(
    review: Any, lead: Any, settings: Any
) -> None:
    attachment = _attach(review, lead, pdf("../../etc/Case 12 <notes>.PDF"))
    assert attachment.original_name == "Case 12 _notes_.pdf"  # path dropped, unsafe characters replaced
    stored_name = attachment.file.name or ""
    assert stored_name.startswith("evidence/")
    assert "Case" not in stored_name and stored_name.endswith(".pdf")
    stored = Path(settings.MEDIA_ROOT, stored_name).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert stored.read_bytes() == PDF_BYTES
    assert attachment.size == len(PDF_BYTES)
    assert attachment.history.first().history_user == lead


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", PNG_BYTES),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("plan.docx", docx_bytes()),
        ("notes.txt", "Supervisor’s review dated 3 June.\n".encode()),
    ],
)
def test_each_allowed_type_with_matching_content_is_accepted(review: Any, lead: Any, name: str, content: bytes) -> None:
    attachment = _attach(review, lead, SimpleUploadedFile(name, content))
    assert attachment.original_name == name[: name.rindex(".")] + name[name.rindex(".") :].lower()
    assert attachment.content_type.split("/")[0] in ("application", "image", "text")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ\x90\x00", "script.exe cannot be attached: choose a PDF, PNG, JPEG"),
        ("page.html", b"<html></html>", "page.html cannot be attached"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "fake.pdf is not a PDF file: its content does not match its extension."),
        ("fake.docx", PDF_BYTES, "fake.docx is not a Word (DOCX) file"),
        ("fake.xlsx", docx_bytes(), "fake.xlsx is not a Excel (XLSX) file"),  # a Word package is not a workbook
        ("binary.txt", b"abc\x00def", "binary.txt is not a plain text (TXT) file"),
        ("empty.pdf", b"", "empty.pdf is empty"),
    ],
)
def test_a_wrong_type_is_refused_with_a_clear_message_and_nothing_is_stored(
    review: Any, lead: Any, settings: Any, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ApplicationError) as refused:
        _attach(review, lead, SimpleUploadedFile(name, content))
    assert message in refused.value.message
    assert not EvidenceAttachment.objects.exists()
    assert not Path(settings.MEDIA_ROOT, "evidence").exists()


def test_a_file_over_the_size_limit_is_refused(review: Any, lead: Any, settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024  # 1 MB
    big = pdf("big.pdf", PDF_BYTES + b"0" * (1024 * 1024))  # 1 MB + 46 bytes → "1.0 MB", shown as "1"
    with pytest.raises(ApplicationError, match=r"big.pdf is 1 MB: the file must be 1 MB or smaller."):
        _attach(review, lead, big)
    assert not EvidenceAttachment.objects.exists()


def test_another_lead_and_other_roles_cannot_attach_to_someone_elses_review(review: Any, make_user: Any) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (make_user(Role.AUDIT_LEAD), make_user(Role.CASE_EDITOR), make_user(Role.OPCC_SCRUTINY)):
        with pytest.raises(PermissionDenied):
            _attach(review, user)


def test_nothing_is_attached_to_a_signed_off_audit(review: Any, lead: Any) -> None:
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    type(review.audit).objects.filter(pk=review.audit.pk).update(
        status="signed_off", signed_off_at=timezone.now(), assurance_level="reasonable"
    )
    review.audit.refresh_from_db()
    with pytest.raises(PermissionDenied):
        _attach(review, lead)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.AUDIT_LEAD, 200),
        (Role.CASE_EDITOR, 200),
        (Role.BOARD_CHAIR, 200),
        (Role.ADMINISTRATOR, 200),
        (Role.COMMITMENT_LEAD, 403),  # sees audits without crime references: a file cannot be redacted
        (Role.OPCC_SCRUTINY, 403),
    ],
)
def test_a_review_file_downloads_only_for_roles_that_see_case_level_evidence(
    review: Any, lead: Any, client_for: Any, role: Role, status: int
) -> None:
    attachment = _attach(review, lead)
    response = client_for(role).get(f"/audits/evidence/{attachment.pk}/")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Disposition"] == 'attachment; filename="supervision log.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert AccessLogEntry.objects.filter(path=f"/audits/evidence/{attachment.pk}/").count() == 1


def test_an_opcc_officer_who_owns_the_action_still_cannot_download_its_evidence(
    lead: Any, make_user: Any, client_for: Any
) -> None:
    opcc = make_user(Role.OPCC_SCRUTINY)
    action = ActionFactory(audit=AuditFactory(lead_auditor=lead), owner=opcc)
    attachment = services.evidence_attach(target=action, actor=lead, upload=pdf())
    assert client_for(user=opcc).get(f"/audits/evidence/{attachment.pk}/").status_code == 403
    assert client_for(user=opcc).get(f"/audits/actions/{action.pk}/evidence/").status_code == 403


def test_a_commitment_lead_who_owns_an_action_attaches_and_downloads_its_evidence(
    lead: Any, make_user: Any, client_for: Any
) -> None:
    owner = make_user(Role.COMMITMENT_LEAD)
    action = ActionFactory(audit=AuditFactory(lead_auditor=lead), owner=owner)
    client = client_for(user=owner)
    response = client.post(f"/audits/actions/{action.pk}/evidence/", {"file": pdf("briefing.pdf")})
    assert response.status_code == 302
    attachment = EvidenceAttachment.objects.get()
    assert (attachment.action, attachment.uploaded_by) == (action, owner)
    assert client.get(f"/audits/evidence/{attachment.pk}/").status_code == 200
    # ... but not the evidence of a review of the same audit
    other = _attach(CaseReviewFactory(audit=action.audit), lead)
    assert client.get(f"/audits/evidence/{other.pk}/").status_code == 403


def test_a_finding_takes_evidence_through_its_page(lead: Any, client_for: Any) -> None:
    point = LearningPointFactory(audit=AuditFactory(lead_auditor=lead))
    client = client_for(user=lead)
    response = client.post(
        f"/audits/findings/{point.pk}/evidence/", {"file": pdf("minutes.pdf"), "description": "Team meeting"}
    )
    assert response.status_code == 302
    page = client.get(f"/audits/findings/{point.pk}/evidence/").content.decode()
    assert "minutes.pdf" in page and "Team meeting" in page
    assert "1 file" in client.get(f"/audits/{point.audit_id}/").content.decode()


def test_the_upload_page_shows_a_wrong_type_as_a_form_error(review: Any, lead: Any, client_for: Any) -> None:
    response = client_for(user=lead).post(
        f"/audits/reviews/{review.pk}/evidence/", {"file": SimpleUploadedFile("a.exe", b"MZ")}
    )
    assert response.status_code == 400
    assert "a.exe cannot be attached" in response.content.decode()
    assert not EvidenceAttachment.objects.exists()


def test_the_review_page_lists_the_evidence_with_download_links(review: Any, lead: Any, client_for: Any) -> None:
    attachment = _attach(review, lead)
    page = client_for(user=lead).get(f"/audits/reviews/{review.pk}/").content.decode()
    assert f'href="/audits/evidence/{attachment.pk}/"' in page and "supervision log.pdf" in page
    commitment_page = client_for(Role.COMMITMENT_LEAD).get(f"/audits/reviews/{review.pk}/").content.decode()
    assert "supervision log.pdf" not in commitment_page


@pytest.mark.parametrize(
    "stored_name", ["../../../../etc/passwd", "/etc/passwd", "evidence/../../outside.pdf", "other/file.pdf"]
)
def test_a_stored_name_outside_the_media_root_is_refused(
    review: Any, lead: Any, client_for: Any, settings: Any, tmp_path: Path, stored_name: str
) -> None:
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF- secret")
    attachment = _attach(review, lead)
    EvidenceAttachment.objects.filter(pk=attachment.pk).update(file=stored_name)
    response = client_for(user=lead).get(f"/audits/evidence/{attachment.pk}/")
    assert response.status_code == 404


def test_a_symlink_out_of_the_evidence_folder_is_refused(
    review: Any, lead: Any, client_for: Any, settings: Any, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF- secret")
    attachment = _attach(review, lead)
    link = Path(settings.MEDIA_ROOT, "evidence", "link.pdf")
    link.symlink_to(secret)
    EvidenceAttachment.objects.filter(pk=attachment.pk).update(file="evidence/link.pdf")
    assert client_for(user=lead).get(f"/audits/evidence/{attachment.pk}/").status_code == 404


def test_evidence_is_never_served_from_the_media_url(review: Any, lead: Any, client_for: Any) -> None:
    attachment = _attach(review, lead)
    assert client_for(user=lead).get(f"/media/{attachment.file.name}").status_code == 404
