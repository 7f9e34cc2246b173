"""Large investigation imports in the background, and the spool where uploads wait (DESIGN.md §4).

A file of more data rows than ``IMPORT_BACKGROUND_ROWS`` is never imported in the web request: the
upload is written to a spool file (``IMPORT_SPOOL_DIR``), an :class:`~cases.models.ImportJob`
records it, and a Celery task (:mod:`cases.tasks`) runs the same import as the page and the
command (:func:`cases.importer.import_investigations`: all or nothing). The job's page shows how far
it got (rows checked, rows written) and how it ended. The spool file is deleted when the job ends,
whatever the outcome.

Progress is told while the import's transaction is open, so it cannot go in the job's row (nobody
would see it before the commit): it goes in the cache (Redis when configured), read by the page.

Uploads kept after a preview (until the user presses "Import this file") wait in the same spool;
:func:`sweep_spool` deletes those older than ``IMPORT_PREVIEW_KEEP_HOURS`` and any job file whose
job has ended.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from oversight.errors import ApplicationError
from oversight.roles import Cap, require_capability

from .importer import MAX_ERRORS, ImportRejected, import_investigations
from .models import ImportJob, ImportProfile

logger = logging.getLogger(__name__)

PREVIEW_PREFIX, JOB_PREFIX = "preview-", "job-"
PROGRESS_SECONDS = 0.5  # at most one progress write per half second
NOT_SENT = (
    "The import could not be started: the task queue did not answer. Nothing was imported; upload the file again."
)
STOPPED = "The import stopped unexpectedly. Nothing was imported; upload the file again."


# --- the spool -------------------------------------------------------------------------------


def spool_dir() -> Path:
    folder = Path(settings.IMPORT_SPOOL_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def spool(chunks: Iterable[bytes], *, prefix: str) -> tuple[str, int]:
    """Write an upload to a new spool file; its name and the number of lines after the header
    (an estimate of the rows: a quoted cell may hold a line break)."""
    name = f"{prefix}{secrets.token_urlsafe(16)}.csv"
    lines = 0
    last = b"\n"
    with (spool_dir() / name).open("xb") as kept:
        for chunk in chunks:
            kept.write(chunk)
            lines += chunk.count(b"\n")
            last = chunk[-1:] or last
    if last != b"\n":
        lines += 1  # the last line has no line break
    return name, max(lines - 1, 0)


def spool_path(name: str) -> Path | None:
    """The spool file ``name`` if it exists (names are ours: no path in them)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = Path(settings.IMPORT_SPOOL_DIR) / name
    return path if path.is_file() else None


def discard(name: str) -> None:
    path = spool_path(name)
    if path is not None:
        path.unlink(missing_ok=True)


def count_rows(chunks: Iterable[bytes]) -> int:
    """Lines after the header of an upload, without keeping it (the same estimate as :func:`spool`)."""
    lines, last = 0, b"\n"
    for chunk in chunks:
        lines += chunk.count(b"\n")
        last = chunk[-1:] or last
    return max(lines + (last != b"\n") - 1, 0)


def sweep_spool(*, now: float | None = None) -> int:
    """Delete preview uploads older than ``IMPORT_PREVIEW_KEEP_HOURS`` and the files of jobs that have
    ended (or no longer exist); the number deleted."""
    folder = Path(settings.IMPORT_SPOOL_DIR)
    if not folder.is_dir():
        return 0
    now = time.time() if now is None else now
    cutoff = now - settings.IMPORT_PREVIEW_KEEP_HOURS * 3600
    live_jobs = set(
        ImportJob.objects.exclude(status__in=ImportJob.FINISHED)
        .exclude(spool_name="")
        .values_list("spool_name", flat=True)
    )
    deleted = 0
    for path in folder.iterdir():
        if not path.is_file():
            continue
        if path.name.startswith(PREVIEW_PREFIX):
            stale = path.stat().st_mtime < cutoff
        elif path.name.startswith(JOB_PREFIX):
            stale = path.name not in live_jobs and path.stat().st_mtime < now - 60  # a job being created
        else:
            continue
        if stale:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


# --- jobs ------------------------------------------------------------------------------------


def needs_background(rows: int) -> bool:
    return rows > settings.IMPORT_BACKGROUND_ROWS


