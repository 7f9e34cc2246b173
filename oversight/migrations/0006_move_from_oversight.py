"""Summaries move to the ``summaries`` app and benchmarks to ``performance``: state only.

The tables stay where they are; the new apps take them over in their first migrations (which
depend on this one) and then rename them. No row is copied or lost.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0005_add_benchmarks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="historicalbenchmarkfigure",
                    name="measure",
                ),
                migrations.RemoveField(
                    model_name="digestdelivery",
                    name="owner",
                ),
                migrations.RemoveField(
                    model_name="historicalbenchmarkfigure",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="historicalbenchmarkmeasure",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="historicalsummary",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="summarybuild",
                    name="summary",
                ),
                migrations.RemoveField(
                    model_name="summarybuild",
                    name="triggered_by",
                ),
                migrations.DeleteModel(
                    name="BenchmarkFigure",
                ),
                migrations.DeleteModel(
                    name="BenchmarkMeasure",
                ),
                migrations.DeleteModel(
                    name="DigestDelivery",
                ),
                migrations.DeleteModel(
                    name="HistoricalBenchmarkFigure",
                ),
                migrations.DeleteModel(
                    name="HistoricalBenchmarkMeasure",
                ),
                migrations.DeleteModel(
                    name="HistoricalSummary",
                ),
                migrations.DeleteModel(
                    name="Summary",
                ),
                migrations.DeleteModel(
                    name="SummaryBuild",
                ),
            ],
            database_operations=[],
        ),
    ]
