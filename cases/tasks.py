"""Celery tasks of the ``cases`` app, thin: background imports call :mod:`cases.jobs`, large XLSX
downloads call :mod:`cases.exports`.

The import task is not retried automatically: an import is all or nothing and its upload is deleted
when it ends, so a failure is reported on the job's page and the user uploads the file again. A
worker lost mid-import (``acks_late`` with ``reject_on_worker_lost``) has its message delivered
again; the job has not ended, its file is still there, and the import runs again from the start
(the first run's transaction was rolled back).
"""

from __future__ import annotations

from celery import shared_task

from oversight.tasks import RETRY

from . import exports, jobs
from .models import ExportJob


@shared_task(name="cases.tasks.run_import_job", time_limit=30 * 60, soft_time_limit=28 * 60)
def run_import_job(job_id: int) -> str:
    """Import the file of :class:`~cases.models.ImportJob` ``job_id``; its final status."""
    return jobs.run_job(job_id)


@shared_task(name="cases.tasks.sweep_import_spool", time_limit=5 * 60, soft_time_limit=4 * 60)
def sweep_import_spool() -> int:
    """Hourly (beat): delete uploads kept for a preview and never imported, and files of ended jobs."""
    return jobs.sweep_spool()


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
