"""Races that gave 500s: the same thing sent twice at the same moment, by real threads on PostgreSQL
(each with its own connection). Each ends in one write and one clear message."""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from cases import importer, services
from cases.importer import import_investigations
from cases.models import Investigation
from commitments.models import ProgressUpdate
from oversight.errors import ApplicationError
from oversight.roles import Role
from tests.commitments.factories import BoardFactory, CommitmentFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads started together; each result, or the exception raised."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            start.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _pause_after_validation(monkeypatch: Any, module: Any, name: str, parties: int) -> None:
    """Both requests pass validation before either writes: the race every time, not now and then."""
    original = getattr(module, name)
    validated = threading.Barrier(parties)

    def checked(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):  # the other is waiting on a lock: carry on
            validated.wait(timeout=2)
        return result

    monkeypatch.setattr(module, name, checked)


def test_the_same_file_imported_twice_at_once_is_written_once(requires_postgres: None, make_user: Any) -> None:
    editor = make_user(Role.CASE_EDITOR)
    rows = "\n".join(f"20/{900000 + n}/25,rasso,rape,2025-05-{1 + n % 28:02d}" for n in range(300))
    content = f"crime_reference,strand,offence_group,recorded_date\n{rows}\n".encode()

    results = _at_once(2, lambda _i: import_investigations(source=io.BytesIO(content), actor=editor))

    assert not [r for r in results if isinstance(r, Exception)], results
    # The second import waited for the first, then found every row already there and unchanged.
    assert sorted((r.created, r.unchanged) for r in results) == [(0, 300), (300, 0)]
    assert Investigation.objects.count() == 300
    assert Investigation.history.count() == 300  # one history row each: nothing written twice


def test_an_import_that_loses_a_race_to_another_writer_says_so_and_writes_nothing(
    requires_postgres: None, make_user: Any, monkeypatch: Any
) -> None:
    editor = make_user(Role.CASE_EDITOR)
    content = b"crime_reference,strand,offence_group,recorded_date\n20/950000/25,rasso,rape,2025-05-01\n"
    _pause_after_validation(monkeypatch, importer, "_stored", 2)  # a chunk read and looked up, before it is written

    def work(i: int) -> Any:
        if i == 0:
            return import_investigations(source=io.BytesIO(content), actor=editor)
        return services.investigation_create(
            actor=editor,
            data={"crime_reference": "20/950000/25", "strand": "rasso", "offence_group": "rape"}
            | {"recorded_date": "2025-05-01"},
        )

    results = _at_once(2, work)

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) <= 1 and all(isinstance(e, ApplicationError) for e in errors), results
    assert Investigation.objects.filter(crime_reference="20/950000/25").count() == 1


def test_a_new_investigation_form_sent_twice_records_it_once_and_says_so(
    requires_postgres: None, make_user: Any, monkeypatch: Any
) -> None:
    editor = make_user(Role.CASE_EDITOR)
    form = {"crime_reference": "20/777777/25", "strand": "rasso", "offence_group": "rape"}
    form |= {"victim_age_group": "adult", "recorded_date": "2025-05-01"}
    _pause_after_validation(monkeypatch, services, "clean_or_raise", 2)

    def submit(_i: int) -> Any:
        client = Client()
        client.force_login(editor)
        return client.post("/cases/new/", form)

    responses = _at_once(2, submit)

    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert sorted(r.status_code for r in responses) == [302, 400]
    refused = next(r for r in responses if r.status_code == 400).content.decode()
    assert "Investigation 20/777777/25 has just been recorded: nothing more was saved." in refused
    assert Investigation.objects.filter(crime_reference="20/777777/25").count() == 1


def test_a_first_progress_update_sent_twice_is_saved_once_and_the_second_told_why(
    requires_postgres: None, make_user: Any
) -> None:
    lead = make_user(Role.COMMITMENT_LEAD, full_name="Lena Lead")
    commitment = CommitmentFactory(lead=lead, board=BoardFactory(chair=make_user(Role.BOARD_CHAIR)))
    url = f"/commitments/{commitment.pk}/update/2025-26-Q2/"
    form = {"narrative": "On track.", "proposed_rating": "GREEN", "version": "0"}

    def submit(_i: int) -> Any:
        client = Client()
        client.force_login(lead)
        return client.post(url, form)

    responses = _at_once(2, submit)

    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert sorted(r.status_code for r in responses) == [302, 400]
    refused = next(r for r in responses if r.status_code == 400).content.decode()
    assert "This progress update was changed by Lena Lead at" in refused
    assert ProgressUpdate.objects.filter(commitment=commitment).count() == 1
    assert ProgressUpdate.history.filter(commitment_id=commitment.pk).count() == 1
