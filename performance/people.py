"""Figures about people: disproportionality by victims' and suspects' characteristics, and bail and RUI.

- :func:`disproportionality` — for victims and for suspects by sex, age band and ethnicity: recorded
  offences, positive outcome rate, charge rate and victim withdrawal rate, each rate with its 95 %
  Wilson interval (:func:`performance.statistics.rate_interval`) and its ratio to the overall rate.
  Small groups are withheld from readers who may not see investigations (:mod:`oversight.disclosure`).
- :func:`bail_summary` — how many are on pre-charge bail and released under investigation on a day,
  for how long (median, 90th percentile, over 3, 6 and 12 months), and bail expiring within 14 days.

Counts come from :mod:`cases.analytics` (aggregated in the database); the API, the pages and the
downloads all build on these two functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format

from cases.analytics import (
    BAIL_EXPIRY_DAYS,
    DIMENSIONS,
    PEOPLE,
    bail_durations,
    group_labels,
    people_breakdown_counts,
)
from cases.drilldown import FigureLinks
from cases.kpis import KpiFilters, kpi_rows
from oversight.disclosure import FEWER_THAN, SMALL_GROUP, suppressed
from oversight.exports import Table
from oversight.periods import months_later, parse_quarter

from .statistics import percentile, rate_interval, ratio

# The rates of a disproportionality table: (metric, numerator count, denominator count), as the KPI engine defines them.
GROUP_RATES: tuple[tuple[str, str, str], ...] = (
    ("positive_outcome_rate", "positive_outcomes", "recorded_offences"),
    ("charged_pct", "charged", "outcomes_assigned"),
    ("victim_withdrawal_pct", "victim_withdrawal", "outcomes_assigned"),
)
RATE_LABELS = {
    "positive_outcome_rate": "Positive outcome rate",
    "charged_pct": "Charge rate (of outcomes)",
    "victim_withdrawal_pct": "Victim withdrawal (of outcomes)",
}


def _rate(counts: Mapping[str, int], numerator: str, denominator: str, overall: float | None) -> dict[str, Any]:
    interval = rate_interval(counts.get(numerator, 0), counts.get(denominator, 0))
    return {
        "rate": interval.rate,
        "lower": interval.lower,
        "upper": interval.upper,
        "numerator": interval.numerator,
        "denominator": interval.denominator,
        "ratio_to_overall": ratio(interval.rate, overall),
    }


def disproportionality(
    *, date_from: date, date_to: date, filters: Mapping[str, Any] | KpiFilters | None = None, full: bool
) -> dict[str, Any]:
    """Every (person, dimension) table: overall figures and one row per group present in the data, in
    display order. ``full``: the reader sees small groups (:func:`oversight.disclosure.sees_small_groups`);
    otherwise a group of fewer than 10 investigations has ``suppressed: true`` and no counts or rates."""
    counts = people_breakdown_counts(date_from=date_from, date_to=date_to, filters=filters)
    tables = []
    for person, _person_label in PEOPLE:
        for dimension, _dimension_label in DIMENSIONS:
            groups = counts[(person, dimension)]
            total: dict[str, int] = {}
            for group_counts in groups.values():
                for name, value in group_counts.items():
                    total[name] = total.get(name, 0) + value
            overall: dict[str, Any] = {metric: _rate(total, num, den, None) for metric, num, den in GROUP_RATES}
            overall_counts: dict[str, Any] = {
                "investigations": total.get("investigations", 0),
                "recorded_offences": total.get("recorded_offences", 0),
            }
            rows = []
            for key, label in group_labels(person, dimension).items():
                if key not in groups:
                    continue
                group = groups[key]
                row: dict[str, Any] = {"group": key, "label": label}
                if suppressed(group["investigations"], full=full):
                    row |= {"suppressed": True, "investigations": None, "recorded_offences": None}
                    row |= {metric: None for metric, _num, _den in GROUP_RATES}
                else:
                    row |= {
                        "suppressed": False,
                        "investigations": group["investigations"],
                        "recorded_offences": group["recorded_offences"],
                    }
                    row |= {metric: _rate(group, num, den, overall[metric]["rate"]) for metric, num, den in GROUP_RATES}
                rows.append(row)
            tables.append(
                {
                    "person": person,
                    "dimension": dimension,
                    "overall": overall_counts | overall,
                    "rows": rows,
                }
            )
    return {"from": date_from, "to": date_to, "small_group": SMALL_GROUP, "tables": tables}


def _rate_cells(figure: dict[str, Any] | None) -> list[Any]:
    """A rate as three cells: "25.0% (3 of 12)", its 95 % interval "8.9–53.2%", its ratio to the overall rate."""
    if figure is None:
        return [FEWER_THAN, FEWER_THAN, FEWER_THAN]
    if figure["rate"] is None:
        return ["–", "", ""]
    interval = f"{figure['lower']:.1f}–{figure['upper']:.1f}%" if figure["lower"] is not None else ""
    return [
        f"{figure['rate']:.1f}% ({figure['numerator']:,} of {figure['denominator']:,})",
        interval,
        figure["ratio_to_overall"],
    ]


def disproportionality_tables(result: Mapping[str, Any], query_string: Any) -> list[Table]:
    """One table per (person, dimension), for the page and its downloads: a withheld group reads "fewer than 10"."""
    person_labels, dimension_labels = dict(PEOPLE), dict(DIMENSIONS)
    headers = ["Group", "Investigations", "Recorded offences"]
    for metric, _n, _d in GROUP_RATES:
        headers += [RATE_LABELS[metric], "95% interval", "Ratio to all"]
    tables = []
    for table in result["tables"]:
        key = f"{table['person']}_{table['dimension']}"
        rows: list[list[Any]] = []
        for row in table["rows"]:
            if row["suppressed"]:
                rows.append([row["label"], *([FEWER_THAN] * (len(headers) - 1))])
                continue
            cells = [row["label"], row["investigations"], row["recorded_offences"]]
            for metric, _n, _d in GROUP_RATES:
                cells += _rate_cells(row[metric])
            rows.append(cells)
        overall = table["overall"]
        cells = ["All", overall["investigations"], overall["recorded_offences"]]
        for metric, _n, _d in GROUP_RATES:
            cells += [*_rate_cells(overall[metric])[:2], 1.0 if overall[metric]["rate"] else None]
        rows.append(cells)
        caption = (
            f"{person_labels[table['person']]} by {dimension_labels[table['dimension']].lower()}, "
            f"{date_format(result['from'])} to {date_format(result['to'])}"
        )
        tables.append(
            Table(key, caption, headers, rows, numeric=set(range(1, len(headers))), query_string=query_string(key))
        )
    return tables


def disproportionality_chart(result: Mapping[str, Any], person: str, dimension: str, metric: str) -> dict[str, Any]:
    """A bar chart of one rate by group with its 95 % interval in the tooltip (withheld groups left out)."""
    table = next(t for t in result["tables"] if (t["person"], t["dimension"]) == (person, dimension))
    rows = [row for row in table["rows"] if not row["suppressed"] and row[metric]["rate"] is not None]
    overall = table["overall"][metric]["rate"]
    return {
        "type": "bar",
        "horizontal": True,
        "percent": True,
        "legend": True,
        "yLabel": f"{RATE_LABELS[metric]} (%)",
        "labels": [row["label"][:48] for row in rows],
        "datasets": [
            {
                "label": f"{RATE_LABELS[metric]} (95% interval in the table)",
                "data": [row[metric]["rate"] for row in rows],
                "fractions": [[row[metric]["numerator"], row[metric]["denominator"]] for row in rows],
                "backgroundColor": "#1d70b8",
                "borderColor": "#1d70b8",
            },
            {
                "label": f"Overall ({overall}%)",
                "type": "line",
                "data": [overall] * len(rows),
                "borderColor": "#505a5f",
                "backgroundColor": "#505a5f",
                "borderDash": [8, 4],
                "pointRadius": 0,
            },
        ],
    }


# --------------------------------------------------------------------------- bail and RUI

OVER_MONTHS = (3, 6, 12)


def _months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the last day of that month when it is shorter)."""
    period = months_later(day.replace(day=1), -months)
    return period.start.replace(day=min(day.day, period.end.day))


