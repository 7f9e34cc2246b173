"""Two people, one record: lost updates and races, handled in one place.

**Optimistic concurrency.** Every domain model keeps its history (django-simple-history), so a
record's *version* is the id of its latest history row: any save moves it, whoever made it (a page,
the API, the CSV import, the admin). An edit form carries the version it was opened at in a hidden
field, the API in a ``version`` field or an ``If-Match`` header; the service, in its transaction,
locks the row and compares (:func:`require_version`). A stale save is refused with
:class:`StaleEdit` naming who changed the record and when: nothing is saved, the form shows the
message and now carries the current version, so saving again after a review goes through.
A record whose version is made of several tables (a case review and its answers) passes the
histories of its parts as ``also``; a record not yet created has version ``"0"``.

**Races.** :func:`unique_or_error` turns the database's refusal of a duplicate (two requests
inserting the same key at once) into an ``ApplicationError`` with a clear message; :func:`exclusive`
makes writers of one kind wait for each other (a PostgreSQL advisory lock held to the end of the
transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .errors import ApplicationError

NEW = "0"  # the version of a record that does not exist yet
VERSION_HELP = (
    "The record's version when it was read. Send it back with a change (or in an If-Match header): "
    "if someone has changed the record since, the change is refused with 409 (412 when it came in If-Match)."
)


class StaleEdit(ApplicationError):
    """The record changed after the editor opened it: refused, nothing saved. In the API: 409 when the
    version came in the body, 412 Precondition Failed when it came in an ``If-Match`` header alone (the
    answer HTTP gives to a precondition that no longer holds, RFC 9110 §13.1.1)."""

    status_code = 409

    def status_for(self, request: Any) -> int:
        data = getattr(request, "data", None)
        in_body = isinstance(data, Mapping) and data.get("version") not in (None, "")
        if_match = request is not None and _if_match(request) is not None
        return 412 if if_match and not in_body else self.status_code

    def __init__(self, message: str, *, current: str) -> None:
        super().__init__(message, {"version": [message]})
        self.current = current
        # A form re-shown with this error carries the current version: saving again is a decision.
        self.form_data = {"version": current}


@dataclass(frozen=True)
class Version:
    token: str
    by: str
    at: datetime | None


def _history(instance: Model) -> QuerySet[Any]:
    return instance.history.all()  # type: ignore[attr-defined]  # simple-history adds the manager


def version_of(instance: Model | None, *, also: Iterable[QuerySet[Any]] = ()) -> Version:
    """The version token of ``instance`` (and of the history querysets ``also``), with who made the
    latest change and when."""
    parts = ([_history(instance)] if instance is not None and instance.pk else []) + list(also)
    latest = [
        part.order_by("-history_id")
        .values_list("history_id", "history_date", "history_user__full_name", "history_user__email")
        .first()
        for part in parts
    ]
    found = [row for row in latest if row is not None]
    if not found:
        return Version(token=NEW, by="", at=None)
    token = ".".join(str(row[0]) if row else "0" for row in latest)
    newest = max(found, key=lambda row: row[1])
    return Version(token=token, by=newest[2] or newest[3] or "the system", at=newest[1])


def version_token(instance: Model | None, *, also: Iterable[QuerySet[Any]] = ()) -> str:
    """The token an edit form or an API response carries (``version_of(...).token``); a queryset
    annotated by :func:`with_versions` saves the query."""
    if hasattr(instance, "version_token") and not also:
        annotated = getattr(instance, "version_token", None)
        # No history row (rows written in bulk, e.g. benchmark data) reads as new, as version_of says.
        return NEW if annotated is None else str(annotated)
    return version_of(instance, also=also).token


def with_versions(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Annotate each row with its version (one correlated subquery, no query per row) for lists."""
    history = queryset.model.history.model  # simple-history
    latest = history.objects.filter(id=OuterRef("pk")).order_by("-history_id").values("history_id")[:1]
    return queryset.annotate(version_token=Subquery(latest))


def require_version(
    instance: Model | None, expected: str | None, *, noun: str, also: Iterable[QuerySet[Any]] = ()
) -> None:
    """Refuse the save when the record has changed since version ``expected`` was read.

    Call it inside the service's transaction, before writing: the row is locked first, so of two
    saves made from the same version exactly one goes through. ``expected`` ``None`` or empty (an
    API client that sends no version) skips the check.
    """
    if expected is None or str(expected).strip() == "":
        return
    if instance is not None and instance.pk:
        lock_row(type(instance), instance.pk)
    current = version_of(instance, also=also)
    if str(expected).strip() == current.token:
        return
    when = timezone.localtime(current.at).strftime("%H:%M:%S on %-d %B %Y") if current.at else "a moment ago"
    raise StaleEdit(
        f"This {noun} was changed by {current.by} at {when} after you opened it — review and save again.",
        current=current.token,
    )


