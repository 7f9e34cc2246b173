"""Time the background XLSX export of the whole register, and its peak memory, on the configured database.

    DATABASE_URL=postgres://... .venv/bin/python scripts/bench_export_xlsx.py [--query "strand=rasso"]

Runs what the Celery task runs (:func:`cases.exports.build_xlsx`) in this process, for an audit lead's
download of the register list (``--query``: its filters as a query string; none: every row), and prints
the rows written, the wall time, the file's size and the process's peak resident memory (``ru_maxrss``),
beside the memory the process held before the build: openpyxl's write-only mode should keep it flat
whatever the number of rows. The job and its file are deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--query", default="", help="The register list's filters, e.g. 'strand=rasso'.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection

    from cases.exports import build_xlsx
    from cases.models import ExportJob, Investigation
    from oversight.models import User
    from oversight.roles import Role

    user, _ = User.objects.get_or_create(
        email="xlsx-benchmark@example.invalid", defaults={"full_name": "XLSX benchmark"}
    )
    user.groups.add(Group.objects.get(name=Role.AUDIT_LEAD.value))
    job = ExportJob.objects.create(user=user, query=args.query, filename="register", rows_total=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; load average {os.getloadavg()}")
    print(f"investigations: {Investigation.objects.count():,}; query: {args.query or '(every row)'}")
    before = _peak_mb()
    start = time.perf_counter()
    build_xlsx(job)
    elapsed = time.perf_counter() - start
    job.refresh_from_db()
    path = Path(settings.MEDIA_ROOT) / job.path
    print(
        f"XLSX: {job.rows_done:,} rows in {elapsed:.1f} s ({job.rows_done / elapsed:,.0f} rows/s), "
        f"{path.stat().st_size / 1e6:.1f} MB; peak memory {_peak_mb():.0f} MB (before the build {before:.0f} MB)"
    )
    path.unlink(missing_ok=True)
    job.delete()
    user.delete()


if __name__ == "__main__":
    main()
