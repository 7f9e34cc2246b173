"""Performance pages: the KPI dashboard with the Soteria table, and benchmark comparisons.

Every figure comes from :mod:`cases.kpis` (the same functions as the API); pages show aggregates
only, never a crime reference, so every role (``Cap.KPIS_VIEW``) may read them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cases.analytics import BAIL_EXPIRY_DAYS
from cases.choices import Strand
from cases.drilldown import NO_LINKS, FigureLinks, figure_links
from cases.kpis import ADULT_RAPE, METRIC_LABELS, KpiFilters, kpi_rows, soteria
from cases.models import LocalPolicingArea
from oversight.disclosure import FEWER_THAN, sees_small_groups
from oversight.errors import ApplicationError, add_errors_to_form
from oversight.exports import FORMATS, Table, export_format, page_or_download
from oversight.numbers import Rate
from oversight.periods import Period, month_of, parse_month, parse_quarter, same_day_last_year
from oversight.roles import Cap, capability_required, has_capability

from .forms import BenchmarkFigureForm, BenchmarkMeasureForm, PerformanceForm
from .models import BenchmarkFigure, BenchmarkMeasure
from .people import (
    bail_summary,
    bail_table,
    disproportionality,
    disproportionality_chart,
    disproportionality_tables,
    repeat_people_section,
)
from .sections import (
    cps_decisions_table,
    funnel_section,
    limits_cell,
    outcomes_section,
    p_chart_config,
    signal_text,
    victim_care_section,
)
from .selectors import benchmark_table, figure_number, figures_for, measure_list, measure_periods
from .services import benchmark_figure_save, benchmark_measure_save
from .statistics import p_chart, poisson_z, two_proportion_z, within_noise

TREND_MONTHS = 24


def _chart(kind: str, labels: list[str], datasets: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    return {"type": kind, "labels": labels, "datasets": datasets, **options}


# --------------------------------------------------------------------------- dashboard figures


# (metric, label, polarity): +1 higher is better, -1 lower is better, 0 neither
HEADLINES: tuple[tuple[str, str, int], ...] = (
    ("recorded_offences", "Recorded offences", 0),
    ("positive_outcome_rate", "Positive outcome rate", 1),
    ("charged_pct", "Charge rate (of outcomes assigned)", 1),
    ("victim_withdrawal_pct", "Victim withdrawal (of outcomes assigned)", -1),
    ("cps_charge_rate", "CPS charge rate", 1),
    ("avg_days_to_charge", "Average days to charge", -1),
    ("open_investigations", "Open investigations (at the end date)", 0),
)
_PERCENT = {"positive_outcome_rate", "charged_pct", "victim_withdrawal_pct", "cps_charge_rate"}


def _show(metric: str, value: Any) -> str:
    if value is None:
        return "No data"
    if metric in _PERCENT:
        return f"{value:.1f}%"
    if metric.startswith("avg_days"):
        return f"{value:,} days"
    return f"{value:,}"


def _rate(row: dict[str, Any], metric: str) -> Any:
    """A rate metric as a :class:`Rate` (its counts shown beside it) when the row has its fractions."""
    fraction = row.get("fractions", {}).get(metric)
    return Rate(*fraction) if fraction else row[metric]


def _noise(metric: str, now: dict[str, Any], before: dict[str, Any]) -> tuple[bool | None, str]:
    """Is the change on last year within the noise? Rates: two-proportion z-test; recorded offences:
    two Poisson counts; |z| < 2 is within the noise (:mod:`performance.statistics`). Other measures
    (averages, open cases at a date) get no test: ``(None, "")``."""
    if metric in now.get("fractions", {}):
        z = two_proportion_z(*now["fractions"][metric], *before["fractions"][metric])
    elif metric == "recorded_offences":
        z = poisson_z(now[metric], before[metric])
    else:
        return None, ""
    verdict = within_noise(z)
    if verdict is None or z is None:
        return None, ""
    if verdict:
        return True, f"Within the noise (z = {z:.1f}): a change this size could be chance."
    return False, f"Beyond the noise (z = {z:.1f}): unlikely to be chance alone."


def _tile(metric: str, label: str, polarity: int, now: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    current, previous = now[metric], before[metric]
    tile = {"metric": metric, "label": label, "value": _show(metric, current), "previous": _show(metric, previous)}
    if fraction := now.get("fractions", {}).get(metric):
        tile["counts"] = f"{fraction[0]:,} of {fraction[1]:,}"
    if current is None or previous is None:
        return tile | {"direction": "none", "change": "No comparison: no data for one of the periods."}
    difference = round(current - previous, 1)
    unit = " percentage points" if metric in _PERCENT else (" days" if metric.startswith("avg_days") else "")
    if difference == 0:
        return tile | {"direction": "same", "change": "No change on the same period last year.", "assessment": ""}
    direction = "up" if difference > 0 else "down"
    amount = f"{abs(difference):,.1f}" if metric in _PERCENT else f"{abs(difference):,}"
    change = f"{direction.title()} {amount}{unit} on the same period last year ({_show(metric, previous)})."
    within, noise = _noise(metric, now, before)
    assessment = ""
    if within:
        assessment = "Within the noise"
    elif polarity:
        assessment = "Improving" if (difference > 0) == (polarity > 0) else "Worsening"
    return tile | {"direction": direction, "change": change, "assessment": assessment, "noise": noise}


# The counts of the trend table, by column: each links to its month's investigations.
_TREND_COUNTS = {1: "recorded_offences", 2: "positive_outcomes", 5: "outcomes_assigned", 6: "charged"}


def _links(cells: Iterable[tuple[int, int, str | None]]) -> dict[tuple[int, int], str]:
    """A table's links by (row, column), leaving out the figures without one."""
    return {(row, column): url for row, column, url in cells if url}


