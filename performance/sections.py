"""Dashboard sections on outcomes and honest small numbers: charts and their tables.

- :func:`p_chart_config` — a monthly rate as a p-chart (centre line, 3-sigma limits, signals marked);
- :func:`outcomes_section` — outcomes by Home Office group (14, 15, 16, 18 and 21 on their own);
- :func:`funnel_section` — the attrition funnel of two cohorts side by side;
- :func:`victim_care_section` — Victims' Code, VPS and ISVA/IDVA referral, with "not recorded";
- :func:`cps_decisions_table` — CPS charging decisions for the two Soteria quarters.

Figures come from :mod:`cases.kpis` and :mod:`cases.analytics` (the same functions as the API);
the statistics from :mod:`performance.statistics`. Aggregates only: every role may see them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django.utils.formats import date_format

from cases.analytics import FUNNEL_STAGES, attrition_funnel, outcome_breakdown, outcome_label
from cases.drilldown import NO_LINKS, FigureLinks
from cases.kpis import COUNTED_BY_DATE, FUNNEL_MEASURES, METRIC_LABELS, VICTIM_CARE, KpiFilters, kpi_rows
from cases.outcomes import OUTCOME_GROUPS, OutcomeType
from oversight.exports import Table
from oversight.numbers import Rate, percentage
from oversight.periods import Period

from .statistics import PChart, p_chart

GREY, RED = "#505a5f", "#d4351c"
# Outcome types the chart shows on their own, whatever their group: the Police and Crime Plan
# targets 15 and 16, and 14, 18 and 21 are the other large reasons a case ends without a charge.
SEPARATE_OUTCOMES = frozenset({"14", "15", "16", "18", "21"})
_CODE_ORDER = {code: position for position, code in enumerate(OutcomeType.values)}


def _when(date_from: date, date_to: date) -> str:
    return f"{date_format(date_from)} to {date_format(date_to)}"


def _wrapped(label: str, width: int = 42) -> list[str]:
    """A long chart label on several lines (chart.js draws a list as lines)."""
    return textwrap.wrap(label, width) or [label]


# --------------------------------------------------------------------------- p-charts


def _limits(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return ""
    return f"{low:.1f}–{high:.1f}%"


def p_chart_config(labels: list[str], name: str, fractions: Sequence[tuple[int, int]], colour: str) -> dict[str, Any]:
    """A line chart of one monthly rate with its p-chart: centre line, 3-sigma limits, signals as red triangles.

    The plotted value is the published rate (half-up, one decimal); tooltips give its counts.
    """
    chart = p_chart(fractions)
    values = [percentage(numerator, denominator) for numerator, denominator in fractions]
    signal = [bool(point.signal) for point in chart.points]
    centre = None if chart.centre is None else round(chart.centre, 1)

    def line(label: str, data: list[float | None], dash: list[int]) -> dict[str, Any]:
        return {
            "label": label,
            "data": data,
            "borderColor": GREY,
            "backgroundColor": GREY,
            "borderWidth": 1,
            "borderDash": dash,
            "pointRadius": 0,
            "stepped": "middle",
        }

    return {
        "type": "line",
        "labels": labels,
        "percent": True,
        "legend": True,
        "yLabel": "Per cent",
        "datasets": [
            {
                "label": name,
                "data": values,
                "fractions": [list(pair) for pair in fractions],
                "borderColor": colour,
                "backgroundColor": colour,
                "pointRadius": [7 if s else 3 for s in signal],
                "pointStyle": ["triangle" if s else "circle" for s in signal],
                "pointBackgroundColor": [RED if s else colour for s in signal],
                "pointBorderColor": [RED if s else colour for s in signal],
            },
            line(
                f"Centre line (average, {centre}%)" if centre is not None else "Centre line",
                [centre] * len(labels),
                [8, 4],
            ),
            line("Upper control limit (3 sigma)", [_round(p.upper) for p in chart.points], [2, 3]),
            line("Lower control limit (3 sigma)", [_round(p.lower) for p in chart.points], [2, 3]),
        ],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def signal_text(name: str, chart: PChart, labels: Sequence[str]) -> list[str]:
    """One sentence per signal: "Charge rate, May 2025: above its upper limit (52.1%)"."""
    sentences = []
    for index in chart.signals:
        point = chart.points[index]
        limit = point.upper if point.signal == "above" else point.lower
        where = "above its upper limit" if point.signal == "above" else "below its lower limit"
        sentences.append(f"{name}, {labels[index]}: {where} ({_round(limit)}%)")
    return sentences


def limits_cell(chart: PChart, index: int) -> str:
    point = chart.points[index]
    text = _limits(point.lower, point.upper)
    if point.signal:
        text += f" – signal ({point.signal})"
    return text


# --------------------------------------------------------------------------- outcomes


def outcome_categories() -> list[tuple[str, frozenset[str]]]:
    """The chart's categories: the Home Office groups (DESIGN.md §3), with 14, 15, 16, 18 and 21 on their own."""
    categories: list[tuple[str, frozenset[str]]] = []
    for _key, label, codes in OUTCOME_GROUPS:
        if codes is None:  # "not yet assigned": no outcome date, never in a breakdown by outcome date
            continue
        rest = codes - SEPARATE_OUTCOMES
        if rest:
            categories.append((label, rest))
        for code in sorted(codes & SEPARATE_OUTCOMES, key=_CODE_ORDER.__getitem__):
            categories.append((f"{code} {outcome_label(code)}", frozenset({code})))
    return categories


