"""Reads of the investigation register, already restricted to what the user may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db.models import Count, F, Field, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from oversight.errors import ApplicationError
from oversight.roles import Cap, require_capability

from .analytics import bail_expiring
from .drilldown import Drilldown, drilldown_from
from .filters import InvestigationFilter
from .kpis import REPEAT_PEOPLE, KpiFilters
from .models import CpsReferral, ExportJob, Flag, Investigation, LocalPolicingArea, OrderBreach, ProtectiveOrder, Team


def investigation_queryset(*, user: Any) -> QuerySet[Investigation]:
    """Every investigation the user may read (all of them, or ``PermissionDenied``), with ``phase_code``."""
    require_capability(user, Cap.INVESTIGATIONS_VIEW)
    return Investigation.objects.with_phase().select_related("lpa", "team")


def investigation_list(
    *, user: Any, filters: Any = None, related: bool = False, drilldown: Drilldown | None = None
) -> InvestigationFilter:
    """The register filtered by ``filters`` (a ``QueryDict`` or dict of the filter names).

    Returns the bound ``InvestigationFilter``: ``.qs`` is the queryset (flags prefetched;
    referrals and orders too when ``related``), ``.form`` the filter form with any errors.
    With a ``drilldown`` the list is exactly the investigations behind that figure (the KPI
    engine's conditions and filters); of ``filters`` only the sort order applies on top.
    """
    queryset = investigation_queryset(user=user).prefetch_related("flags")
    if related:
        queryset = queryset.prefetch_related(
            "referrals", Prefetch("orders", queryset=ProtectiveOrder.objects.prefetch_related("breaches"))
        )
    if drilldown is not None:
        queryset = drilldown.investigations(queryset)
        ordering = filters.get("ordering") if filters else None
        filters = {"ordering": ordering} if ordering else None
    return InvestigationFilter(filters or None, queryset=queryset)


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """An investigation as a row of the register table shows it, each value ready to print."""

    url: str
    crime_reference: str
    strand: str
    offence_group: str
    lpa: str  # the area's name, "" when none
    team: str
    recorded_date: date
    outcome: str  # the outcome's label, "" while open
    outcome_date: date | None
    phase_code: str
    flags: str  # the flags' names, comma-separated, "" when none


# The values a register row reads (``phase_code`` is annotated by :func:`investigation_queryset`).
REGISTER_ROW_FIELDS = (
    "pk",
    "crime_reference",
    "strand",
    "offence_group",
    "lpa__name",
    "team__name",
    "recorded_date",
    "outcome_type",
    "outcome_date",
    "phase_code",
)


def register_table(queryset: QuerySet[Investigation]) -> QuerySet[Any]:
    """``queryset`` (from :func:`investigation_list`, ordered) as the register table reads it: the values of
    :data:`REGISTER_ROW_FIELDS` as dictionaries, not model instances (a page built 150 of them, with its
    areas and teams, for ten values a row), and no flags prefetch (:func:`register_rows` reads them)."""
    return queryset.prefetch_related(None).values(*REGISTER_ROW_FIELDS)


def register_rows(investigations: Sequence[dict[str, Any]]) -> list[RegisterRow]:
    """The rows of a register page (values read through :func:`register_table`), worked out once in Python
    rather than cell by cell in the template. The flags' names come in one query for the whole page (a
    prefetch builds a queryset per row), and each choice label from one dictionary per field, where
    ``get_FOO_display`` rebuilds it on every call."""
    # One reverse() for the page, not one per row: the detail link with a placeholder id, filled in below.
    placeholder = "987654321"
    detail_url = reverse("cases:investigation_detail", args=[placeholder])
    labels = {
        name: {value: str(label) for value, label in cast(Field, Investigation._meta.get_field(name)).flatchoices}
        for name in ("strand", "offence_group", "outcome_type")
    }
    flags: dict[int, list[str]] = defaultdict(list)
    if investigations:
        through = Investigation.flags.through.objects.filter(investigation_id__in=[inv["pk"] for inv in investigations])
        for investigation_id, name in through.order_by("flag__name").values_list("investigation_id", "flag__name"):
            flags[investigation_id].append(name)
    return [
        RegisterRow(
            url=detail_url.replace(placeholder, str(inv["pk"])),
            crime_reference=inv["crime_reference"],
            strand=labels["strand"].get(inv["strand"], inv["strand"]),
            offence_group=labels["offence_group"].get(inv["offence_group"], inv["offence_group"]),
            lpa=inv["lpa__name"] or "",
            team=inv["team__name"] or "",
            recorded_date=inv["recorded_date"],
            outcome=labels["outcome_type"].get(inv["outcome_type"], inv["outcome_type"]),
            outcome_date=inv["outcome_date"],
            phase_code=inv["phase_code"],
            flags=", ".join(flags[inv["pk"]]),
        )
        for inv in investigations
    ]


DEFAULT_ORDER = ("-recorded_date", "-crime_reference")


def register_ordered(queryset: QuerySet[Investigation]) -> QuerySet[Investigation]:
    """The register in its sort order (the filter's ``ordering``, else newest first), ties broken by
    crime reference in the same direction, so each sort reads one index (see :mod:`cases.pagination`)."""
    order = [term for term in queryset.query.order_by if isinstance(term, str)][:1]
    if not order:
        return queryset.order_by(*DEFAULT_ORDER)
    first = order[0]
    if first.lstrip("-") == "crime_reference":
        return queryset.order_by(first)
    return queryset.order_by(first, f"{'-' if first.startswith('-') else ''}crime_reference")


def register_download(*, user: Any, params: Any) -> QuerySet[Investigation]:
    """The register list that ``params`` (the list page's query: filters, sort, drill-down) shows, in its
    order, for a download built away from the request. Bad parameters: ``ApplicationError``."""
    drilldown = drilldown_from(params)
    filterset = investigation_list(user=user, filters=params, drilldown=drilldown)
    if filterset.errors:
        raise ApplicationError("The register's filters are not valid.", dict(filterset.errors))
    return register_ordered(filterset.qs)


def export_job(*, user: Any, token: Any) -> ExportJob:
    """One of the user's own export jobs (404 for anyone else's), after the register role check."""
    require_capability(user, Cap.INVESTIGATIONS_VIEW)
    return get_object_or_404(ExportJob, token=token, user_id=user.pk)


def investigation_detail(*, user: Any, pk: int) -> Investigation:
    """One investigation with its flags, referrals, orders and breaches."""
    queryset = investigation_queryset(user=user).prefetch_related(
        "flags", "referrals", Prefetch("orders", queryset=ProtectiveOrder.objects.prefetch_related("breaches"))
    )
    return get_object_or_404(queryset, pk=pk)


def investigation_history(*, user: Any, investigation: Investigation, limit: int = 50) -> list[dict[str, Any]]:
    """The latest changes to an investigation and its referrals and orders, newest first.

    Each entry: ``when``, ``who``, ``what`` (record), ``kind`` (created/changed/deleted), ``changes``
    (list of ``(field label, old, new)``).
    """
    require_capability(user, Cap.INVESTIGATIONS_VIEW)
    kinds = {"+": "Created", "~": "Changed", "-": "Deleted"}
    names = {
        "lpa": dict(LocalPolicingArea.objects.values_list("id", "name")),
        "team": dict(Team.objects.values_list("id", "name")),
        "flags": dict(Flag.objects.values_list("id", "code")),
    }

    def shown(field: str, value: Any) -> str:
        if value in (None, ""):
            return "—"
        if field == "flags":
            return ", ".join(sorted(names["flags"].get(row.get("flag"), "?") for row in value)) or "—"
        if field in ("lpa", "team"):
            return names[field].get(value, str(value))
        return str(value)

    entries: list[dict[str, Any]] = []
    sources = [
        ("Investigation", investigation.history.select_related("history_user").order_by("-history_date")[:limit]),
        (
            "CPS referral",
            CpsReferral.history.filter(investigation_id=investigation.pk)
            .select_related("history_user")
            .order_by("-history_date")[:limit],
        ),
        (
            "Protective order",
            ProtectiveOrder.history.filter(investigation_id=investigation.pk)
            .select_related("history_user")
            .order_by("-history_date")[:limit],
        ),
        (
            "Order breach",
            OrderBreach.history.filter(order__investigation_id=investigation.pk)
            .select_related("history_user")
            .order_by("-history_date")[:limit],
        ),
    ]
    for label, records in sources:
        records = list(records)
        for index, record in enumerate(records):
            previous = records[index + 1] if index + 1 < len(records) and label == "Investigation" else None
            changes = []
            if record.history_type == "~":
                previous = previous or record.prev_record
                if previous is not None:
                    delta = record.diff_against(previous, excluded_fields=["updated_at", "created_at"])
                    for change in delta.changes:
                        field = record.instance_type._meta.get_field(change.field)
                        changes.append(
                            (
                                str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:],
                                shown(change.field, change.old),
                                shown(change.field, change.new),
                            )
                        )
            entries.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "what": label,
                    "kind": kinds.get(record.history_type, record.history_type),
                    "reason": record.history_change_reason or "",
                    "changes": changes,
                }
            )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def repeat_people(
    *, user: Any, person: str, date_from: date, date_to: date, filters: KpiFilters | None = None
) -> QuerySet[Any]:
    """The people behind ``repeat_victims`` / ``repeat_suspects`` (``person`` is ``victim`` or ``suspect``):
    ``{"person_id", "investigations"}`` for each reference with two or more investigations recorded in
    ``[date_from, date_to]`` and ``filters``, most investigations first. The same condition as the KPI
    engine's :func:`cases.kpis.repeat_people`, so the list's length is the figure."""
    require_capability(user, Cap.INVESTIGATIONS_VIEW)
    field = dict(REPEAT_PEOPLE)[f"repeat_{person}s"]
    recorded = (filters or KpiFilters()).apply(Investigation.objects.filter(recorded_date__range=(date_from, date_to)))
    return (
        recorded.exclude(**{field: ""})
        .order_by()
        .values(person_id=F(field))
        .annotate(investigations=Count("pk"))
        .filter(investigations__gte=2)
        .order_by("-investigations", "person_id")
    )


def bail_expiring_list(*, user: Any, on: date, filters: KpiFilters | None = None) -> QuerySet[Investigation]:
    """Investigations on pre-charge bail on ``on`` whose bail expires within 14 days, soonest first
    (the condition of the count everyone sees: :func:`cases.analytics.bail_expiring`)."""
    queryset = investigation_queryset(user=user)
    return (
        (filters or KpiFilters())
        .apply(queryset.filter(bail_expiring(on)))
        .order_by("bail_expiry_date", "crime_reference")
    )