def start_job(*, actor: Any, spool_name: str, file_name: str, rows: int, profile: ImportProfile | None) -> ImportJob:
    """Record a queued import of the spooled upload and send its task once the record is committed."""
    require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    job = ImportJob.objects.create(
        file_name=file_name[:255],
        profile=profile,
        created_by=actor,
        spool_name=spool_name,
        rows_expected=rows,
    )
    transaction.on_commit(lambda: send(job))
    return job


def send(job: ImportJob) -> bool:
    """Send the job's task; when the task queue does not answer, the job fails with a clear message
    (nothing was imported) and its file is deleted."""
    from .tasks import run_import_job  # the task module imports this one

    try:
        result = run_import_job.apply_async(args=[job.pk], ignore_result=True)
    except Exception as exc:
        if run_import_job.app.conf.task_always_eager:
            raise  # the import itself failed in-process: not a queue problem
        logger.warning("Import job %s not sent: %s: %s", job.pk, type(exc).__name__, exc)
        _finish(job, ImportJob.Status.FAILED, message=NOT_SENT)
        return False
    if result.id and not run_import_job.app.conf.task_always_eager:
        ImportJob.objects.filter(pk=job.pk).update(task_id=result.id)
    return True


def _progress_key(pk: int) -> str:
    return f"cases:import-job:{pk}"


def progress_of(job: ImportJob) -> dict[str, Any]:
    """Status and row counts to show: the job's row once it has ended, else the latest progress told."""
    shown: dict[str, Any] = {"status": job.status, "validated": job.rows_validated, "written": job.rows_written}
    if not job.finished:
        shown.update(cache.get(_progress_key(job.pk)) or {})
    shown["status_label"] = ImportJob.Status(shown["status"]).label
    expected = max(job.rows_expected, shown["validated"], 1)
    shown["percent"] = 100 if job.status == ImportJob.Status.DONE else min(99, shown["validated"] * 100 // expected)
    return shown


def run_job(pk: int) -> str:
    """Run the import of job ``pk`` (the task calls this); its final status. A job that has ended is
    left alone (a task delivered twice runs once)."""
    job = ImportJob.objects.select_related("created_by", "profile").filter(pk=pk).first()
    if job is None or job.finished:
        return job.status if job else "missing"
    path = spool_path(job.spool_name)
    if path is None:
        _finish(job, ImportJob.Status.FAILED, message=STOPPED)
        return job.status
    ImportJob.objects.filter(pk=pk).update(status=ImportJob.Status.VALIDATING, started_at=timezone.now())
    last = 0.0

    def progress(stage: str, validated: int, written: int) -> None:
        nonlocal last
        now = time.monotonic()
        if stage != ImportJob.Status.VALIDATING or now - last >= PROGRESS_SECONDS:
            last = now
            cache.set(_progress_key(pk), {"status": stage, "validated": validated, "written": written}, 24 * 3600)

    try:
        result = import_investigations(source=path, actor=job.created_by, profile=job.profile, progress=progress)
    except ImportRejected as rejected:
        _finish(job, ImportJob.Status.FAILED, message=rejected.message, rejected=rejected)
    except (ApplicationError, PermissionDenied) as refused:
        _finish(job, ImportJob.Status.FAILED, message=str(getattr(refused, "message", refused)))
    except Exception:
        logger.exception("Import job %s stopped", pk)
        _finish(job, ImportJob.Status.FAILED, message=STOPPED)
        raise
    else:
        job.result = asdict(result)
        _finish(job, ImportJob.Status.DONE, message=f"{job.file_name}: {result}", written=result.rows)
    return job.status


def _finish(
    job: ImportJob,
    status: str,
    *,
    message: str,
    rejected: ImportRejected | None = None,
    written: int = 0,
) -> None:
    told = cache.get(_progress_key(job.pk)) or {}
    job.status, job.message, job.finished_at = status, message, timezone.now()
    job.rows_validated = told.get("validated", 0) if status == ImportJob.Status.FAILED else written
    job.rows_written = written  # a failed import wrote nothing (rolled back)
    if rejected is not None:
        job.errors = rejected.lines[: MAX_ERRORS + 1]
        job.error_count = rejected.count
    job.save(
        update_fields=[
            "status",
            "message",
            "finished_at",
            "rows_validated",
            "rows_written",
            "errors",
            "error_count",
            "result",
        ]
    )
    cache.delete(_progress_key(job.pk))
    discard(job.spool_name)