def bail_summary(*, on: date, filters: Mapping[str, Any] | KpiFilters | None = None) -> dict[str, Any]:
    """``{"on", "bail": {...}, "rui": {...}, "bail_expiring_14_days"}``; each of bail and RUI:
    ``count`` on the day, ``median_days`` and ``p90_days`` since it started (one decimal, ``None`` when
    nobody), and ``over_3_months`` / ``over_6_months`` / ``over_12_months`` (started before the same day
    3, 6, 12 months earlier)."""
    counts = bail_durations(on=on, filters=filters)
    result: dict[str, Any] = {"on": on}
    for status in ("bail", "rui"):
        histogram = {int(days): n for days, n in counts[status].items()}
        figures: dict[str, Any] = {"count": sum(histogram.values())}
        for name, fraction in (("median_days", 0.5), ("p90_days", 0.9)):
            value = percentile(histogram, fraction)
            figures[name] = None if value is None else round(value, 1)
        for months in OVER_MONTHS:
            threshold = (on - _months_before(on, months)).days
            figures[f"over_{months}_months"] = sum(n for days, n in histogram.items() if days > threshold)
        result[status] = figures
    result[f"bail_expiring_{BAIL_EXPIRY_DAYS}_days"] = counts["bail_expiring"]
    return result


def bail_table(summary: Mapping[str, Any], query_string: str = "") -> Table:
    labels = {"bail": "Pre-charge bail", "rui": "Released under investigation"}
    headers = ["Status", f"On {date_format(summary['on'])}", "Median days", "90th percentile days"]
    headers += [f"Over {months} months" for months in OVER_MONTHS]
    rows = [
        [
            labels[status],
            summary[status]["count"],
            summary[status]["median_days"],
            summary[status]["p90_days"],
            *(summary[status][f"over_{months}_months"] for months in OVER_MONTHS),
        ]
        for status in ("bail", "rui")
    ]
    return Table(
        "bail",
        f"Pre-charge bail and RUI on {date_format(summary['on'])}: how many, and for how long since it started",
        headers,
        rows,
        numeric=set(range(1, len(headers))),
        query_string=query_string,
    )


