"""Time the investigation CSV import on the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ov_cases_bench .venv/bin/python scripts/bench_import.py

(``--rows N`` to change the size; 100,000 by default.)

Generates a CSV of synthetic investigations (references BENCH/…) with every column of the
contract and the register v2 columns (people, bail, CPS and court dates), migrates the
database, deletes earlier BENCH/ rows, imports the file through the same service
as the command and the upload page, imports it again (nothing should change),
and prints the timings. On PostgreSQL it also prints the floor: the same rows (investigations,
flags, CPS referrals and the history of each) written by a bare ``COPY`` into empty copies of their
tables (no parsing, no validation, no look-ups), then into copies with their indexes and foreign
keys, min of ``--repeat`` runs like the import itself; and the KPI rollup rows the same
investigations add, COPYed into empty copies of the rollup tables (summed beforehand, not timed),
alone and added to the indexed COPY: the least any import that writes the same rows, checks the
same keys and keeps the rollup in step could take. The copies are ordinary (WAL-logged) tables, as
the register's are.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the first import (and the floor); min is shown")
    parser.add_argument(
        "--phases", action="store_true", help="also print where the last first-import run spent its time, by step"
    )
    parser.add_argument("--keep", action="store_true", help="leave the BENCH/ rows in the database at the end")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cases import rollups, synthetic, synthetic_people
    from cases.importer import COLUMNS, V2_COLUMNS, import_investigations

    call_command("migrate", verbosity=0)
    _delete_bench_rows(connection)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        started = time.perf_counter()
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([*COLUMNS, *V2_COLUMNS])
            people = synthetic_people.PeopleFiller(seed=args.seed, today=date.today())
            v2_attributes = ["ho_offence" if column == "ho_offence_code" else column for column in V2_COLUMNS]
            for case in synthetic.generate(args.rows, seed=args.seed, reference=lambda n: f"BENCH/{n:07d}"):
                people.add(case)
                referral = case.referrals[-1] if case.referrals else None
                writer.writerow(
                    [
                        case.crime_reference,
                        case.strand,
                        case.offence_group,
                        case.victim_age_group,
                        case.lpa,
                        case.team,
                        case.recorded_date,
                        case.offence_date or "",
                        case.outcome_type,
                        case.outcome_date or "",
                        referral.referral_date if referral else "",
                        referral.decision if referral else "",
                        (referral.decision_date or "") if referral else "",
                        case.arrest_date or "",
                        case.bail_status,
                        case.court_outcome,
                        case.court_outcome_date or "",
                        case.vcop_compliant,
                        case.vps_offered,
                        ";".join(case.flags),
                        *(_text(getattr(case, name)) for name in v2_attributes),
                    ]
                )
        size = path.stat().st_size / 1e6
        print(f"Generated {args.rows:,} rows ({size:.1f} MB) in {time.perf_counter() - started:.1f} s", flush=True)

        times = []
        cpu = []  # this process's CPU time in each run: the rest of a run is waiting for the database
        phases: dict[str, float] = {}
        for run in range(args.repeat):
            if run:
                _delete_bench_rows(connection)
            phases.clear()
            with _timed_phases(phases) if args.phases else contextlib.nullcontext():
                result, wall, spent = _timed(import_investigations, source=path)
                times.append(wall)
                cpu.append(spent)
        first = min(times)
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(
            f"Import on {connection.vendor}: {first:.2f} s = {args.rows / first:,.0f} rows/s "
            f"(min of {len(times)}: {runs}) — {result}",
            flush=True,
        )
        fastest = times.index(first)
        print(
            f"  of which this process's CPU {cpu[fastest]:.2f} s, waiting for the database "
            f"{first - cpu[fastest]:.2f} s",
            flush=True,
        )
        if phases:
            print(f"  where the last run's {times[-1]:.2f} s went (a step's time includes the steps inside it):")
            for name, spent in sorted(phases.items(), key=lambda item: -item[1]):
                print(f"    {name:<45} {spent:7.2f} s")
        if connection.vendor == "postgresql":
            floors = {}
            labels = ((False, "bare COPY of the same rows"), (True, "the same COPY, indexed, foreign keys checked"))
            for indexes, label in labels:
                floors[indexes] = floor = _copy_floor(connection, repeat=args.repeat, indexes=indexes)
                print(
                    f"Floor, {label}: {floor:.2f} s = {args.rows / floor:,.0f} rows/s "
                    f"(min of {args.repeat}); import/floor {first / floor:.1f}x",
                    flush=True,
                )
            rollup, rollup_rows = _rollup_floor(connection, repeat=args.repeat)
            print(
                f"Floor, the KPI rollup rows these investigations add ({rollup_rows:,} rows in "
                f"{len(rollups.GRAINS)} tables), COPYed into indexed empty copies: {rollup:.2f} s "
                f"(min of {args.repeat})",
                flush=True,
            )
            both = floors[True] + rollup
            print(
                f"Floor, both (what any import writing the same rows, indexes, keys and rollup pays): {both:.2f} s = "
                f"{args.rows / both:,.0f} rows/s; import/floor {first / both:.1f}x",
                flush=True,
            )

        again, second, second_cpu = _timed(import_investigations, source=path)
        print(f"Same file again: {second:.1f} s (this process's CPU {second_cpu:.1f} s) — {again}", flush=True)
        if not args.keep:
            _delete_bench_rows(connection)


def _timed(function: Any, **kwargs: Any) -> tuple[Any, float, float]:
    """``function(**kwargs)``, its wall time and this process's CPU time in it (the rest is waiting)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    result = function(**kwargs)
    return result, time.perf_counter() - started, time.process_time() - started_cpu


