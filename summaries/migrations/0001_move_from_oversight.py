"""Take over the summary tables created by ``oversight`` 0003: state only, the rows stay."""

import django.db.models.deletion
import django.utils.timezone
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
                    name="HistoricalSummary",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("monthly_performance", "Monthly performance summary"),
                                    ("quarterly_rag", "Quarterly RAG summary"),
                                    ("overdue_digest", "Daily overdue-actions digest"),
                                ],
                                max_length=32,
                            ),
                        ),
                        (
                            "period",
                            models.CharField(
                                help_text="2025-11 (month), 2025-26-Q2 (quarter) or 2025-11-25 (day).", max_length=16
                            ),
                        ),
                        ("period_start", models.DateField()),
                        ("period_end", models.DateField()),
                        ("built_at", models.DateTimeField()),
                        ("data", models.JSONField(default=dict)),
                        ("html", models.TextField(blank=True)),
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
                        "verbose_name": "historical summary",
                        "verbose_name_plural": "historical summaries",
                        "db_table": "oversight_historicalsummary",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Summary",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("monthly_performance", "Monthly performance summary"),
                                    ("quarterly_rag", "Quarterly RAG summary"),
                                    ("overdue_digest", "Daily overdue-actions digest"),
                                ],
                                max_length=32,
                            ),
                        ),
                        (
                            "period",
                            models.CharField(
                                help_text="2025-11 (month), 2025-26-Q2 (quarter) or 2025-11-25 (day).", max_length=16
                            ),
                        ),
                        ("period_start", models.DateField()),
                        ("period_end", models.DateField()),
                        ("built_at", models.DateTimeField()),
                        ("data", models.JSONField(default=dict)),
                        ("html", models.TextField(blank=True)),
                    ],
                    options={
                        "verbose_name_plural": "summaries",
                        "db_table": "oversight_summary",
                        "ordering": ["kind", "-period_start"],
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "period"), name="summary_unique_kind_period")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DigestDelivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField()),
                        ("sent_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("action_count", models.PositiveIntegerField()),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="digest_deliveries",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "digest deliveries",
                        "db_table": "oversight_digestdelivery",
                        "ordering": ["-day"],
                        "constraints": [
                            models.UniqueConstraint(fields=("owner", "day"), name="digest_once_per_owner_per_day")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SummaryBuild",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("monthly_performance", "Monthly performance summary"),
                                    ("quarterly_rag", "Quarterly RAG summary"),
                                    ("overdue_digest", "Daily overdue-actions digest"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("period", models.CharField(max_length=16)),
                        (
                            "trigger",
                            models.CharField(
                                choices=[
                                    ("schedule", "Schedule"),
                                    ("manual", "Rebuild by an administrator"),
                                    ("seed", "Demo seed"),
                                    ("command", "Management command"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("task_id", models.CharField(blank=True, max_length=64)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Running"),
                                    ("succeeded", "Succeeded"),
                                    ("failed", "Failed"),
                                ],
                                default="queued",
                                max_length=16,
                            ),
                        ),
                        ("queued_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("duration_ms", models.PositiveIntegerField(blank=True, null=True)),
                        ("error", models.TextField(blank=True)),
                        (
                            "summary",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="builds",
                                to="summaries.summary",
                            ),
                        ),
                        (
                            "triggered_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="summary_builds",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "oversight_summarybuild",
                        "ordering": ["-queued_at"],
                        "indexes": [models.Index(fields=["kind", "period"], name="summary_build_kind_period_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
