"""KPI rollups: the counts behind every KPI figure, kept per day and per month (:class:`KpiRollup`).

Why: the KPI engine's cost over the base tables grows with the rows it reads (about 440 ms for 24
months at 1,000,000 investigations on PostgreSQL). The rollup holds, per period × strand × offence
group × victim age group × LPA × team, every count the metrics of DESIGN.md §3 are computed from
(:data:`cases.models.ROLLUP_MEASURES`), each keyed by its own date: recorded offences by recorded
date; outcomes (in all, per outcome type, the days from recorded to outcome, the victim-care
answers) by outcome date; arrests (in all, RUI, bail) by arrest date; court outcomes by their date;
CPS referrals by referral date and decisions by decision date; and for the attrition funnel, by
recorded date, how many of those recorded have reached each stage now (``funnel_*``: an arrest, a
CPS referral, a charge, a court outcome, a conviction). A request reads a few thousand rows.

Two grains: month rows (period = the first of the month) answer whole months, day
rows (period = the day) answer the partial months at the edges of a window exactly. A window
``2024-04-15 … 2026-04-10`` reads days 15–30 April 2024, the months May 2024 … March 2026, and days
1–10 April 2026 (:func:`window`). Both grains are also kept force-wide (without LPA and team, a
seventh of the day rows at 1,000,000 investigations) and as LPA totals (without strand, offence group,
victim age group and team: 7 rows a day), and the months per LPA (without team): a request reads from
the narrowest tables that have the columns it filters and groups by (:func:`sums`).

Maintenance is incremental and in the writer's transaction: every change is applied as a delta,
an ``INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE`` per table adding (or, with ``sign=-1``,
subtracting) what the affected rows count *as the database holds them at that moment* (on
PostgreSQL one statement for all seven tables: the day delta counted once from the base tables, the
others summed from it). So a change is "subtract before, add after":

- model saves and deletes (forms, the API, the admin, services) through signals (:mod:`cases.signals`):
  an investigation's save subtracts what it and its referrals count before the UPDATE and adds it
  after (its strand, LPA … may have changed); a referral's save or delete does the same for that
  referral and for its investigation's "has a CPS referral" funnel count; an investigation's delete
  subtracts its own counts (its referrals, deleted with it, subtract theirs and that count);
- bulk writers (the CSV import, the generator) call :func:`subtract_investigations` /
  :func:`add_investigations` around each chunk they write: one statement each.

Rows whose counts have all fallen to zero are left in place (they add nothing); ``rebuild_rollups``
drops them. On PostgreSQL the tables leave half of each page free (migration ``cases/0025``), so an
update of a rollup row is written on its own page without new index entries (HOT). The flag filter is
not a rollup dimension (an investigation can have several flags): a request with a flag is answered
from the base tables, as are the drill-down lists.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from django.db import connection, transaction

from .choices import BailStatus, CourtOutcome, CpsDecision
from .models import (
    ROLLUP_DIMENSIONS,
    ROLLUP_GRAINS,
    ROLLUP_MEASURES,
    ROLLUP_MODELS,
    CpsReferral,
    Investigation,
)
from .outcomes import CHARGED, OutcomeType

# The SQL below is built from names in this module and the models (tables, columns, codes), never
# from input: values a caller gives (dates, filter codes) are parameters; ids are ints (hence the
# ``noqa: S608``).
DIMENSIONS: tuple[str, ...] = ROLLUP_DIMENSIONS
KEY: tuple[str, ...] = ("period", *DIMENSIONS)
LPA_KEY: tuple[str, ...] = KEY[:5]  # per LPA: without team
FORCE_KEY: tuple[str, ...] = KEY[:4]  # force-wide: without LPA and team
LPA_TOTAL_KEY: tuple[str, ...] = ("period", "lpa_id")  # LPA totals: without strand, offence, age group, team
GRAINS: tuple[str, ...] = tuple(ROLLUP_GRAINS)  # each table of the rollup by its grain
DAY_GRAINS = frozenset({"d", "fd", "td"})
KEYS: dict[str, tuple[str, ...]] = {
    "m": KEY,
    "d": KEY,
    "l": LPA_KEY,
    "f": FORCE_KEY,
    "fd": FORCE_KEY,
    "t": LPA_TOTAL_KEY,
    "td": LPA_TOTAL_KEY,
}
# The (months, days) tables a request may read, narrowest first (:func:`sums`): each day table has every
# column of its month table.
READ_ORDER: tuple[tuple[str, str], ...] = (("t", "td"), ("f", "fd"), ("l", "d"), ("m", "d"))
# The tables summed from each wider delta in the one statement of a change on PostgreSQL: the force-wide
# days and the LPA totals' days from the days; the other months from the months (summed from the days).
SUMMED_FROM: dict[str, tuple[str, ...]] = {"d": ("fd", "td"), "m": ("l", "f", "t")}
MEASURES = ROLLUP_MEASURES
# Victim-care measures: (measure prefix, Investigation field).
VICTIM_CARE_FIELDS: tuple[tuple[str, str], ...] = (
    ("vcop", "vcop_compliant"),
    ("vps", "vps_offered"),
    ("advocate", "advocate_referral"),
)


def _tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(Investigation._meta.db_table), quote(CpsReferral._meta.db_table)


def _rollup_table(grain: str) -> str:
    model = ROLLUP_GRAINS[grain]
    return connection.ops.quote_name(model._meta.db_table)


def key_of(grain: str) -> tuple[str, ...]:
    """The key columns of a grain's table (its unique key, in order)."""
    return KEYS[grain]


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _days_sql(end: str, start: str) -> str:
    if connection.vendor == "postgresql":
        return f"({end} - {start})"
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


