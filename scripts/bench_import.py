"""Time the investigation CSV import on the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ov_cases_bench .venv/bin/python scripts/bench_import.py

(``--rows N`` to change the size; 100,000 by default.)

Generates a CSV of synthetic investigations (references BENCH/…), migrates the
database, deletes earlier BENCH/ rows, imports the file through the same service
as the command and the upload page, imports it again (nothing should change),
and prints the timings.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cases import synthetic
    from cases.importer import COLUMNS, import_investigations
    from cases.models import Investigation

    call_command("migrate", verbosity=0)
    Investigation.objects.filter(crime_reference__startswith="BENCH/").delete()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        started = time.perf_counter()
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for case in synthetic.generate(args.rows, seed=args.seed, reference=lambda n: f"BENCH/{n:07d}"):
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
                    ]
                )
        size = path.stat().st_size / 1e6
        print(f"Generated {args.rows:,} rows ({size:.1f} MB) in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        result = import_investigations(source=path)
        first = time.perf_counter() - started
        print(f"Import on {connection.vendor}: {first:.1f} s — {result}")

        started = time.perf_counter()
        again = import_investigations(source=path)
        second = time.perf_counter() - started
        print(f"Same file again: {second:.1f} s — {again}")


if __name__ == "__main__":
    main()