def _month_label(key: str) -> str:
    return date.fromisoformat(f"{key}-01").strftime("%b %Y")


@dataclass
class Dashboard:
    """Everything the dashboard shows, built from a validated :class:`PerformanceForm`."""

    date_from: date
    date_to: date
    filters: KpiFilters
    quarter_a: Period
    quarter_b: Period
    base_query: dict[str, str]
    links: FigureLinks = NO_LINKS  # counts → the register list behind them (none for OPCC users)

    @property
    def previous_from(self) -> date:
        return same_day_last_year(self.date_from)

    @property
    def previous_to(self) -> date:
        return same_day_last_year(self.date_to)

    @property
    def trend_from(self) -> date:
        first = month_of(self.date_to).start
        for _ in range(TREND_MONTHS - 1):
            first = month_of(first - timedelta(days=1)).start
        return first

    def _qs(self, table: str) -> str:
        return urlencode({**self.base_query, "table": table})

    def _within(self, period: Period) -> tuple[date, date]:
        """The days of ``period`` inside the dashboard's window (a trend's first or last month may be partial)."""
        return max(period.start, self.trend_from), min(period.end, self.date_to)

    @cached_property
    def current(self) -> dict[str, Any]:
        """Every metric for the period, with the counts behind each rate."""
        return kpi_rows(date_from=self.date_from, date_to=self.date_to, filters=self.filters, fractions=True)[0]

    @cached_property
    def last_year(self) -> dict[str, Any]:
        """Every metric for the same dates a year earlier, with the counts behind each rate."""
        return kpi_rows(date_from=self.previous_from, date_to=self.previous_to, filters=self.filters, fractions=True)[0]

    def headline(self) -> tuple[list[dict[str, Any]], Table]:
        now, before = self.current, self.last_year
        tiles = [_tile(metric, label, polarity, now, before) for metric, label, polarity in HEADLINES]
        for tile in tiles:
            tile["url"] = self.links.url(tile["metric"], self.date_from, self.date_to)
        rows = [[METRIC_LABELS[m], _rate(now, m), _rate(before, m)] for m in METRIC_LABELS]
        windows = {1: (self.date_from, self.date_to), 2: (self.previous_from, self.previous_to)}
        table = Table(
            "headline",
            f"All measures, {date_format(self.date_from)} to {date_format(self.date_to)},"
            " and the same period a year earlier",
            [
                "Measure",
                f"{date_format(self.date_from)} to {date_format(self.date_to)}",
                f"{date_format(self.previous_from)} to {date_format(self.previous_to)}",
            ],
            rows,
            numeric={1, 2},
            query_string=self._qs("headline"),
            links=_links(
                (r, c, self.links.url(metric, *windows[c])) for r, metric in enumerate(METRIC_LABELS) for c in windows
            ),
        )
        return tiles, table

    def trend(self) -> tuple[list[dict[str, Any]], Table, list[str]]:
        """Positive outcome rate and charge rate by month as p-charts, their table, and the signals in words."""
        rows = kpi_rows(
            date_from=self.trend_from,
            date_to=self.date_to,
            group_by="month",
            filters=self.filters,
            fractions=True,
            people=False,
        )
        labels = [_month_label(row["group"]) for row in rows]
        rates = (
            ("positive_outcome_rate", "Positive outcome rate", "#1d70b8"),
            ("charged_pct", "Charge rate", "#00703c"),
        )
        charts, controls, signals = [], [], []
        for metric, name, colour in rates:
            fractions = [row["fractions"][metric] for row in rows]
            charts.append(
                {"id": f"chart-trend-{metric}", "name": name, **p_chart_config(labels, name, fractions, colour)}
            )
            control = p_chart(fractions)
            controls.append(control)
            signals += signal_text(name, control, labels)
        positive, charge = controls
        table = Table(
            "trend",
            f"Positive outcome rate and charge rate by month, {labels[0]} to {labels[-1]}, with p-chart control "
            f"limits (centre lines {_centre(positive)} and {_centre(charge)})",
            [
                "Month",
                "Recorded offences",
                "Positive outcomes",
                "Positive outcome rate",
                "Positive outcome rate: control limits",
                "Outcomes assigned",
                "Charged",
                "Charge rate",
                "Charge rate: control limits",
            ],
            [
                [
                    row["group"],
                    row["recorded_offences"],
                    row["positive_outcomes"],
                    _rate(row, "positive_outcome_rate"),
                    limits_cell(positive, index),
                    row["outcomes_assigned"],
                    row["charged"],
                    _rate(row, "charged_pct"),
                    limits_cell(charge, index),
                ]
                for index, row in enumerate(rows)
            ],
            numeric={1, 2, 3, 4, 5, 6, 7, 8},
            query_string=self._qs("trend"),
            links=_links(
                (r, c, self.links.url(metric, *self._within(parse_month(row["group"]))))
                for r, row in enumerate(rows)
                for c, metric in _TREND_COUNTS.items()
            ),
        )
        return charts, table, signals

    def breakdown(self, group_by: str) -> tuple[dict[str, Any], Table]:
        rows = kpi_rows(
            date_from=self.date_from,
            date_to=self.date_to,
            group_by=group_by,
            filters=self.filters,
            fractions=True,
            people=False,
        )
        if group_by == "strand":
            names = dict(Strand.choices)
            title, none_label = "strand", ""
        else:
            names = dict(LocalPolicingArea.objects.values_list("code", "name"))
            title, none_label = "Local Policing Area", "No LPA recorded"
        labels = [names.get(row["group"], row["group"]) if row["group"] else none_label for row in rows]
        chart = _chart(
            "bar",
            labels,
            [{"label": "Positive outcome rate", "data": [r["positive_outcome_rate"] for r in rows]}],
            percent=True,
            horizontal=True,
        )
        metrics = [
            "recorded_offences",
            "positive_outcomes",
            "positive_outcome_rate",
            "outcomes_assigned",
            "charged",
            "charged_pct",
            "victim_withdrawal_pct",
            "avg_days_to_charge",
            "open_investigations",
        ]
        short = {
            "charged": "Charged",
            "charged_pct": "Charged (% of outcomes)",
            "victim_withdrawal_pct": "Victim withdrawal (% of outcomes)",
            "avg_days_to_charge": "Average days to charge",
            "open_investigations": "Open at the end date",
        }
        headers = [title[:1].upper() + title[1:], *(short.get(m, METRIC_LABELS[m]) for m in metrics)]
        table = Table(
            group_by,
            f"Measures by {title}, {date_format(self.date_from)} to {date_format(self.date_to)}",
            headers,
            [[label, *(_rate(row, m) for m in metrics)] for label, row in zip(labels, rows, strict=True)],
            numeric=set(range(1, len(headers))),
            query_string=self._qs(group_by),
            # Investigations without an LPA make a row no filter can select: its figures have no link.
            links=_links(
                (r, c + 1, self.links.url(metric, self.date_from, self.date_to, **{group_by: row["group"]}))
                for r, row in enumerate(rows)
                if row["group"]
                for c, metric in enumerate(metrics)
            ),
        )
        return chart, table

    @property
    def adult_rape(self) -> KpiFilters:
        """The dashboard's filters narrowed to adult rape, the Soteria tables' scope."""
        return KpiFilters(
            **{
                **self.filters.__dict__,
                "offence_group": ADULT_RAPE["offence_group"],
                "victim_age_group": ADULT_RAPE["victim_age_group"],
            }
        )

    def soteria(self) -> Table:
        columns = [
            soteria(date_from=period.start, date_to=period.end, filters=self.adult_rape, fractions=True)
            for period in (self.quarter_a, self.quarter_b)
        ]
        measures = [
            ("Recorded adult rape offences", "recorded_offences"),
            ("Volume of cases charged", "charged"),
            ("% of cases charged", "charged_pct"),
            ("Volume of victim withdrawal outcomes", "victim_withdrawal"),
            ("% of victim withdrawal outcomes", "victim_withdrawal_pct"),
            ("Number of referrals to the CPS", "cps_referrals"),
            ("Average days taken for police to charge an offender", "avg_days_to_charge"),
        ]
        rows = [[label, *(_rate(column, key) for column in columns)] for label, key in measures]
        a, b = self.quarter_a, self.quarter_b
        scoped = FigureLinks(enabled=self.links.enabled, filters={**self.links.filters, **ADULT_RAPE})
        return Table(
            "soteria",
            f"Adult rape: {a.key} and {b.key}",
            [
                "Measure",
                f"{a.key} ({a.start:%b} to {a.end:%b %Y})",
                f"{b.key} ({b.start:%b} to {b.end:%b %Y})",
            ],
            rows,
            numeric={1, 2},
            query_string=self._qs("soteria"),
            links=_links(
                (r, c, scoped.url(key, period.start, period.end))
                for r, (_label, key) in enumerate(measures)
                for c, period in ((1, a), (2, b))
            ),
        )

    # Outcome analytics (performance/sections.py)

    def outcomes(self) -> tuple[dict[str, Any], Table, Table]:
        return outcomes_section(
            date_from=self.date_from,
            date_to=self.date_to,
            filters=self.filters,
            query_string=self._qs,
            links=self.links,
        )

    def funnel(self) -> tuple[dict[str, Any], Table]:
        cohorts = [(self.date_from, self.date_to), (self.previous_from, self.previous_to)]
        return funnel_section(cohorts=cohorts, filters=self.filters, query_string=self._qs, links=self.links)

    def victim_care(self) -> tuple[dict[str, Any], Table]:
        periods = [
            (self.date_from, self.date_to, self.current),
            (self.previous_from, self.previous_to, self.last_year),
        ]
        return victim_care_section(periods=periods, query_string=self._qs)

    def repeat_people(self) -> tuple[dict[str, Any], Table]:
        return repeat_people_section(
            date_from=self.date_from,
            date_to=self.date_to,
            filters=self.filters,
            links=self.links,
            query_string=self._qs,
        )

    def bail(self) -> tuple[Table, dict[str, Any]]:
        """Bail and RUI at the end date, and the bails expiring within 14 days of it (a list for case roles)."""
        summary = bail_summary(on=self.date_to, filters=self.filters)
        expiring: dict[str, Any] = {"count": summary[f"bail_expiring_{BAIL_EXPIRY_DAYS}_days"], "url": None}
        if self.links.enabled:
            query = {"on": self.date_to.isoformat(), **self.links.filters}
            expiring["url"] = f"{reverse('cases:bail_expiring')}?{urlencode(query)}"
        return bail_table(summary, self._qs("bail")), expiring

    def cps_decisions(self) -> Table:
        return cps_decisions_table(
            quarters=[self.quarter_a, self.quarter_b], filters=self.adult_rape, query_string=self._qs
        )


