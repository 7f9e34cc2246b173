"""Large imports: errors bounded (the first 1,000 listed, the rest counted), files above the row
threshold imported by a Celery task with a job page, and uploads kept for a preview cleaned up."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from cases import importer, jobs
from cases.importer import MAX_ERRORS, ErrorList, ImportRejected, RowError, import_investigations
from cases.models import ImportJob, Investigation

pytestmark = pytest.mark.django_db

SHORT_HEADER = "crime_reference,strand,offence_group,recorded_date"
CLEAN_ROWS = [f"20/{n:06d}/25,rasso,rape,2025-05-01" for n in range(1, 6)]


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def spool(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_SPOOL_DIR = str(tmp_path / "spool")
    settings.IMPORT_BACKGROUND_ROWS = 3
    return tmp_path / "spool"


def _spooled(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- bounded errors --------------------------------------------------------------------------


def test_only_the_first_thousand_errors_are_kept_and_the_rest_are_counted(tmp_path: Path) -> None:
    bad = MAX_ERRORS + 500
    rows = [f"20/{n:06d}/25,rassoo,rape,2025-05-01" for n in range(1, bad + 1)]  # one error per row
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv(SHORT_HEADER, *rows, "20/999999/25,rasso,rape,2025-05-01"))

    with pytest.raises(ImportRejected) as rejected:
        import_investigations(source=path)

    errors = rejected.value.errors
    assert len(errors) == MAX_ERRORS and rejected.value.more == 500 and rejected.value.count == bad
    assert [e.row for e in errors] == list(range(2, MAX_ERRORS + 2))  # the first ones, in file order
    assert str(errors[0]).startswith("row 2, column strand: 'rassoo' is not a known code")
    assert rejected.value.lines[-1] == "and 500 more errors"
    assert rejected.value.message == f"The file has {bad:,} errors: nothing was imported."
    assert not Investigation.objects.exists()


def test_the_command_lists_the_first_errors_then_how_many_more(tmp_path: Path) -> None:
    rows = [f"20/{n:06d}/25,rasso,rape,2025-99-01" for n in range(1, MAX_ERRORS + 3)]
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv(SHORT_HEADER, *rows))
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_investigations", str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == MAX_ERRORS + 1 and lines[-1] == "and 2 more errors"
    assert lines[0] == "row 2, column recorded_date: '2025-99-01' is not a date in the form YYYY-MM-DD"
    assert f"The file has {MAX_ERRORS + 2:,} errors" in str(failed.value)


def test_the_error_list_holds_no_more_than_its_limit_however_many_errors_come() -> None:
    errors = ErrorList(limit=10)
    for row in range(2, 100_002):
        errors.add([RowError(row, "strand", "bad"), RowError(row, "lpa", "bad")])
    assert len(errors.kept) == 10 and errors.more == 199_990 and len(errors) == 200_000
    # A row's errors are kept in column order, rows in file order.
    assert [(e.row, e.column) for e in errors.kept[:3]] == [(2, "lpa"), (2, "strand"), (3, "lpa")]


def test_a_rejected_file_writes_nothing_even_after_rows_were_written_before_the_first_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2,500 good rows (written chunk by chunk, 1,000 at a time), then a bad one: the transaction is rolled back.
    monkeypatch.setattr(importer, "CHUNK_ROWS", 1_000)
    rows = [f"20/{n:06d}/25,rasso,rape,2025-05-01" for n in range(1, 2501)]
    path = tmp_path / "late.csv"
    path.write_bytes(_csv(SHORT_HEADER, *rows, "20/999999/25,rasso,rape,not-a-date"))
    told: list[tuple[str, int, int]] = []

    with pytest.raises(ImportRejected) as rejected:
        import_investigations(source=path, progress=lambda *args: told.append(args))

    assert [str(e) for e in rejected.value.errors] == [
        "row 2502, column recorded_date: 'not-a-date' is not a date in the form YYYY-MM-DD"
    ]
    assert not Investigation.objects.exists()
    assert ("validating", 2000, 2000) in told  # written as it went, before the bad row was read
    assert Investigation.history.model.objects.count() == 0


# --- background imports ----------------------------------------------------------------------


def _upload(client: Any, content: bytes, **extra: Any) -> Any:
    return client.post("/cases/import/", {"file": SimpleUploadedFile("extract.csv", content, "text/csv"), **extra})


def test_a_file_above_the_threshold_is_imported_by_a_job_whose_page_shows_the_result(
    client_for: Any, spool: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("case_editor")
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, _csv(SHORT_HEADER, *CLEAN_ROWS))

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/import/jobs/{job.pk}/"
    assert (job.status, job.rows_expected, job.rows_validated, job.rows_written) == ("done", 5, 5, 5)
    assert job.result["created"] == 5 and job.created_by == client.user
    assert Investigation.objects.count() == 5
    assert Investigation.objects.first().history.get().history_user == client.user  # type: ignore[union-attr]
    assert _spooled(spool) == []  # the upload is deleted when the job ends

    page = client.get(response.url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Import complete" in content and 'role="status"' in content and 'aria-live="polite"' in content
    assert "import-job.js" not in content  # finished: no more polling
    status = client.get(f"{response.url}?format=json").json()
    assert (status["status"], status["finished"], status["written"]) == ("done", True, 5)


def test_a_small_file_is_still_imported_in_the_request(client_for: Any, spool: Path) -> None:
    response = _upload(client_for("case_editor"), _csv(SHORT_HEADER, *CLEAN_ROWS[:3]))
    assert response.status_code == 200 and response.context["result"].created == 3
    assert not ImportJob.objects.exists()


def test_a_job_with_errors_fails_lists_them_writes_nothing_and_deletes_the_upload(
    client_for: Any, spool: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("case_editor")
    rows = [*CLEAN_ROWS, "20/000001/25,rasso,rape,2025-05-01", "20/000009/25,rasso,rape,2025-02-30"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, _csv(SHORT_HEADER, *rows))

    job = ImportJob.objects.get()
    assert (job.status, job.rows_validated, job.rows_written, job.error_count) == ("failed", 7, 0, 2)
    assert job.errors == [
        "row 7, column crime_reference: 20/000001/25 is already in row 2",
        "row 8, column recorded_date: '2025-02-30' is not a date in the form YYYY-MM-DD",
    ]
    assert not Investigation.objects.exists() and _spooled(spool) == []
    page = client.get(response.url).content.decode()
    assert "There is a problem" in page and "is already in row 2" in page and "The file has 2 errors" in page


def test_a_job_keeps_the_first_thousand_errors_and_counts_the_rest(spool: Path, make_user: Any) -> None:
    name, rows = jobs.spool(
        [_csv(SHORT_HEADER, *[f"20/{n:06d}/25,x,rape,2025-05-01" for n in range(1, 1206)])], prefix="job-"
    )
    job = ImportJob.objects.create(file_name="big.csv", created_by=make_user("case_editor"), spool_name=name)
    assert rows == 1205 and jobs.run_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.error_count == 1205 and len(job.errors) == MAX_ERRORS + 1
    assert job.errors[-1] == "and 205 more errors"


def test_only_the_person_who_started_a_job_sees_it(client_for: Any, make_user: Any) -> None:
    job = ImportJob.objects.create(file_name="extract.csv", created_by=make_user("case_editor"))
    assert client_for("case_editor").get(f"/cases/import/jobs/{job.pk}/").status_code == 404
    assert client_for("opcc_scrutiny").get(f"/cases/import/jobs/{job.pk}/").status_code == 403


def test_a_running_job_shows_the_progress_told_and_polls(client_for: Any, spool: Path) -> None:
    client = client_for("case_editor")
    job = ImportJob.objects.create(
        file_name="big.csv", created_by=client.user, status=ImportJob.Status.VALIDATING, rows_expected=40_000
    )
    from django.core.cache import cache

    cache.set(jobs._progress_key(job.pk), {"status": "validating", "validated": 10_000, "written": 9_000})
    page = client.get(f"/cases/import/jobs/{job.pk}/")
    content = page.content.decode()
    assert "Checking rows" in content and "10000" in content and "9000" in content
    assert 'value="25"' in content and "import-job.js" in content
    assert client.get(f"/cases/import/jobs/{job.pk}/?format=json").json()["percent"] == 25


def test_a_job_whose_task_cannot_be_sent_fails_with_a_clear_message(
    spool: Path, make_user: Any, monkeypatch: Any, settings: Any
) -> None:
    from cases.tasks import run_import_job

    name, _rows = jobs.spool([_csv(SHORT_HEADER, *CLEAN_ROWS)], prefix="job-")
    job = ImportJob.objects.create(file_name="x.csv", created_by=make_user("case_editor"), spool_name=name)
    run_import_job.app.conf.task_always_eager = False  # the autouse fixture puts it back

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(run_import_job, "apply_async", refuse)
    assert jobs.send(job) is False
    job.refresh_from_db()
    assert job.status == "failed" and "task queue did not answer" in job.message
    assert _spooled(spool) == [] and not Investigation.objects.exists()


def test_a_job_delivered_twice_runs_once(spool: Path, make_user: Any) -> None:
    name, _rows = jobs.spool([_csv(SHORT_HEADER, *CLEAN_ROWS)], prefix="job-")
    job = ImportJob.objects.create(file_name="x.csv", created_by=make_user("case_editor"), spool_name=name)
    assert jobs.run_job(job.pk) == "done"
    assert jobs.run_job(job.pk) == "done"
    assert Investigation.history.model.objects.count() == 5


# --- uploads kept for a preview ---------------------------------------------------------------


def test_a_new_preview_deletes_the_sessions_earlier_upload_and_an_import_deletes_its_own(
    client_for: Any, spool: Path, settings: Any
) -> None:
    settings.IMPORT_BACKGROUND_ROWS = 1000
    client = client_for("case_editor")
    first = _upload(client, _csv(SHORT_HEADER, *CLEAN_ROWS), action="preview")
    assert first.status_code == 200 and len(_spooled(spool)) == 1
    bad = _upload(client, _csv(SHORT_HEADER, "20/1/25,rasso,rape,2025-02-30"), action="preview")
    assert len(_spooled(spool)) == 1  # the first preview's upload is gone

    refused = client.post("/cases/import/", {"token": bad.context["token"]})
    assert refused.status_code == 400 and _spooled(spool) == []  # not imported, deleted all the same

    again = _upload(client, _csv(SHORT_HEADER, *CLEAN_ROWS), action="preview")
    done = client.post("/cases/import/", {"token": again.context["token"]})
    assert done.status_code == 200 and done.context["result"].created == 5 and _spooled(spool) == []


def test_a_previewed_file_above_the_threshold_becomes_a_job(
    client_for: Any, spool: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("case_editor")
    page = _upload(client, _csv(SHORT_HEADER, *CLEAN_ROWS), action="preview")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cases/import/", {"token": page.context["token"]})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "done" and job.rows_written == 5
    assert _spooled(spool) == []


def test_the_sweep_deletes_old_previews_and_files_of_ended_jobs_only(spool: Path, make_user: Any) -> None:
    old_preview, _ = jobs.spool([b"a\n"], prefix=jobs.PREVIEW_PREFIX)
    new_preview, _ = jobs.spool([b"a\n"], prefix=jobs.PREVIEW_PREFIX)
    live, _ = jobs.spool([b"a\n"], prefix=jobs.JOB_PREFIX)
    orphan, _ = jobs.spool([b"a\n"], prefix=jobs.JOB_PREFIX)
    ImportJob.objects.create(file_name="x.csv", created_by=make_user("case_editor"), spool_name=live)
    day_ago = time.time() - 25 * 3600
    for name in (old_preview, live, orphan):
        os.utime(spool / name, (day_ago, day_ago))

    assert jobs.sweep_spool() == 2
    assert _spooled(spool) == sorted([new_preview, live])


# --- a real worker ----------------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_on_redis_runs_the_job(requires_redis: str, spool: Path, make_user: Any) -> None:
    from celery.contrib.testing.worker import start_worker
    from django.db import transaction

    from oversight.celery import app

    app.conf.task_always_eager = False
    editor = make_user("case_editor")
    name, rows = jobs.spool([_csv(SHORT_HEADER, *CLEAN_ROWS)], prefix=jobs.JOB_PREFIX)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            job = jobs.start_job(actor=editor, spool_name=name, file_name="extract.csv", rows=rows, profile=None)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.finished:
                break
            time.sleep(0.2)
    assert (job.status, job.rows_written, job.task_id != "") == ("done", 5, True)
    assert Investigation.objects.count() == 5 and _spooled(spool) == []


def test_the_orders_import_lists_the_first_thousand_errors_too(tmp_path: Path) -> None:
    from cases.orders_import import import_orders

    path = tmp_path / "orders.csv"
    rows = [f"20/{n}/24,asbo,2024-01-11,,," for n in range(1, MAX_ERRORS + 11)]
    path.write_bytes(_csv("crime_reference,order_type,applied_date,granted_date,expiry_date,breaches", *rows))
    with pytest.raises(ImportRejected) as rejected:
        import_orders(source=path)
    # Two errors a row (not in the register, not a known order type): 2,020, the first 1,000 listed.
    assert len(rejected.value.errors) == MAX_ERRORS and rejected.value.lines[-1] == "and 1,020 more errors"
    assert [(e.row, e.column) for e in rejected.value.errors[:3]] == [
        (2, "crime_reference"),
        (2, "order_type"),
        (3, "crime_reference"),
    ]
    assert rejected.value.message == "The file has 2,020 errors: nothing was imported."
