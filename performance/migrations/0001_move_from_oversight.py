"""Take over the benchmark tables created by ``oversight`` 0005: state only, the rows stay."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("oversight", "0006_move_from_oversight"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BenchmarkMeasure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "code",
                            models.SlugField(
                                help_text="Used in the page address, e.g. live-sros.", max_length=60, unique=True
                            ),
                        ),
                        ("name", models.CharField(max_length=200, unique=True)),
                        (
                            "unit",
                            models.CharField(
                                blank=True, help_text="What is counted, e.g. 'live orders'.", max_length=60
                            ),
                        ),
                        ("description", models.TextField(blank=True)),
                        (
                            "comparison_group",
                            models.CharField(
                                blank=True,
                                help_text="Which forces are compared, e.g. 'Region and Most Similar Group'.",
                                max_length=200,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "oversight_benchmarkmeasure",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalBenchmarkFigure",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("period", models.CharField(help_text="Financial quarter, e.g. 2025-26-Q2.", max_length=10)),
                        ("force", models.CharField(help_text="e.g. West Midlands Police.", max_length=100)),
                        ("is_own_force", models.BooleanField(default=False, verbose_name="this force")),
                        ("value", models.DecimalField(decimal_places=2, max_digits=12)),
                        (
                            "source",
                            models.CharField(blank=True, help_text="Where the figure was published.", max_length=300),
                        ),
                        ("updated_at", models.DateTimeField(blank=True, editable=False)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.TextField(null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "measure",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="performance.benchmarkmeasure",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical benchmark figure",
                        "verbose_name_plural": "historical benchmark figures",
                        "db_table": "oversight_historicalbenchmarkfigure",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalBenchmarkMeasure",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "code",
                            models.SlugField(help_text="Used in the page address, e.g. live-sros.", max_length=60),
                        ),
                        ("name", models.CharField(db_index=True, max_length=200)),
                        (
                            "unit",
                            models.CharField(
                                blank=True, help_text="What is counted, e.g. 'live orders'.", max_length=60
                            ),
                        ),
                        ("description", models.TextField(blank=True)),
                        (
                            "comparison_group",
                            models.CharField(
                                blank=True,
                                help_text="Which forces are compared, e.g. 'Region and Most Similar Group'.",
                                max_length=200,
                            ),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.TextField(null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical benchmark measure",
                        "verbose_name_plural": "historical benchmark measures",
                        "db_table": "oversight_historicalbenchmarkmeasure",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="BenchmarkFigure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("period", models.CharField(help_text="Financial quarter, e.g. 2025-26-Q2.", max_length=10)),
                        ("force", models.CharField(help_text="e.g. West Midlands Police.", max_length=100)),
                        ("is_own_force", models.BooleanField(default=False, verbose_name="this force")),
                        ("value", models.DecimalField(decimal_places=2, max_digits=12)),
                        (
                            "source",
                            models.CharField(blank=True, help_text="Where the figure was published.", max_length=300),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "measure",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="figures",
                                to="performance.benchmarkmeasure",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "oversight_benchmarkfigure",
                        "ordering": ["measure", "-period", "-value", "force"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("measure", "period", "force"), name="benchmark_figure_unique_force"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("value__gte", 0)),
                                name="benchmark_figure_value_not_negative",
                                violation_error_message="A benchmark figure cannot be negative.",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