def _centre(chart: Any) -> str:
    return "–" if chart.centre is None else f"{chart.centre:.1f}%"


def _dashboard(form: PerformanceForm, user: Any = None) -> Dashboard:
    data = form.cleaned_data
    keep = ("date_from", "date_to", *PerformanceForm.FILTERS, "quarter_a", "quarter_b")
    base_query = {
        name: (value.isoformat() if isinstance(value, date) else value) for name in keep if (value := data.get(name))
    }
    return Dashboard(
        date_from=data["date_from"],
        date_to=data["date_to"],
        filters=form.kpi_filters(),
        quarter_a=parse_quarter(data["quarter_a"]),
        quarter_b=parse_quarter(data["quarter_b"]),
        base_query=base_query,
        links=figure_links(user, {name: data.get(name) for name in PerformanceForm.FILTERS}),
    )


EXPORTABLE = (
    "headline",
    "trend",
    "strand",
    "lpa",
    "soteria",
    "outcome_groups",
    "outcome_types",
    "funnel",
    "victim_care",
    "cps_decisions",
    "repeat_people",
    "bail",
)


@capability_required(Cap.KPIS_VIEW)
def performance(request: HttpRequest) -> HttpResponseBase:
    """The performance dashboard: headline tiles, 24-month trend, breakdowns and the Soteria table."""
    today = timezone.localdate()
    form = PerformanceForm({**PerformanceForm.defaults(today), **request.GET.dict()}, today=today)
    asked, fmt, table_key = request.GET.get("format"), export_format(request), request.GET.get("table", "headline")
    errors: list[str] = []
    if asked and (fmt is None or table_key not in EXPORTABLE):
        errors.append(f"Choose a download format ({', '.join(FORMATS)}) and a table ({', '.join(EXPORTABLE)}).")
    if not form.is_valid() or errors:
        context = {"form": form, "errors": errors, "groups": form.field_groups()}
        return render(request, "performance/dashboard.html", context, status=400)

    dashboard = _dashboard(form, request.user)
    if fmt:
        table = {
            "headline": lambda: dashboard.headline()[1],
            "trend": lambda: dashboard.trend()[1],
            "strand": lambda: dashboard.breakdown("strand")[1],
            "lpa": lambda: dashboard.breakdown("lpa")[1],
            "soteria": dashboard.soteria,
            "outcome_groups": lambda: dashboard.outcomes()[1],
            "outcome_types": lambda: dashboard.outcomes()[2],
            "funnel": lambda: dashboard.funnel()[1],
            "victim_care": lambda: dashboard.victim_care()[1],
            "cps_decisions": dashboard.cps_decisions,
            "repeat_people": lambda: dashboard.repeat_people()[1],
            "bail": lambda: dashboard.bail()[0],
        }[table_key]()
        return table.download(fmt=fmt, filename=f"performance-{table_key}-{dashboard.date_from}-{dashboard.date_to}")

    tiles, headline_table = dashboard.headline()
    trend_charts, trend_table, trend_signals = dashboard.trend()
    outcome_chart, outcome_group_table, outcome_type_table = dashboard.outcomes()
    funnel_chart, funnel_table = dashboard.funnel()
    victim_care_chart, victim_care_table = dashboard.victim_care()
    strand_chart, strand_table = dashboard.breakdown("strand")
    lpa_chart, lpa_table = dashboard.breakdown("lpa")
    repeat_chart, repeat_table = dashboard.repeat_people()
    bail_summary_table, bail_expiring = dashboard.bail()
    context = {
        "people_query": urlencode(
            {k: v for k, v in dashboard.base_query.items() if k in ("date_from", "date_to", *PerformanceForm.FILTERS)}
        ),
        "repeat_chart": repeat_chart,
        "repeat_table": repeat_table,
        "bail_table": bail_summary_table,
        "bail_expiring": bail_expiring,
        "form": form,
        "groups": form.field_groups(),
        "dashboard": dashboard,
        "tiles": tiles,
        "headline_table": headline_table,
        "trend_charts": trend_charts,
        "trend_table": trend_table,
        "trend_signals": trend_signals,
        "strand_chart": strand_chart,
        "strand_table": strand_table,
        "lpa_chart": lpa_chart,
        "lpa_table": lpa_table,
        "soteria_table": dashboard.soteria(),
        "outcome_chart": outcome_chart,
        "outcome_group_table": outcome_group_table,
        "outcome_type_table": outcome_type_table,
        "funnel_chart": funnel_chart,
        "funnel_table": funnel_table,
        "victim_care_chart": victim_care_chart,
        "victim_care_table": victim_care_table,
        "cps_decisions_table": dashboard.cps_decisions(),
    }
    return render(request, "performance/dashboard.html", context)


