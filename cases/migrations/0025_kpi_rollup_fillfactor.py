"""The KPI rollup tables leave half of each page free (PostgreSQL's ``fillfactor``), so that a change's
UPDATE of a rollup row can write the row's new version on the same page: a heap-only tuple (HOT), with no
new entry in either of the table's indexes. Every write updates rollup rows (a save a dozen, an import of
100,000 investigations about 250,000), and none of them changes an indexed column, so each could be HOT.
With full pages they almost never were (102 of 1,089,872 updates of the day rows, measured): the new
version went to another page, and both indexes gained an entry. Counting 100,000 imported
investigations into rows that already exist took 5.4-5.7 s with full pages, 4.3-4.5 s with half
pages (fillfactor 70: 4.5-4.8 s).

The space: rewritten whole (``rebuild_rollups``, the generator's compaction), the tables take twice
as much (at 1,000,000 investigations, all seven 355 MB against 174 MB). Once their rows are updated the
difference goes: a full page gets a dead version beside each live one between vacuums (the day rows of
100,000 investigations after a few imports and deletes: 87 MB with full pages, 90 MB with half). Reading
is no slower (``scripts/bench_kpis.py`` at 1,000,000 investigations: every figure within its noise).

Pages written before this migration keep their rows until they are rewritten (``rebuild_rollups``
rewrites every table). The fill factor is frozen here: a later rollup table needs its own.
"""

from django.db import migrations

FILLFACTOR = 50
TABLES = (
    "cases_kpirollupmonth",
    "cases_kpirollupday",
    "cases_kpirolluplpamonth",
    "cases_kpirollupforcemonth",
    "cases_kpirollupforceday",
    "cases_kpirolluplpatotalmonth",
    "cases_kpirolluplpatotalday",
)


def _set(schema_editor, fillfactor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite has no fill factor
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} SET (fillfactor = {int(fillfactor)})")


def half_pages(apps, schema_editor):
    _set(schema_editor, FILLFACTOR)


def full_pages(apps, schema_editor):
    _set(schema_editor, 100)


class Migration(migrations.Migration):
    dependencies = [("cases", "0024_kpi_rollup_lpa_totals")]

    operations = [migrations.RunPython(half_pages, full_pages)]
