"""Stored evidence files no attachment names (an upload rolled back, a row deleted) are swept."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from audits import evidence, services
from audits.tasks import sweep_orphan_evidence

from .factories import AuditFactory, CaseReviewFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _attach(review: Any, lead: Any) -> Any:
    upload = SimpleUploadedFile("note.pdf", PDF_BYTES, content_type="application/pdf")
    return services.evidence_attach(target=review, actor=lead, upload=upload)


def _stored(settings: Any) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in (root / "evidence").rglob("*") if path.is_file()}


def test_a_file_whose_upload_was_rolled_back_is_swept_once_past_the_grace_period(lead: Any, settings: Any) -> None:
    review = CaseReviewFactory(audit=AuditFactory(lead_auditor=lead))
    kept = _attach(review, lead)
    with transaction.atomic():  # the caller's transaction fails after the upload's own savepoint succeeded
        lost = _attach(review, lead)
        transaction.set_rollback(True)
    assert _stored(settings) == {kept.file.name, lost.file.name}  # the rolled-back row's file is still there

    assert evidence.sweep_orphans() == 0  # both younger than EVIDENCE_ORPHAN_GRACE_HOURS: maybe being saved
    later = timezone.now() + timedelta(hours=settings.EVIDENCE_ORPHAN_GRACE_HOURS, minutes=1)
    assert evidence.sweep_orphans(now=later) == 1
    assert _stored(settings) == {kept.file.name}  # the attached file stays, whatever its age
    assert evidence.sweep_orphans(now=later) == 0


def test_the_file_of_a_deleted_attachment_is_swept_and_the_task_is_scheduled_hourly(lead: Any, settings: Any) -> None:
    attachment = _attach(CaseReviewFactory(audit=AuditFactory(lead_auditor=lead)), lead)
    name = attachment.file.name
    attachment.delete()  # a row deleted (a retention job, a database repair): Django leaves its file
    assert _stored(settings) == {name}
    settings.EVIDENCE_ORPHAN_GRACE_HOURS = 0
    assert sweep_orphan_evidence.delay().get() == 1
    assert _stored(settings) == set()
    task = PeriodicTask.objects.get(task="audits.tasks.sweep_orphan_evidence")
    assert task.enabled and task.crontab.hour == "*"


def test_the_sweep_of_an_empty_store_deletes_nothing() -> None:
    assert evidence.sweep_orphans() == 0