def _when(condition: str, then: str = "1") -> str:
    return f"CASE WHEN {condition} THEN {then} ELSE 0 END"


def _codes(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in sorted(values))


@dataclass(frozen=True)
class Family:
    """The rows keyed by one date: where they come from and what each counts."""

    date: str  # the date column, on ``table``
    table: str  # "i" investigations, "r" CPS referrals (joined to their investigation as "i")
    measures: dict[str, str]  # measure → SQL per row (the others are 0)
    # Which condition of a :class:`Scope` selects its rows; "referred" is the funnel's "has a CPS
    # referral", counted per investigation but changed by referral writes (see :mod:`cases.signals`).
    scope: str = "investigations"
    condition: str = ""  # a further SQL condition on the rows


def _families() -> tuple[Family, ...]:
    days = _days_sql("i.outcome_date", "i.recorded_date")
    outcome = {
        "outcomes": "1",
        **{f"outcome_{code.lower()}": _when(f"i.outcome_type = '{code}'") for code in OutcomeType.values},
        "days_to_outcome": days,
        "days_to_charge": _when(f"i.outcome_type IN ({_codes(CHARGED)})", days),
    }
    for prefix, field in VICTIM_CARE_FIELDS:
        for answer in ("yes", "no"):
            outcome[f"{prefix}_{answer}"] = _when(f"i.{field} = '{answer}'")
    _investigations, referrals = _tables()
    return (
        Family(
            "recorded_date",
            "i",
            {
                "recorded": "1",
                "funnel_arrested": _when("i.arrest_date IS NOT NULL"),
                "funnel_charged": _when(f"i.outcome_type IN ({_codes(CHARGED)})"),
                "funnel_court_outcome": _when("i.court_outcome <> ''"),
                "funnel_convicted": _when(f"i.court_outcome = '{CourtOutcome.CONVICTED}'"),
            },
        ),
        # WHERE EXISTS, not a per-row subquery: a semi-join over the whole register when rebuilding.
        Family(
            "recorded_date",
            "i",
            {"funnel_referred_to_cps": "1"},
            scope="referred",
            condition=f"EXISTS (SELECT 1 FROM {referrals} rr WHERE rr.investigation_id = i.id)",  # noqa: S608
        ),
        Family("outcome_date", "i", outcome),
        Family(
            "arrest_date",
            "i",
            {
                "arrests": "1",
                **{f"arrest_{code}": _when(f"i.bail_status = '{code}'") for code in (BailStatus.RUI, BailStatus.BAIL)},
            },
        ),
        Family(
            "court_outcome_date",
            "i",
            {f"court_{code}": _when(f"i.court_outcome = '{code}'") for code in CourtOutcome.values},
        ),
        Family("referral_date", "r", {"referrals": "1"}, scope="referrals"),
        Family(
            "decision_date",
            "r",
            {f"decision_{code}": _when(f"r.decision = '{code}'") for code in CpsDecision.values},
            scope="referrals",
        ),
    )