def outcome_set_measure(codes: frozenset[str]) -> str | None:
    """The drill-down measure counting exactly the outcome types ``codes`` by outcome date, if there is one
    (``{"1", "1A"}`` → ``charged``): read from the KPI engine's own conditions."""
    for measure, (field, condition) in COUNTED_BY_DATE.items():
        if field != "outcome_date" or len(condition.children) != 1:
            continue
        lookup, value = cast(tuple[str, Any], condition.children[0])
        if lookup == "outcome_type__in" and frozenset(value) == codes:
            return measure
    return None


def outcomes_section(
    *, date_from: date, date_to: date, filters: KpiFilters, query_string: Any, links: FigureLinks = NO_LINKS
) -> tuple[dict[str, Any], Table, Table]:
    """The chart by outcome group, its table, and the table by outcome type. For case roles (``links``) a
    group's count links to its investigations where a drill-down measure counts exactly that group
    (charged/summonsed), the total to all outcomes assigned, and each outcome type's count to the register
    filtered to that type and window."""
    breakdown = outcome_breakdown(date_from=date_from, date_to=date_to, filters=filters)
    total = breakdown["total"]
    counts = {row["outcome_type"]: row["count"] for row in breakdown["rows"]}
    categories = [(label, codes, sum(counts.get(c, 0) for c in codes)) for label, codes in outcome_categories()]
    chart = {
        "type": "bar",
        "horizontal": True,
        "labels": [_wrapped(label) for label, _codes, _count in categories],
        "yLabel": "Outcomes assigned",
        "datasets": [
            {
                "label": "Outcomes assigned",
                "data": [count for _label, _codes, count in categories],
                "fractions": [[count, total] for _label, _codes, count in categories],
            }
        ],
    }
    group_table = Table(
        "outcome_groups",
        f"Outcomes assigned by Home Office outcome group, {_when(date_from, date_to)}",
        ["Outcome group", "Outcome codes", "Outcomes", "Share of all outcomes"],
        [
            [label, ", ".join(sorted(codes, key=_CODE_ORDER.__getitem__)), count, Rate(count, total)]
            for label, codes, count in categories
        ]
        + [["All outcomes", "", total, Rate(total, total)]],
        numeric={2, 3},
        query_string=query_string("outcome_groups"),
        links={
            (r, 2): url
            for r, measure in enumerate(
                [outcome_set_measure(codes) for _label, codes, _count in categories] + ["outcomes_assigned"]
            )
            if measure and (url := links.url(measure, date_from, date_to))
        },
    )
    group_labels = {key: label for key, label, _codes in OUTCOME_GROUPS}
    type_table = Table(
        "outcome_types",
        f"Outcomes assigned by outcome type, {_when(date_from, date_to)}",
        ["Code", "Outcome", "Outcome group", "Outcomes", "Share of all outcomes"],
        [
            [
                row["outcome_type"],
                row["label"],
                group_labels[row["outcome_group"]],
                row["count"],
                Rate(row["count"], total),
            ]
            for row in breakdown["rows"]
        ],
        numeric={3, 4},
        query_string=query_string("outcome_types"),
        # each type's count opens the register filtered to that type and outcome date window (exactly its records)
        links={
            (r, 3): url
            for r, row in enumerate(breakdown["rows"])
            if (
                url := links.register_url(
                    outcome_type=row["outcome_type"], outcome_from=date_from.isoformat(), outcome_to=date_to.isoformat()
                )
            )
        },
    )
    return chart, group_table, type_table


# --------------------------------------------------------------------------- attrition funnel