# --------------------------------------------------------------------------- disproportionality

DISPROPORTIONALITY_CHARTS = (("victim", "Victims"), ("suspect", "Suspects"))


@capability_required(Cap.KPIS_VIEW)
def disproportionality_page(request: HttpRequest) -> HttpResponseBase:
    """Outcomes by victims' and suspects' sex, age band and ethnicity, each rate with its 95 % interval and
    ratio to the overall rate; small groups withheld from roles that may not see investigations."""
    today = timezone.localdate()
    form = PerformanceForm({**PerformanceForm.defaults(today), **request.GET.dict()}, today=today)
    fmt = export_format(request)
    errors: list[str] = []
    if not form.is_valid():
        context = {"form": form, "errors": errors, "groups": form.field_groups()}
        return render(request, "performance/disproportionality.html", context, status=400)
    data = form.cleaned_data
    base_query = {
        name: (value.isoformat() if isinstance(value, date) else value)
        for name in ("date_from", "date_to", *PerformanceForm.FILTERS)
        if (value := data.get(name))
    }
    result = disproportionality(
        date_from=data["date_from"],
        date_to=data["date_to"],
        filters=form.kpi_filters(),
        full=sees_small_groups(request.user),
    )
    tables = disproportionality_tables(result, lambda key: urlencode({**base_query, "table": key}))
    if request.GET.get("format"):
        table = next((t for t in tables if t.key == request.GET.get("table")), None)
        if fmt is None or table is None:
            keys = ", ".join(t.key for t in tables)
            errors.append(f"Choose a download format ({', '.join(FORMATS)}) and a table ({keys}).")
            context = {"form": form, "errors": errors, "groups": form.field_groups()}
            return render(request, "performance/disproportionality.html", context, status=400)
        return table.download(fmt=fmt, filename=f"disproportionality-{table.key}-{data['date_from']}-{data['date_to']}")
    charts = [
        {
            "id": f"chart-{person}-age-band",
            "title": f"{label}: positive outcome rate by age band",
            "config": disproportionality_chart(result, person, "age_band", "positive_outcome_rate"),
        }
        for person, label in DISPROPORTIONALITY_CHARTS
    ]
    context = {
        "form": form,
        "groups": form.field_groups(),
        "result": result,
        "tables": tables,
        "charts": charts,
        "full": sees_small_groups(request.user),
        "fewer_than": FEWER_THAN,
    }
    return render(request, "performance/disproportionality.html", context)


