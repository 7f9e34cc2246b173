"""The access log of case-level reads (DESIGN.md section 5): write one row, search, prune.

Case views and API endpoints call :func:`record_access` once per request that shows case-level
data; it is one INSERT. Administrators search the log (:func:`access_log_search`) on a page and
download it as CSV. Rows older than ``ACCESS_LOG_RETENTION_DAYS`` leave it through :func:`prune`,
the only delete path (a daily Celery beat task and ``manage.py prune_access_log``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .models import AccessKind, AccessLogEntry, User
from .roles import Cap, require_capability

MAX_QUERY = AccessLogEntry._meta.get_field("query").max_length or 2000
MAX_PATH = AccessLogEntry._meta.get_field("path").max_length or 500
MAX_USERS = 500  # a user search matching more people than this is narrowed to the first 500


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies the address
    that many places from the right of ``X-Forwarded-For`` (addresses further left can be forged)."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def record_access(request: Any, kind: AccessKind, *, object_id: int | None = None, reference: str = "") -> None:
    """Write one access-log row for this request: the signed-in user, ``kind``, the record opened
    (``object_id`` and its crime ``reference``) and, for lists and exports, the query string."""
    AccessLogEntry.objects.create(
        user_id=request.user.pk,
        kind=kind,
        object_id=object_id,
        crime_reference=reference[:64],
        query=request.META.get("QUERY_STRING", "")[:MAX_QUERY],
        path=request.path[:MAX_PATH],
        ip_address=client_ip(request),
    )


@dataclass(frozen=True)
class AccessLogFilters:
    """What an administrator searches by; every part optional."""

    user: str = ""  # email, or part of it
    reference: str = ""  # a crime reference, or an investigation id
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def access_log_search(*, user: Any, filters: AccessLogFilters) -> QuerySet[AccessLogEntry]:
    """Entries matching ``filters``, newest first, with their users (administrators only).

    Each filter is served by an index that ends in ``at`` (see ``AccessLogEntry.Meta.indexes``), so
    the newest page is read from the index without sorting the matching rows. The user filter is
    resolved to ids first (one small query): given literal ids the planner reads the (user, at) index,
    where a subquery made it walk the whole log newest first, filtering (45 ms at 1,000,000 rows).
    """
    require_capability(user, Cap.ACCESS_LOG_VIEW)
    entries = AccessLogEntry.objects.select_related("user")
    if filters.user:
        ids = list(User.objects.filter(email__icontains=filters.user).values_list("id", flat=True)[:MAX_USERS])
        entries = entries.filter(user_id__in=ids)
    if filters.reference:
        reference = filters.reference.strip()
        match = Q(crime_reference=reference)
        if reference.isdigit() and len(reference) < 19:
            match |= Q(kind=AccessKind.INVESTIGATION, object_id=int(reference))
        entries = entries.filter(match)
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.date_from:
        entries = entries.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_day_start(filters.date_to + timedelta(days=1)))
    return entries.order_by("-at", "-id")


PRUNE_FUNCTION = "oversight_prune_access_log"  # migration oversight/0012
INSUFFICIENT_PRIVILEGE = "42501"  # the SQLSTATE the function raises when it refuses


class PruneRefused(Exception):
    """The database refused to prune entries this recent (its minimum retention, ``grant_app_role``)."""


@transaction.atomic
def prune(*, now: datetime | None = None, days: int | None = None) -> int:
    """Delete entries older than ``days`` (default ``ACCESS_LOG_RETENTION_DAYS``); the number deleted.

    On PostgreSQL through ``oversight_prune_access_log`` (migration ``oversight/0012``), which runs with
    its owner's rights: the application's role needs no DELETE on the log, and the function refuses a
    cutoff more recent than the minimum retention its owner set (:class:`PruneRefused`).
    """
    keep_days = settings.ACCESS_LOG_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT {PRUNE_FUNCTION}(%s)", [cutoff])
                (deleted,) = cursor.fetchone()
        except DatabaseError as exc:
            diag = getattr(exc.__cause__, "diag", None)  # the driver's error, under Django's
            if getattr(diag, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
                raise PruneRefused(getattr(diag, "message_primary", None) or str(exc)) from exc
            raise
        return int(deleted)
    stale = AccessLogEntry.objects.filter(at__lt=cutoff)
    deleted, _ = models.QuerySet.delete(stale)  # the append-only queryset refuses delete(); this is the one path
    return deleted
