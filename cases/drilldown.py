"""Drill-down: from a count to the investigations behind it (DESIGN.md §4 and §6).

The register page and ``GET /api/v1/investigations/`` take ``measure``, ``from``, ``to`` and the KPI
filters (:data:`cases.kpis.FILTER_PARAMS`); :func:`drilldown_from` reads them into a
:class:`Drilldown`, whose :meth:`Drilldown.investigations` is :func:`cases.kpis.measure_investigations`:
the same conditions and filters as the figure, so the list's count is the figure.

Pages that show counts build their links with :func:`figure_links` (no links for a user who may
not see investigations) and render each count with ``includes/figure.html``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format

from oversight.errors import ApplicationError, errors_message
from oversight.roles import Cap, has_capability

from .choices import OffenceGroup, Strand, VictimAgeGroup
from .kpis import (
    DRILLDOWN_MEASURES,
    FILTER_PARAMS,
    METRIC_LABELS,
    KpiFilters,
    measure_investigations,
    parse_kpi_date,
    resolve_filters,
)
from .models import Flag, Investigation, LocalPolicingArea, Team

DRILLDOWN_PARAMS: tuple[str, ...] = ("measure", "from", "to")
# Parameters a drill-down list accepts besides its own and the filters: paging, sorting, download.
PAGING_PARAMS: tuple[str, ...] = ("page", "format", "ordering")

# What each listed measure counts, in words, after "Investigations …".
MEASURE_DEFINITIONS: dict[str, str] = {
    "recorded_offences": "recorded in the period",
    "outcomes_assigned": "given an outcome of any type in the period (by outcome date)",
    "charged": "charged or summonsed (outcome 1 or 1A) in the period",
    "positive_outcomes": "given a positive outcome (1, 1A, 2, 3, 4, 6, 7 or 8) in the period",
    "victim_withdrawal": "given a victim-withdrawal outcome (14 or 16) in the period",
    "open_investigations": "recorded on or before the date and without an outcome on or before it",
    # the attrition funnel's later stages: the cohort recorded in the period, as far as it has got by now
    "funnel_arrested": "recorded in the period whose suspect has been arrested (an arrest date), as of today",
    "funnel_referred_to_cps": "recorded in the period and referred to the CPS at least once, as of today",
    "funnel_charged": "recorded in the period and charged or summonsed (outcome 1 or 1A), as of today",
    "funnel_court_outcome": "recorded in the period with a court outcome, as of today",
    "funnel_convicted": "recorded in the period whose court outcome is a conviction, as of today",
}
# The name of each listed measure: the KPI's, or for a funnel stage the cohort and the stage.
MEASURE_LABELS: dict[str, str] = {
    **METRIC_LABELS,
    "funnel_arrested": "Recorded, suspect arrested since",
    "funnel_referred_to_cps": "Recorded, referred to the CPS since",
    "funnel_charged": "Recorded, charged/summonsed since",
    "funnel_court_outcome": "Recorded, court outcome since",
    "funnel_convicted": "Recorded, convicted since",
}


def _day(value: date) -> str:
    return date_format(value)


@dataclass(frozen=True)
class Drilldown:
    """A validated drill-down: a measure, its period and the filters (resolved by the KPI engine)."""

    measure: str
    date_from: date
    date_to: date
    filters: KpiFilters

    def investigations(self, queryset: QuerySet[Investigation]) -> QuerySet[Investigation]:
        """``queryset`` narrowed to exactly the investigations the figure counts."""
        return measure_investigations(
            self.measure, date_from=self.date_from, date_to=self.date_to, filters=self.filters, queryset=queryset
        )

    @property
    def label(self) -> str:
        return MEASURE_LABELS[self.measure]

    @property
    def period(self) -> str:
        """``1 Apr 2025 – 31 Jan 2026``; open investigations are counted on one day: ``on 31 Jan 2026``."""
        if self.measure == "open_investigations":
            return f"on {_day(self.date_to)}"
        return f"{_day(self.date_from)} – {_day(self.date_to)}"

    @property
    def definition(self) -> str:
        return f"Investigations {MEASURE_DEFINITIONS[self.measure]}."

    @cached_property
    def resolved_filters(self) -> list[tuple[str, str, str]]:
        """The filters as ``(parameter, code, label)`` in :data:`FILTER_PARAMS` order: codes as the
        dashboard and the API spell them (an LPA given by name becomes its code), labels in words
        (reference data: one query for each given)."""
        choices: dict[str, Any] = {"strand": Strand, "offence_group": OffenceGroup, "victim_age_group": VictimAgeGroup}
        models: dict[str, Any] = {"lpa": LocalPolicingArea, "team": Team, "flag": Flag}
        resolved = []
        for name in FILTER_PARAMS:
            if name in choices and (code := getattr(self.filters, name)):
                resolved.append((name, code, str(choices[name](code).label)))
            elif name in models and (pk := getattr(self.filters, f"{name}_id")):
                record = models[name].objects.filter(pk=pk).values("code", "name").first() or {"code": "", "name": ""}
                resolved.append((name, record["code"], record["name"]))
        return resolved

    def describe(self, count: int) -> str:
        """``Positive outcomes, 1 Apr 2025 – 31 Jan 2026, Rape and serious sexual offences, Wolverhampton:
        41 investigations``."""
        separator = " " if self.measure == "open_investigations" else ", "
        parts = [f"{self.label}{separator}{self.period}", *(label for _name, _code, label in self.resolved_filters)]
        noun = "investigation" if count == 1 else "investigations"
        return f"{', '.join(parts)}: {count:,} {noun}"

    def dashboard_query(self) -> dict[str, str]:
        """The performance dashboard's parameters for the same period and filters (the way back)."""
        period = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        return period | {name: code for name, code, _label in self.resolved_filters}