# --------------------------------------------------------------------------- benchmarks


@capability_required(Cap.KPIS_VIEW)
def benchmark_list(request: HttpRequest) -> HttpResponseBase:
    """Every benchmark measure, with links to its comparison."""
    measures = list(measure_list(user=request.user))
    table = Table(
        "measures",
        "Benchmark measures",
        ["Measure", "Unit", "Compared with", "Latest period", "Figures"],
        [
            [m.name, m.unit, m.comparison_group, getattr(m, "latest_period", None), getattr(m, "figure_count", 0)]
            for m in measures
        ],
        numeric={4},
    )
    return page_or_download(
        request,
        template="performance/benchmark_list.html",
        context={"measures": measures, "table": table, "can_edit": has_capability(request.user, Cap.BENCHMARKS_EDIT)},
        download=table.as_download("benchmark-measures"),
    )


@capability_required(Cap.KPIS_VIEW)
def benchmark_detail(request: HttpRequest, code: str) -> HttpResponseBase:
    """One measure compared across forces for a period: a bar chart and the same figures as a table."""
    measure = get_object_or_404(BenchmarkMeasure, code=code)
    periods = measure_periods(measure=measure)
    period = request.GET.get("period") or (periods[0] if periods else "")
    errors = []
    if periods and period not in periods:
        errors.append(f"period: there are no figures for '{period}'. Choose one of {', '.join(periods)}.")
        period = periods[0]
    figures = figures_for(user=request.user, measure=measure, period=period) if period else []
    table = benchmark_table(measure=measure, period=period, figures=figures)
    labels = [row[1] for row in table.rows]
    values = [row[2] for row in table.rows]
    chart = _chart("bar", labels, [{"label": measure.unit or measure.name, "data": values}], horizontal=True)
    if (fmt := export_format(request)) and not errors:
        return table.download(fmt=fmt, filename=f"benchmark-{measure.code}-{period}")
    own = next((f for f in figures if f.is_own_force), None)
    own_summary = ""
    if own:
        higher = sum(1 for f in figures if f.value > own.value)
        tied = sum(1 for f in figures if f.value == own.value) > 1
        position = "highest" if higher == 0 else f"{_ordinal(higher + 1)} highest"
        own_summary = (
            f"{own.force}: {figure_number(own.value):,} {measure.unit}, {'joint ' if tied else ''}{position} "
            f"of {len(figures)} forces in {period}."
        ).replace("  ", " ")
    context = {
        "measure": measure,
        "periods": periods,
        "period": period,
        "figures": figures,
        "rows": list(zip(table.cells, figures, strict=True)),
        "chart": chart,
        "table": table,
        "own_summary": own_summary,
        "errors": errors,
        "query_string": urlencode({"period": period}) if period else "",
        "can_edit": has_capability(request.user, Cap.BENCHMARKS_EDIT),
    }
    return render(request, "performance/benchmark_detail.html", context, status=400 if errors else 200)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _save_form(request: HttpRequest, form: forms.ModelForm, save: Any) -> bool:
    """Run a service for a valid form; put its ``ApplicationError`` back on the form. True when saved."""
    if not form.is_valid():
        return False
    try:
        save(form.instance)
    except ApplicationError as exc:
        add_errors_to_form(form, exc)
        return False
    return True