def _branch(family: Family, grain: str, where: str) -> str:
    """One family's rows at one grain, projected onto the rollup's columns (0 for the other counts)."""
    investigations, referrals = _tables()
    source = (
        f"{investigations} i"
        if family.table == "i"
        else f"{referrals} r JOIN {investigations} i ON i.id = r.investigation_id"
    )
    column = f"{family.table}.{family.date}"
    period = column if grain in DAY_GRAINS else _month_sql(column)
    measures = ", ".join(f"{family.measures.get(name, '0')} AS {name}" for name in MEASURES)
    condition = f" AND {family.condition}" if family.condition else ""
    return (
        f"SELECT {period} AS period, i.strand AS strand, i.offence_group AS offence_group, "  # noqa: S608
        f"i.victim_age_group AS victim_age_group, COALESCE(i.lpa_id, 0) AS lpa_id, "
        f"COALESCE(i.team_id, 0) AS team_id, {measures} FROM {source} "
        f"WHERE {column} IS NOT NULL AND ({where}){condition}"
    )


@dataclass(frozen=True)
class Scope:
    """Which rows a delta covers: SQL conditions on investigations (``i``), on CPS referrals (``r``,
    joined to ``i``) and on the investigations whose "has a CPS referral" count is to change
    (``referred``, on ``i``); ``None`` leaves those families out."""

    investigations: str | None
    referrals: str | None
    params: dict[str, Any]
    referred: str | None = None

    def condition(self, family: Family) -> str | None:
        return {"investigations": self.investigations, "referrals": self.referrals, "referred": self.referred}[
            family.scope
        ]


def _in(column: str, ids: Sequence[int], params: dict[str, Any], name: str) -> str:
    """``column`` among ``ids``: on PostgreSQL an array parameter for a save's few ids (so the statement's
    text is the same for every save: :func:`_execute_prepared`), else a range when they are consecutive,
    an array on PostgreSQL, a list elsewhere."""
    ids = sorted({int(pk) for pk in ids})
    if not ids:
        return "1 = 0"
    if connection.vendor == "postgresql" and len(ids) < BULK_ROWS:
        params[name] = ids
        return f"{column} = ANY(%({name})s)"
    if ids[-1] - ids[0] + 1 == len(ids):
        return f"{column} BETWEEN {ids[0]} AND {ids[-1]}"
    if connection.vendor == "postgresql":
        params[name] = ids
        return f"{column} = ANY(%({name})s)"
    return f"{column} IN ({', '.join(map(str, ids))})"


def investigations_scope(ids: Sequence[int], *, with_referrals: bool = True) -> Scope:
    """Investigations ``ids`` and (``with_referrals``) their CPS referrals and "has a referral" counts."""
    params: dict[str, Any] = {}
    own = _in("i.id", ids, params, "ids")
    if not with_referrals:
        return Scope(own, None, params)
    return Scope(own, _in("r.investigation_id", ids, params, "ids"), params, referred=own)


def referrals_scope(ids: Sequence[int], *, investigation_ids: Sequence[int] = ()) -> Scope:
    """CPS referrals ``ids``, and the "has a referral" counts of ``investigation_ids``."""
    params: dict[str, Any] = {}
    referred = _in("i.id", investigation_ids, params, "ids") if investigation_ids else None
    return Scope(None, _in("r.id", ids, params, "referral_ids") if ids else None, params, referred=referred)


EVERYTHING = Scope("1 = 1", "1 = 1", {}, referred="1 = 1")


def references_scope(prefix: str) -> Scope:
    """Investigations whose reference starts with ``prefix`` (and their CPS referrals)."""
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    condition = "i.crime_reference LIKE %(prefix)s ESCAPE '\\'"
    return Scope(condition, condition, {"prefix": pattern}, referred=condition)


def contribution_sql(scope: Scope, grain: str, sign: int = 1) -> str:
    """What the rows in ``scope`` count, × ``sign``, at ``grain``, grouped by its key: one SELECT."""
    branches = [
        _branch(family, grain, where) for family in _families() if (where := scope.condition(family)) is not None
    ]
    return _summed(f"({' UNION ALL '.join(branches)}) AS contribution", key_of(grain), sign)