# --------------------------------------------------------------------------- dashboard sections


def repeat_people_url(person: str, date_from: date, date_to: date, filters: Mapping[str, str]) -> str:
    """The list of repeat victims or suspects behind a count (case roles only: the caller decides)."""
    query = {"person": person, "from": date_from.isoformat(), "to": date_to.isoformat(), **filters}
    return f"{reverse('cases:repeat_people')}?{urlencode(query)}"


def repeat_people_section(
    *, date_from: date, date_to: date, filters: KpiFilters, links: FigureLinks, query_string: Any
) -> tuple[dict[str, Any], Table]:
    """Repeat victims and suspects by financial quarter (each quarter's part of the period): a chart and
    its table, whose counts link to the people behind them for roles that may see investigations."""
    rows = kpi_rows(date_from=date_from, date_to=date_to, group_by="quarter", filters=filters)
    labels = [row["group"] for row in rows]
    chart = {
        "type": "bar",
        "legend": True,
        "yLabel": "People",
        "labels": labels,
        "datasets": [
            {"label": label, "data": [row[metric] for row in rows], "backgroundColor": colour, "borderColor": colour}
            for metric, label, colour in (
                ("repeat_victims", "Repeat victims", "#1d70b8"),
                ("repeat_suspects", "Repeat suspects", "#b58840"),
            )
        ],
    }
    cells: dict[tuple[int, int], str] = {}
    if links.enabled:
        for r, row in enumerate(rows):
            quarter = parse_quarter(row["group"])
            window = (max(quarter.start, date_from), min(quarter.end, date_to))
            for c, person in ((1, "victim"), (2, "suspect")):
                cells[(r, c)] = repeat_people_url(person, *window, links.filters)
    table = Table(
        "repeat_people",
        f"Repeat victims and suspects by quarter, {date_format(date_from)} to {date_format(date_to)}",
        ["Quarter", "Repeat victims", "Repeat suspects"],
        [[row["group"], row["repeat_victims"], row["repeat_suspects"]] for row in rows],
        numeric={1, 2},
        query_string=query_string("repeat_people"),
        links=cells,
    )
    return chart, table