# The import's steps timed by --phases: (module, function); methods as "Class.method".
PHASES: tuple[tuple[str, str], ...] = (
    ("cases.importer", "_Parser.parse_chunk"),
    ("cases.importer", "_stored"),
    ("cases.importer", "_Writer.write"),
    ("cases.importer", "_Writer.finish"),
    ("cases.bulk", "allocate_keys"),
    ("cases.bulk", "_write"),
    ("cases.bulk", "insert_history"),
    ("cases.rollups", "apply"),
)


@contextlib.contextmanager
def _timed_phases(spent: dict[str, float]) -> Iterator[None]:
    """Wrap each step of :data:`PHASES` to add its wall time to ``spent`` (by name), and unwrap after."""
    import importlib

    undo = []
    for module_name, dotted in PHASES:
        owner: Any = importlib.import_module(module_name)
        *path, name = dotted.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = getattr(owner, name)

        def timed(*args: Any, _original: Any = original, _label: str = dotted, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - started

        setattr(owner, name, timed)
        undo.append((owner, name, original))
    try:
        yield
    finally:
        for owner, name, original in undo:
            setattr(owner, name, original)


def _delete_bench_rows(connection: Any) -> None:
    """The BENCH/ investigations (set-based, the rollup adjusted, as ``generate_investigations --delete``)
    and their history rows, so each run starts from the same database and the floor reads one run's rows."""
    from io import StringIO

    from django.core.management import call_command

    from cases.models import ROLLUP_MODELS

    if connection.vendor == "postgresql":  # the planner must know the rows just imported
        with connection.cursor() as cursor:
            for table in ("cases_investigation", "cases_investigation_flags", "cases_cpsreferral"):
                cursor.execute(f"ANALYZE {table}")
    call_command("generate_investigations", "--delete", "--prefix", "BENCH/", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM cases_historicalinvestigation_flags WHERE history_id IN ({_BENCH_HISTORY_IDS})")  # noqa: S608
        ids = "SELECT id FROM cases_historicalinvestigation WHERE crime_reference LIKE 'BENCH/%%'"
        cursor.execute(f"DELETE FROM cases_historicalcpsreferral WHERE investigation_id IN ({ids})")  # noqa: S608
        cursor.execute("DELETE FROM cases_historicalinvestigation WHERE crime_reference LIKE 'BENCH/%%'")
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Reclaim the deleted rows: left dead, every reference look-up of the next run visits them
            # (one run measured 9.5 s in look-ups after three deletes, against under 1 s on a vacuumed table).
            rollup_tables = ", ".join(model._meta.db_table for model in ROLLUP_MODELS)
            cursor.execute(
                "VACUUM (ANALYZE) cases_investigation, cases_investigation_flags, cases_cpsreferral, "
                "cases_historicalinvestigation, cases_historicalinvestigation_flags, cases_historicalcpsreferral, "
                f"{rollup_tables}"
            )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _rollup_floor(connection: Any, *, repeat: int) -> tuple[float, int]:
    """The KPI rollup rows the BENCH investigations count (every grain, summed by the database first:
    not timed), COPYed into empty indexed copies of the rollup tables: the least any import that keeps
    the rollup in step could take to write them. Returns the best time and the row count."""
    from cases import rollups
    from cases.models import ROLLUP_GRAINS

    scope = rollups.references_scope("BENCH/")
    copies = {}
    with connection.cursor() as cursor:
        for grain in rollups.GRAINS:
            cursor.execute(rollups.contribution_sql(scope, grain), scope.params)
            columns = [*rollups.key_of(grain), *rollups.MEASURES]
            copies[ROLLUP_GRAINS[grain]._meta.db_table] = (columns, cursor.fetchall())
    best = _timed_copies(connection, copies, repeat=repeat, including="DEFAULTS IDENTITY INDEXES")
    return best, sum(len(values) for _columns, values in copies.values())


# The BENCH investigations and their history rows, as subqueries of their ids.
_BENCH_IDS = "SELECT id FROM cases_investigation WHERE crime_reference LIKE 'BENCH/%%'"
_BENCH_HISTORY_IDS = "SELECT history_id FROM cases_historicalinvestigation WHERE crime_reference LIKE 'BENCH/%%'"
# What the import writes for the BENCH investigations, table by table: their rows, their flags and CPS
# referrals, and the history rows of each.
_BENCH_ROWS: dict[str, str] = {
    "cases_investigation": "crime_reference LIKE 'BENCH/%%'",
    "cases_historicalinvestigation": "crime_reference LIKE 'BENCH/%%'",
    "cases_investigation_flags": f"investigation_id IN ({_BENCH_IDS})",
    "cases_historicalinvestigation_flags": f"history_id IN ({_BENCH_HISTORY_IDS})",
    "cases_cpsreferral": f"investigation_id IN ({_BENCH_IDS})",
    "cases_historicalcpsreferral": f"investigation_id IN ({_BENCH_IDS})",
}


def _copy_floor(connection: Any, *, repeat: int, indexes: bool = False) -> float:
    """The rows the import wrote for the BENCH investigations (:data:`_BENCH_ROWS`), read into memory,
    then COPYed into empty copies of their tables: the least any import of this file could take to
    write them. With ``indexes`` the copies have the tables' indexes (each a B-tree insertion per row,
    the register's filters and sorts need them) and foreign keys (each checked per row, as the import's
    are): the least an import into the register could take."""
    copies = {}
    with connection.cursor() as cursor:
        for table, condition in _BENCH_ROWS.items():
            cursor.execute(f"SELECT * FROM {table} WHERE {condition}")  # noqa: S608
            copies[table] = ([column.name for column in cursor.description], cursor.fetchall())
    if not indexes:
        return _timed_copies(connection, copies, repeat=repeat, including="DEFAULTS")
    return _timed_copies(connection, copies, repeat=repeat, including="DEFAULTS INDEXES", foreign_keys=True)


def _timed_copies(
    connection: Any,
    copies: dict[str, tuple[list[str], list[tuple]]],
    *,
    repeat: int,
    including: str,
    foreign_keys: bool = False,
) -> float:
    """The best of ``repeat`` runs of COPYing each table's rows (``copies``: table → its columns and the
    rows) into a new empty copy of it (``LIKE`` the table ``INCLUDING`` …; with ``foreign_keys``, its
    foreign keys too, checked before the clock stops), through the import's own COPY (``bulk.copy_rows``:
    binary format).

    The copies are ordinary tables, written to the WAL as the register's are (a temporary table is
    not, and would make the floor look cheaper than any import can be), created in a transaction
    that is rolled back."""
    from django.db import transaction

    from cases import bulk

    likes = " ".join(f"INCLUDING {part}" for part in including.split())
    best = float("inf")
    for _ in range(repeat):
        with transaction.atomic(), connection.cursor() as cursor:
            for table in copies:
                cursor.execute(f"CREATE TABLE floor_{table} (LIKE {table} {likes})")
                if foreign_keys:
                    cursor.execute(
                        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                        "AND contype = 'f' ORDER BY conname",
                        [table],
                    )
                    for (definition,) in cursor.fetchall():
                        cursor.execute(f"ALTER TABLE floor_{table} ADD {definition}")
            for table, (columns, _values) in copies.items():
                bulk.binary_types(f"floor_{table}", columns)  # the column types, looked up before the clock starts
            started = time.perf_counter()
            for table, (columns, values) in copies.items():
                bulk.copy_rows(f"floor_{table}", columns, values)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, as at COMMIT
            best = min(best, time.perf_counter() - started)
            transaction.set_rollback(True)
    return best


if __name__ == "__main__":
    main()