def _summed(source: str, key: Sequence[str], sign: int = 1) -> str:
    # As integer (the tables' type): a SUM of integers is a bigint, and a SUM of bigints a numeric, slow to
    # add up again where a narrower table is summed from a delta (:func:`apply`).
    totals = ", ".join(f"CAST({sign} * SUM({name}) AS integer) AS {name}" for name in MEASURES)
    return f"SELECT {', '.join(key)}, {totals} FROM {source} GROUP BY {', '.join(key)}"  # noqa: S608


def _upsert(grain: str, source: str) -> str:
    """Add the rows of ``source`` (a SELECT of the grain's key and every measure) into its table."""
    rollup, key = _rollup_table(grain), ", ".join(key_of(grain))
    columns = ", ".join((*key_of(grain), *MEASURES))
    updates = ", ".join(f"{name} = {rollup}.{name} + excluded.{name}" for name in MEASURES)
    # "WHERE 1 = 1": SQLite needs a WHERE before ON CONFLICT in an INSERT … SELECT. In key order, so a
    # rebuilt table is stored by period (a request reads neighbouring rows).
    return (
        f"INSERT INTO {rollup} ({columns}) SELECT {columns} FROM ({source}) AS delta WHERE 1 = 1 "  # noqa: S608
        f"ORDER BY {key} ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )


def _postgres_statement(scope: Scope, sign: int) -> str:
    """Every table's delta in one statement: the day delta counted once from the base tables, and each
    other table's summed from a wider one (:data:`SUMMED_FROM`; the months by re-keying the days)."""
    by_month = ", ".join(f"{_month_sql(name)} AS {name}" if name == "period" else name for name in (*KEY, *MEASURES))
    days = f"(SELECT {by_month} FROM delta_d) AS days"  # noqa: S608
    sources = {"d": contribution_sql(scope, "d", sign), "m": _summed(days, KEY)}
    parts: list[tuple[str, str]] = []  # (name, statement) of each part of the WITH
    for full, narrower in SUMMED_FROM.items():
        parts.append((f"delta_{full} AS MATERIALIZED", sources[full]))
        parts.append((f"rows_{full} AS", _upsert(full, f"SELECT * FROM delta_{full}")))  # noqa: S608
        parts += [(f"rows_{grain} AS", _upsert(grain, _summed(f"delta_{full}", key_of(grain)))) for grain in narrower]
    *first, (_name, last) = parts  # the last upsert is the statement's own
    return f"WITH {', '.join(f'{name} ({sql})' for name, sql in first)} {last}"


# A save's delta (a few ids) took PostgreSQL about 7 ms to plan, every time, and 1.3 ms to run: the one
# statement joins seven families and upserts seven tables of 48 counts. So on PostgreSQL it is prepared
# once per connection (:func:`_execute_prepared`) and run with a generic plan (PostgreSQL's own choice
# stayed with re-planning, measured). Behind a transaction-pooling proxy (PgBouncer), where a
# session's prepared statements don't follow it, Django asks for DISABLE_SERVER_SIDE_CURSORS; with it set,
# the statements are sent plain.
_PREPARED: WeakKeyDictionary[Any, set[str]] = WeakKeyDictionary()  # per database connection: names prepared


def _preparable(params: dict[str, Any]) -> bool:
    return (
        bool(params)
        and not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
        and all(isinstance(ids, list) for ids in params.values())
        and sum(len(ids) for ids in params.values()) < BULK_ROWS
    )


@functools.lru_cache(maxsize=32)
def _prepared_text(
    conditions: tuple[str | None, str | None, str | None], sign: int, names: tuple[str, ...]
) -> tuple[str, str]:
    """The name and text of the statement for a save's scope: the text depends only on the scope's
    conditions (its ids are parameters), so it is built once per process (68 KB, 0.24 ms a time). The name
    is a digest of the text, so a changed statement is prepared afresh."""
    investigations, referrals, referred = conditions
    sql = _postgres_statement(Scope(investigations, referrals, {}, referred=referred), sign)
    positional = sql % {name: f"${number}" for number, name in enumerate(names, 1)}
    return "rollup_" + hashlib.sha256(positional.encode()).hexdigest()[:24], positional


def _execute_prepared(scope: Scope, sign: int) -> None:
    """Run the statement of ``scope`` (its parameters: arrays of ids, by name) × ``sign`` as a statement
    prepared on this connection. A PREPARE outlives a rollback of its transaction (PostgreSQL's prepared
    statements are per session, not transactional)."""
    params = scope.params
    names = tuple(sorted(params))
    statement, positional = _prepared_text((scope.investigations, scope.referrals, scope.referred), sign, names)
    connection.ensure_connection()
    prepared = _PREPARED.setdefault(connection.connection, set())
    with connection.cursor() as cursor:
        if statement not in prepared:
            cursor.execute(f"PREPARE {statement} ({', '.join(['bigint[]'] * len(names))}) AS {positional}")
            prepared.add(statement)
        # One round trip; a SET in a transaction that fails is undone with it.
        cursor.execute(
            f"SET plan_cache_mode = force_generic_plan; EXECUTE {statement}({', '.join(['%s'] * len(names))}); "
            "RESET plan_cache_mode",
            [params[name] for name in names],
        )


def apply(scope: Scope, sign: int) -> None:
    """Add (``sign=1``) or subtract (``sign=-1``) what the rows in ``scope`` count now: on PostgreSQL
    in one statement (:func:`_postgres_statement`: counted once; a save's prepared), elsewhere one
    statement per table."""
    if scope.investigations is None and scope.referrals is None and scope.referred is None:
        return
    if connection.vendor == "postgresql":
        if _preparable(scope.params):
            _execute_prepared(scope, sign)
            return
        statements = [_postgres_statement(scope, sign)]
    else:
        statements = [_upsert(grain, contribution_sql(scope, grain, sign)) for grain in GRAINS]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, scope.params or None)