@contextmanager
def versioned(
    instance: Model | None, expected: str | None, *, noun: str, also: Iterable[QuerySet[Any]] = ()
) -> Iterator[None]:
    """Run a save in one transaction that first checks the version (:func:`require_version`):
    for a page or endpoint whose service does not take ``expected_version`` itself."""
    with transaction.atomic():
        require_version(instance, expected, noun=noun, also=also)
        yield


def lock_row(model: type[Model], pk: Any) -> None:
    """Lock one row until the transaction ends (``SELECT … FOR UPDATE``): writers queue behind it."""
    list(model._default_manager.select_for_update().filter(pk=pk).values_list("pk"))


class VersionField(forms.CharField):
    """The hidden form field carrying the version the form was opened at."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "description": VERSION_HELP})
class VersionSerializerField(serializers.Field):
    """``version`` in the API: read with the record, sent back with a change (optional)."""

    def __init__(self, *, checked_by_view: bool = False, **kwargs: Any) -> None:
        # ``checked_by_view``: the viewset (:class:`VersionedViewSetMixin`) checks the version, so
        # it is validated here but kept out of ``validated_data`` (the service never sees it).
        self.checked_by_view = checked_by_view
        super().__init__(source="*", required=False, help_text=VERSION_HELP, **kwargs)

    def to_representation(self, value: Any) -> str:
        return version_token(value)

    def to_internal_value(self, data: Any) -> dict[str, str]:
        token = _valid_token(data)
        return {} if self.checked_by_view else {"version": token}


def _valid_token(data: Any) -> str:
    if not isinstance(data, str | int) or isinstance(data, bool) or len(str(data)) > 100:
        raise serializers.ValidationError("Send the version as read, a short text.")
    return str(data)


def expected_version(request: Any, data: dict[str, Any]) -> str | None:
    """The version an API write was based on: ``version`` from the body (removed from ``data``),
    else the ``If-Match`` header (an ETag, quoted or weak); ``None`` when neither was sent."""
    token = data.pop("version", None)
    return _if_match(request) if token is None else token


def _if_match(request: Any) -> str | None:
    """The version in the ``If-Match`` header (an ETag, quoted or weak); ``None`` when it is absent or ``*``."""
    header = (request.headers.get("If-Match") or "").strip()
    if header and header != "*":
        return header.removeprefix("W/").strip('"')
    return None


def request_version(request: Any) -> str | None:
    """The version an API write was based on, read from the request (``version`` in the body, else
    ``If-Match``) without changing it; ``None`` when neither was sent."""
    data = request.data
    token = data.get("version") if isinstance(data, Mapping) else None
    if token is None:
        return expected_version(request, {})
    try:
        return _valid_token(token)
    except serializers.ValidationError as exc:
        raise ApplicationError("Send the version as read, a short text.", {"version": exc.detail}) from exc


class VersionedViewSetMixin:
    """A viewset whose ``PUT``/``PATCH`` refuse a stale version (409, or 412 from If-Match; nothing saved)
    and whose detail ``GET`` sends the version as an ``ETag`` (to send back in ``If-Match``). Its serializer declares
    ``version = VersionSerializerField(checked_by_view=True)``; ``version_noun`` names the record."""

    version_noun = "record"
    # True when the service checks the version itself (it takes ``expected_version`` from
    # :func:`request_version`, and locks in its own order): the viewset then only reads it.
    service_checks_version = False

    def get_object(self) -> Any:
        record = super().get_object()  # type: ignore[misc]  # a mixin
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):  # type: ignore[attr-defined]  # a viewset's
            # A write answers with the version it made, not the one annotated when it was read.
            record.__dict__.pop("version_token", None)
        return record

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().retrieve(request, *args, **kwargs)  # type: ignore[misc]  # a mixin
        token = response.data.get("version") if isinstance(response.data, Mapping) else None
        if token:
            response["ETag"] = f'"{token}"'
        return response

    def update(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        expected = request_version(request)
        if self.service_checks_version:
            return super().update(request, *args, **kwargs)  # type: ignore[misc]  # a mixin
        with transaction.atomic():
            require_version(self.get_object(), expected, noun=self.version_noun)
            return super().update(request, *args, **kwargs)  # type: ignore[misc]  # a mixin


@contextmanager
def unique_or_error(message: str, *, field: str | None = None) -> Iterator[None]:
    """Run a write in a savepoint; the database refusing a duplicate (another request inserted the
    same key first) becomes an ``ApplicationError`` with ``message`` instead of a 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ApplicationError(message, {field: [message]} if field else {}) from exc


def exclusive(name: str) -> None:
    """Wait until no other transaction holds the lock ``name``, then hold it until this transaction
    ends (PostgreSQL advisory lock). SQLite lets one writer in at a time anyway."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("exclusive() needs a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