def funnel_section(
    *, cohorts: Sequence[tuple[date, date]], filters: KpiFilters, query_string: Any, links: FigureLinks = NO_LINKS
) -> tuple[dict[str, Any], Table]:
    """Horizontal bars of each stage as a share of the cohort recorded, for each cohort side by side. For case
    roles (``links``) every count links to its investigations: the cohort (``recorded_offences``) and each
    later stage (``funnel_<stage>``: recorded in the period and reached by now)."""
    funnels = [attrition_funnel(date_from=start, date_to=end, filters=filters) for start, end in cohorts]
    labels = [label for _stage, label in FUNNEL_STAGES]
    palette = ["#1d70b8", "#b58840"]
    chart = {
        "type": "bar",
        "horizontal": True,
        "percent": True,
        "legend": True,
        "yLabel": "Per cent of the investigations recorded",
        "yMax": 100,
        "labels": labels,
        "datasets": [
            {
                "label": f"Recorded {_when(start, end)}",
                "data": [stage["pct_of_recorded"] for stage in funnel["stages"]],
                "fractions": [[stage["count"], funnel["stages"][0]["count"]] for stage in funnel["stages"]],
                "backgroundColor": colour,
                "borderColor": colour,
            }
            for (start, end), funnel, colour in zip(cohorts, funnels, palette, strict=False)
        ],
    }
    headers = ["Stage"]
    for start, end in cohorts:
        headers += [f"Investigations, recorded {_when(start, end)}", f"Share of recorded, {_when(start, end)}"]
    rows = []
    for index, label in enumerate(labels):
        row: list[Any] = [label]
        for funnel in funnels:
            stage = funnel["stages"][index]
            row += [stage["count"], Rate(stage["count"], funnel["stages"][0]["count"])]
        rows.append(row)
    table = Table(
        "funnel",
        "Attrition: how far the investigations recorded in each period have got, as of today",
        headers,
        rows,
        numeric=set(range(1, len(headers))),
        query_string=query_string("funnel"),
        links={
            (row, 1 + 2 * index): url
            for index, (start, end) in enumerate(cohorts)
            for row, measure in enumerate(("recorded_offences", *FUNNEL_MEASURES))
            if (url := links.url(measure, start, end))
        },
    )
    return chart, table


# --------------------------------------------------------------------------- victim care


def victim_care_section(
    *, periods: Sequence[tuple[date, date, dict[str, Any]]], query_string: Any
) -> tuple[dict[str, Any], Table]:
    """Victims' Code compliance, VPS offered and ISVA/IDVA referral for each period, "not recorded" shown apart.

    ``periods``: (from, to, a KPI row with ``fractions``) for each column.
    """
    labels = [METRIC_LABELS[rate].removesuffix(" (%)") for rate, _not_recorded, _field in VICTIM_CARE]
    palette = ["#1d70b8", "#b58840"]
    chart = {
        "type": "bar",
        "percent": True,
        "legend": True,
        "yLabel": "Per cent of outcomes with the answer recorded",
        "yMax": 100,
        "labels": labels,
        "datasets": [
            {
                "label": f"Outcomes {_when(start, end)}",
                "data": [row[rate] for rate, _n, _f in VICTIM_CARE],
                "fractions": [list(row["fractions"][rate]) for rate, _n, _f in VICTIM_CARE],
                "backgroundColor": colour,
                "borderColor": colour,
            }
            for (start, end, row), colour in zip(periods, palette, strict=False)
        ],
    }
    headers = ["Measure"]
    for start, end, _row in periods:
        headers += [f"Yes, of yes and no, {_when(start, end)}", f"Not recorded, {_when(start, end)}"]
    rows = []
    for label, (rate, not_recorded, _field) in zip(labels, VICTIM_CARE, strict=True):
        row: list[Any] = [label]
        for _start, _end, figures in periods:
            row += [Rate(*figures["fractions"][rate]), figures[not_recorded]]
        rows.append(row)
    table = Table(
        "victim_care",
        "Victim care for investigations given an outcome in each period",
        headers,
        rows,
        numeric=set(range(1, len(headers))),
        query_string=query_string("victim_care"),
    )
    return chart, table


# --------------------------------------------------------------------------- CPS decisions


def cps_decisions_table(*, quarters: Sequence[Period], filters: KpiFilters, query_string: Any) -> Table:
    """CPS charging decisions by decision date for each quarter: charge rate = charge / (charge + NFA);
    action plans and early advice counted apart, never in the rate's denominator."""
    rows = [
        kpi_rows(date_from=q.start, date_to=q.end, filters=filters, fractions=True, people=False)[0] for q in quarters
    ]
    fractions = [row["fractions"]["cps_charge_rate"] for row in rows]
    measures: list[list[Any]] = [
        ["Charge decisions", *(charge for charge, _decided in fractions)],
        ["No further action decisions", *(decided - charge for charge, decided in fractions)],
        ["CPS charge rate (charge of charge and NFA decisions)", *(Rate(*pair) for pair in fractions)],
        ["Action plans (further evidence requested)", *(row["cps_action_plans"] for row in rows)],
        ["Early advice", *(row["cps_advice"] for row in rows)],
    ]
    return Table(
        "cps_decisions",
        f"CPS charging decisions, adult rape: {' and '.join(q.key for q in quarters)}",
        ["Decision", *(f"{q.key} ({q.start:%b} to {q.end:%b %Y})" for q in quarters)],
        measures,
        numeric=set(range(1, len(quarters) + 1)),
        query_string=query_string("cps_decisions"),
    )