# A bulk delta groups hundreds of thousands of wide rows: with PostgreSQL's default 4 MB per sort it
# spills to disk (at 64 MB its hash table still did: 100,000 imported rows need about 140 MB), and JIT
# compiling the statement took 0.1-0.2 s for no faster run. For the rest of the writer's
# transaction only (SET LOCAL): counting 100,000 imported rows took 6.3 s with 64 MB and JIT, 4.5–4.8 s
# with these (and the deltas as integers, see :func:`_summed`).
BULK_ROWS = 1_000
BULK_WORK_MEM = "256MB"


def _bulk(ids: Sequence[int]) -> None:
    if len(ids) >= BULK_ROWS and connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'")
            cursor.execute("SET LOCAL jit = off")


def add_investigations(ids: Sequence[int]) -> None:
    """Count investigations (and their CPS referrals) just written: bulk writers call this after a chunk."""
    _bulk(ids)
    apply(investigations_scope(ids), 1)


def subtract_investigations(ids: Sequence[int]) -> None:
    """Take out what investigations (and their CPS referrals) count now: bulk writers call this before
    they change or delete them."""
    _bulk(ids)
    apply(investigations_scope(ids), -1)


# --------------------------------------------------------------------------- rebuild and verify


def _may_truncate(grain: str) -> bool:
    """Whether this connection may TRUNCATE the grain's table: on PostgreSQL, unless it runs as the
    application's role, which may not (``manage.py grant_app_role``) and deletes the rows instead."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(%s, 'TRUNCATE')", [ROLLUP_GRAINS[grain]._meta.db_table])
        return bool(cursor.fetchone()[0])


@transaction.atomic
def rebuild() -> int:
    """Recount the whole rollup from the base tables (in one transaction); returns its number of rows."""
    with connection.cursor() as cursor:
        for grain in GRAINS:
            rollup = _rollup_table(grain)
            cursor.execute(f"TRUNCATE {rollup}" if _may_truncate(grain) else f"DELETE FROM {rollup}")  # noqa: S608
    apply(EVERYTHING, 1)
    return sum(model._default_manager.count() for model in ROLLUP_MODELS)


def _rows(sql: str, params: dict[str, Any] | None = None) -> Iterator[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(10_000):
            yield from batch


def _normalised(rows: Iterable[tuple[Any, ...]], key: Sequence[str]) -> dict[tuple[Any, ...], tuple[int, ...]]:
    width = len(key)
    result: dict[tuple[Any, ...], tuple[int, ...]] = {}
    for row in rows:
        key = tuple(str(value) for value in row[:width])
        measures = tuple(int(value or 0) for value in row[width:])
        if any(measures):
            result[key] = measures
    return result


def differences(limit: int | None = None) -> list[dict[str, Any]]:
    """Every rollup row that differs from a recount of the base tables (rows of zeros ignored):
    ``{"key": {"grain": …, "period": …, …}, "stored": {...} | None, "expected": {...} | None}``, at most
    ``limit``. One grain at a time, so memory holds one table's rows."""
    found: list[dict[str, Any]] = []
    for grain in GRAINS:
        key = key_of(grain)
        expected = _normalised(_rows(contribution_sql(EVERYTHING, grain)), key)
        columns = ", ".join((*key, *MEASURES))
        stored = _normalised(_rows(f"SELECT {columns} FROM {_rollup_table(grain)}"), key)  # noqa: S608
        for row_key in sorted(expected.keys() | stored.keys()):
            if expected.get(row_key) != stored.get(row_key):
                found.append(
                    {
                        "key": {"grain": grain, **dict(zip(key, row_key, strict=True))},
                        "stored": dict(zip(MEASURES, stored[row_key], strict=True)) if row_key in stored else None,
                        "expected": (
                            dict(zip(MEASURES, expected[row_key], strict=True)) if row_key in expected else None
                        ),
                    }
                )
                if limit is not None and len(found) >= limit:
                    return found
    return found