def drilldown_from(params: Mapping[str, Any], *, extra: tuple[str, ...] = PAGING_PARAMS) -> Drilldown | None:
    """The drill-down asked for by query ``params``, or ``None`` when none of ``measure``, ``from``,
    ``to`` is given (the ordinary register).

    Raises ``ApplicationError`` naming every bad parameter: a missing or unknown measure, a missing,
    malformed or out-of-range date (the engine's bounds), a reversed period, an unknown filter code,
    or a parameter other than these, the KPI filters and ``extra`` (so a misspelt filter never
    silently widens the list).
    """
    if not any(params.get(name) for name in DRILLDOWN_PARAMS):
        return None
    errors: dict[str, list[str]] = {}
    measure = str(params.get("measure") or "").strip()
    if not measure:
        errors["measure"] = [f"Choose a measure: one of {', '.join(DRILLDOWN_MEASURES)}."]
    elif measure not in DRILLDOWN_MEASURES:
        errors["measure"] = [f"'{measure}' is not a measure to list: use one of {', '.join(DRILLDOWN_MEASURES)}."]
    dates: dict[str, date] = {}
    for name in ("from", "to"):
        try:
            dates[name] = parse_kpi_date(params.get(name))
        except ApplicationError as exc:
            errors[name] = [exc.message]
    if "from" in dates and "to" in dates and dates["from"] > dates["to"]:
        errors["from"] = [f"'from' ({dates['from']}) is after 'to' ({dates['to']})."]
    allowed = {*DRILLDOWN_PARAMS, *FILTER_PARAMS, *extra}
    for name in sorted(set(params) - allowed):
        errors[name] = [
            f"Unknown parameter: a list behind a figure takes {', '.join((*DRILLDOWN_PARAMS, *FILTER_PARAMS))}."
        ]
    filters = KpiFilters()
    try:
        filters = resolve_filters({name: params.get(name) for name in FILTER_PARAMS})
    except ApplicationError as exc:
        errors.update(exc.extra)
    if errors:
        raise ApplicationError(errors_message(errors), errors)
    return Drilldown(measure=measure, date_from=dates["from"], date_to=dates["to"], filters=filters)


def drilldown_query(
    measure: str, *, date_from: date, date_to: date, filters: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """The query parameters of a drill-down, filters in :data:`FILTER_PARAMS` order, blanks left out."""
    filters = filters or {}
    query = {"measure": measure, "from": date_from.isoformat(), "to": date_to.isoformat()}
    return query | {name: str(filters[name]) for name in FILTER_PARAMS if filters.get(name)}


def drilldown_url(measure: str, *, date_from: date, date_to: date, filters: Mapping[str, Any] | None = None) -> str:
    """The register page listing the investigations behind a count."""
    query = drilldown_query(measure, date_from=date_from, date_to=date_to, filters=filters)
    return f"{reverse('cases:investigation_list')}?{urlencode(query)}"


@dataclass(frozen=True)
class FigureLinks:
    """Links from a page's counts to the register, for one user and the page's filters (codes).

    :meth:`url` is ``None`` for a user who may not see investigations and for anything that is not
    a listed count (a rate, an average, CPS referrals), so such figures are shown without a link.
    """

    enabled: bool
    filters: Mapping[str, str] = field(default_factory=dict)

    def url(self, measure: str, date_from: date, date_to: date, **narrower: Any) -> str | None:
        """The list behind ``measure`` for ``[date_from, date_to]``; ``narrower`` filters (a group's
        strand or LPA) are added to the page's own."""
        if not self.enabled or measure not in DRILLDOWN_MEASURES:
            return None
        return drilldown_url(measure, date_from=date_from, date_to=date_to, filters={**self.filters, **narrower})

    def register_url(self, **register_filters: Any) -> str | None:
        """The ordinary register narrowed by ``register_filters`` (its own filter names, e.g. one
        ``outcome_type`` with ``outcome_from`` / ``outcome_to``) and the page's filters: for a count that no
        drill-down measure expresses but the register's filters select exactly."""
        if not self.enabled:
            return None
        query = {**self.filters, **{name: str(value) for name, value in register_filters.items()}}
        return f"{reverse('cases:investigation_list')}?{urlencode(query)}"


NO_LINKS = FigureLinks(enabled=False)


def figure_links(user: Any, filters: Mapping[str, Any] | None = None) -> FigureLinks:
    """The links a page's counts may carry for ``user`` (only roles that may see investigations get any)."""
    codes = {name: str(value) for name, value in (filters or {}).items() if name in FILTER_PARAMS and value}
    return FigureLinks(enabled=has_capability(user, Cap.INVESTIGATIONS_VIEW), filters=codes)