@capability_required(Cap.BENCHMARKS_EDIT)
def benchmark_figure_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a force's figure, or correct one (history keeps the previous value)."""
    figure = get_object_or_404(BenchmarkFigure, pk=pk) if pk else None
    initial = {}
    if figure is None and request.GET.get("measure"):
        initial["measure"] = BenchmarkMeasure.objects.filter(code=request.GET["measure"]).first()
    form = BenchmarkFigureForm(request.POST or None, instance=figure, initial=initial)
    if request.method == "POST" and _save_form(
        request, form, lambda obj: benchmark_figure_save(figure=obj, actor=request.user)
    ):
        messages.success(request, f"Saved {form.instance.force}'s figure for {form.instance.period}.")
        detail = reverse("performance:benchmark_detail", args=[form.instance.measure.code])
        return redirect(f"{detail}?{urlencode({'period': form.instance.period})}")
    return render(
        request,
        "performance/benchmark_form.html",
        {"form": form, "figure": figure, "title": "Change a benchmark figure" if figure else "Add a benchmark figure"},
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.BENCHMARKS_EDIT)
def benchmark_measure_add(request: HttpRequest) -> HttpResponse:
    """Add a measure to compare forces on."""
    form = BenchmarkMeasureForm(request.POST or None)
    if request.method == "POST" and _save_form(
        request, form, lambda obj: benchmark_measure_save(measure=obj, actor=request.user)
    ):
        messages.success(request, f"Added the measure '{form.instance.name}'. Now add each force's figure.")
        return redirect(f"{reverse('performance:benchmark_figure_add')}?measure={form.instance.code}")
    return render(
        request,
        "performance/benchmark_form.html",
        {"form": form, "title": "Add a benchmark measure"},
        status=400 if request.method == "POST" else 200,
    )