# --------------------------------------------------------------------------- reading


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Window:
    """A date range as rollup rows: whole months (``months``, first days, inclusive) and the days of
    partial months at its edges (``days``: inclusive ranges)."""

    months: tuple[date, date] | None
    days: tuple[tuple[date, date], ...]


def window(date_from: date, date_to: date) -> Window:
    """``[date_from, date_to]`` split into whole months and edge days (see the module docstring)."""
    first_full = date_from if date_from.day == 1 else next_month(date_from)
    after_last_full = month_start(date_to + timedelta(days=1))  # months before it end on or before date_to
    if first_full >= after_last_full:  # no whole month inside: days only
        return Window(None, ((date_from, date_to),))
    days = []
    if date_from < first_full:
        days.append((date_from, first_full - timedelta(days=1)))
    if after_last_full <= date_to:
        days.append((after_last_full, date_to))
    last_full = month_start(after_last_full - timedelta(days=1))
    return Window((first_full, last_full), tuple(days))


def up_to(day: date) -> Window:
    """Every date up to and including ``day``: whole months, then the days of its month up to it (none
    when ``day`` ends its month: a month row is one read, its days thousands at 10,000,000 rows)."""
    return window(date.min, day)


def sums(
    *, span: Window, filters: dict[str, Any], group: Sequence[str] = (), measures: Sequence[str] = MEASURES
) -> list[dict[str, Any]]:
    """``measures`` (all by default) summed over ``span`` with ``filters`` (rollup column → value), one dict
    per value of the ``group`` columns (e.g. ``period``, ``strand``, ``lpa_id``; none: one dict). One query.
    Months and days come from the narrowest tables with every column ``filters`` and ``group`` name
    (:data:`READ_ORDER`): LPA totals with nothing but an LPA, force-wide without an LPA or team, months
    per LPA without a team."""
    named = set(filters) | set(group)
    months, days = next(pair for pair in READ_ORDER if named <= set(KEYS[pair[0]]))
    ranges = {months: [span.months] if span.months else [], days: list(span.days)}
    selects, params = [], []
    for grain, periods in ranges.items():
        if not periods:
            continue
        where = [" OR ".join(["period BETWEEN %s AND %s"] * len(periods))]
        params += [day for period in periods for day in period]
        for column, value in filters.items():
            where.append(f"{column} = %s")
            params.append(value)
        conditions = " AND ".join(f"({condition})" for condition in where)
        selects.append(f"SELECT {', '.join([*group, *measures])} FROM {_rollup_table(grain)} WHERE {conditions}")  # noqa: S608
    totals = ", ".join(f"SUM({name})" for name in measures)
    sql = f"SELECT {', '.join([*group, totals])} FROM ({' UNION ALL '.join(selects)}) AS counted"  # noqa: S608
    if group:
        sql += f" GROUP BY {', '.join(group)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    width = len(group)
    return [
        {
            **dict(zip(group, row[:width], strict=True)),
            **{name: int(value or 0) for name, value in zip(measures, row[width:], strict=True)},
        }
        for row in rows
        if group or row[width] is not None
    ]
