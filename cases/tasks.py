"""Celery tasks of the register: large XLSX downloads, and deleting them after a few hours."""

from __future__ import annotations

from celery import shared_task

from oversight.tasks import RETRY

from . import exports
from .models import ExportJob


@shared_task(name="cases.tasks.build_register_xlsx", time_limit=30 * 60, soft_time_limit=25 * 60)
def build_register_xlsx(job_id: int) -> str:
    """Build one export job's XLSX file; its status (``ready`` or ``failed``) is saved on the job."""
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    exports.build_xlsx(job)
    return str(job.token)


@shared_task(name="cases.tasks.delete_old_exports", time_limit=10 * 60, soft_time_limit=8 * 60, **RETRY)
def delete_old_exports() -> int:
    """Hourly: delete export files (and their jobs) older than ``EXPORT_KEEP_HOURS``."""
    return exports.delete_old_exports()
