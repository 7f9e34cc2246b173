"""The inspection tracker (reports, owners, due dates, evidence, links to commitments) and scrutiny queries.

The tracker's new status check is added in 0005, after 0004 has moved the old statuses onto the new workflow.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0002_add_indicators_and_published_evidence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The number is unique per report *record* from 0004 on; the title-based constraint goes first.
        migrations.RemoveConstraint(
            model_name="inspectionrecommendation", name="recommendation_number_unique_per_report"
        ),
        migrations.CreateModel(
            name="RecommendationEvidence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField()),
                ("text", models.TextField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("update", "Evidence update"),
                            ("accepted", "Evidence accepted"),
                            ("returned", "Evidence returned"),
                        ],
                        default="update",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name_plural": "recommendation evidence",
                "ordering": ["recommendation", "-date", "-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="ScrutinyQuery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "subject_type",
                    models.CharField(
                        choices=[
                            ("commitment", "Commitment"),
                            ("board", "Board"),
                            ("recommendation", "Inspection recommendation"),
                            ("kpi", "KPI"),
                            ("audit_area", "Audit area"),
                        ],
                        max_length=16,
                    ),
                ),
                (
                    "kpi_metric",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("recorded_offences", "Recorded offences"),
                            ("outcomes_assigned", "Outcomes assigned"),
                            ("charged", "Charged/summonsed"),
                            ("charged_pct", "Charged (% of outcomes)"),
                            ("positive_outcomes", "Positive outcomes"),
                            ("positive_outcome_rate", "Positive outcome rate (%)"),
                            ("victim_withdrawal", "Victim withdrawal outcomes"),
                            ("victim_withdrawal_pct", "Victim withdrawal (% of outcomes)"),
                            ("cps_referrals", "CPS referrals"),
                            ("cps_charge_rate", "CPS charge rate (%)"),
                            ("avg_days_to_charge", "Average days to charge"),
                            ("avg_days_to_outcome", "Average days to outcome"),
                            ("open_investigations", "Open investigations"),
                            ("rui_pct", "Released under investigation (% of RUI and bail)"),
                            ("conviction_rate", "Conviction rate (%)"),
                        ],
                        max_length=40,
                        verbose_name="KPI",
                    ),
                ),
                (
                    "kpi_filters",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text='Filter codes, e.g. {"strand": "cse"}.',
                        verbose_name="KPI filters",
                    ),
                ),
                (
                    "kpi_period",
                    models.CharField(
                        blank=True, help_text="e.g. 2025-26-Q2", max_length=10, verbose_name="KPI quarter"
                    ),
                ),
                (
                    "audit_area",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("rasso", "RASSO"),
                            ("domestic_abuse", "Domestic abuse"),
                            ("child_abuse", "Child abuse"),
                            ("sex_offender_management", "Sex offender management"),
                            ("missing_people", "Missing people"),
                        ],
                        max_length=32,
                    ),
                ),
                ("question", models.TextField()),
                ("due_date", models.DateField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("answered", "Answered"),
                            ("closed", "Closed"),
                            ("reopened", "Reopened"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("response", models.TextField(blank=True, verbose_name="owner's response")),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "opcc_comment",
                    models.TextField(
                        blank=True, help_text="Given on closing or reopening.", verbose_name="OPCC's comment"
                    ),
                ),
                ("raised_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name_plural": "scrutiny queries",
                "ordering": ["due_date", "pk"],
            },
        ),
        migrations.AddField(
            model_name="historicalinspectionrecommendation",
            name="due_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="historicalinspectionrecommendation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("recommendation", "Recommendation"),
                    ("area_for_improvement", "Area for improvement"),
                    ("cause_of_concern", "Cause of concern"),
                ],
                default="recommendation",
                max_length=24,
            ),
        ),
        migrations.AddField(
            model_name="historicalinspectionrecommendation",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The force's owner, who reports progress and evidence.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="inspectionrecommendation",
            name="commitments",
            field=models.ManyToManyField(blank=True, related_name="recommendations", to="commitments.commitment"),
        ),
        migrations.AddField(
            model_name="inspectionrecommendation",
            name="due_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="inspectionrecommendation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("recommendation", "Recommendation"),
                    ("area_for_improvement", "Area for improvement"),
                    ("cause_of_concern", "Cause of concern"),
                ],
                default="recommendation",
                max_length=24,
            ),
        ),
        migrations.AddField(
            model_name="inspectionrecommendation",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                help_text="The force's owner, who reports progress and evidence.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owned_recommendations",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalinspectionrecommendation",
            name="response",
            field=models.TextField(blank=True, help_text="The force's response."),
        ),
        migrations.AlterField(
            model_name="historicalinspectionrecommendation",
            name="status",
            field=models.CharField(
                choices=[
                    ("not_started", "Not started"),
                    ("in_progress", "In progress"),
                    ("implemented", "Implemented"),
                    ("evidence_accepted", "Evidence accepted by the OPCC"),
                ],
                default="not_started",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="inspectionrecommendation",
            name="response",
            field=models.TextField(blank=True, help_text="The force's response."),
        ),
        migrations.AlterField(
            model_name="inspectionrecommendation",
            name="status",
            field=models.CharField(
                choices=[
                    ("not_started", "Not started"),
                    ("in_progress", "In progress"),
                    ("implemented", "Implemented"),
                    ("evidence_accepted", "Evidence accepted by the OPCC"),
                ],
                default="not_started",
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="HistoricalInspectionRecommendation_commitments",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "commitment",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.commitment",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="commitments.historicalinspectionrecommendation",
                    ),
                ),
                (
                    "inspectionrecommendation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.inspectionrecommendation",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalInspectionRecommendation_commitments",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalInspectionReport",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("title", models.CharField(db_index=True, max_length=300)),
                ("inspectorate", models.CharField(default="HMICFRS", max_length=100)),
                ("published_on", models.DateField(blank=True, null=True, verbose_name="publication date")),
                ("pcc_response", models.TextField(blank=True, verbose_name="PCC's response")),
                (
                    "pcc_response_published_on",
                    models.DateField(blank=True, null=True, verbose_name="PCC's response published on"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
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
                "verbose_name": "historical inspection report",
                "verbose_name_plural": "historical inspection reports",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalRecommendationEvidence",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("date", models.DateField()),
                ("text", models.TextField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("update", "Evidence update"),
                            ("accepted", "Evidence accepted"),
                            ("returned", "Evidence returned"),
                        ],
                        default="update",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
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
                    "recommendation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.inspectionrecommendation",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical recommendation evidence",
                "verbose_name_plural": "historical recommendation evidence",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalScrutinyQuery",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "subject_type",
                    models.CharField(
                        choices=[
                            ("commitment", "Commitment"),
                            ("board", "Board"),
                            ("recommendation", "Inspection recommendation"),
                            ("kpi", "KPI"),
                            ("audit_area", "Audit area"),
                        ],
                        max_length=16,
                    ),
                ),
                (
                    "kpi_metric",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("recorded_offences", "Recorded offences"),
                            ("outcomes_assigned", "Outcomes assigned"),
                            ("charged", "Charged/summonsed"),
                            ("charged_pct", "Charged (% of outcomes)"),
                            ("positive_outcomes", "Positive outcomes"),
                            ("positive_outcome_rate", "Positive outcome rate (%)"),
                            ("victim_withdrawal", "Victim withdrawal outcomes"),
                            ("victim_withdrawal_pct", "Victim withdrawal (% of outcomes)"),
                            ("cps_referrals", "CPS referrals"),
                            ("cps_charge_rate", "CPS charge rate (%)"),
                            ("avg_days_to_charge", "Average days to charge"),
                            ("avg_days_to_outcome", "Average days to outcome"),
                            ("open_investigations", "Open investigations"),
                            ("rui_pct", "Released under investigation (% of RUI and bail)"),
                            ("conviction_rate", "Conviction rate (%)"),
                        ],
                        max_length=40,
                        verbose_name="KPI",
                    ),
                ),
                (
                    "kpi_filters",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text='Filter codes, e.g. {"strand": "cse"}.',
                        verbose_name="KPI filters",
                    ),
                ),
                (
                    "kpi_period",
                    models.CharField(
                        blank=True, help_text="e.g. 2025-26-Q2", max_length=10, verbose_name="KPI quarter"
                    ),
                ),
                (
                    "audit_area",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("rasso", "RASSO"),
                            ("domestic_abuse", "Domestic abuse"),
                            ("child_abuse", "Child abuse"),
                            ("sex_offender_management", "Sex offender management"),
                            ("missing_people", "Missing people"),
                        ],
                        max_length=32,
                    ),
                ),
                ("question", models.TextField()),
                ("due_date", models.DateField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("answered", "Answered"),
                            ("closed", "Closed"),
                            ("reopened", "Reopened"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("response", models.TextField(blank=True, verbose_name="owner's response")),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "opcc_comment",
                    models.TextField(
                        blank=True, help_text="Given on closing or reopening.", verbose_name="OPCC's comment"
                    ),
                ),
                ("raised_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "board",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.board",
                    ),
                ),
                (
                    "commitment",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.commitment",
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
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "raised_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "recommendation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.inspectionrecommendation",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical scrutiny query",
                "verbose_name_plural": "historical scrutiny queries",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="InspectionReport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=300, unique=True)),
                ("inspectorate", models.CharField(default="HMICFRS", max_length=100)),
                ("published_on", models.DateField(blank=True, null=True, verbose_name="publication date")),
                ("pcc_response", models.TextField(blank=True, verbose_name="PCC's response")),
                (
                    "pcc_response_published_on",
                    models.DateField(blank=True, null=True, verbose_name="PCC's response published on"),
                ),
            ],
            options={
                "ordering": ["-published_on", "title"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("pcc_response_published_on__isnull", True),
                            models.Q(
                                ("pcc_response_published_on__gte", models.F("published_on")),
                                ("published_on__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="inspection_report_response_after_publication",
                        violation_error_message="The PCC's response cannot be published before the report.",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="historicalinspectionrecommendation",
            name="inspection_report",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="commitments.inspectionreport",
            ),
        ),
        migrations.AddField(
            model_name="inspectionrecommendation",
            name="inspection_report",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="recommendations",
                to="commitments.inspectionreport",
            ),
        ),
        migrations.AddField(
            model_name="recommendationevidence",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="recommendationevidence",
            name="recommendation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evidence",
                to="commitments.inspectionrecommendation",
            ),
        ),
        migrations.AddField(
            model_name="scrutinyquery",
            name="board",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="scrutiny_queries",
                to="commitments.board",
            ),
        ),
        migrations.AddField(
            model_name="scrutinyquery",
            name="commitment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="scrutiny_queries",
                to="commitments.commitment",
            ),
        ),
        migrations.AddField(
            model_name="scrutinyquery",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owned_scrutiny_queries",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="scrutinyquery",
            name="raised_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="raised_scrutiny_queries",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="scrutinyquery",
            name="recommendation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="scrutiny_queries",
                to="commitments.inspectionrecommendation",
            ),
        ),
        migrations.AddIndex(
            model_name="scrutinyquery",
            index=models.Index(fields=["status", "due_date"], name="scrutiny_query_status_due_idx"),
        ),
        migrations.AddConstraint(
            model_name="scrutinyquery",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("subject_type", "commitment"),
                        ("commitment__isnull", False),
                        ("board__isnull", True),
                        ("recommendation__isnull", True),
                        ("kpi_filters", {}),
                        ("kpi_metric", ""),
                        ("kpi_period", ""),
                        ("audit_area", ""),
                    ),
                    models.Q(
                        ("subject_type", "board"),
                        ("board__isnull", False),
                        ("commitment__isnull", True),
                        ("recommendation__isnull", True),
                        ("kpi_filters", {}),
                        ("kpi_metric", ""),
                        ("kpi_period", ""),
                        ("audit_area", ""),
                    ),
                    models.Q(
                        ("subject_type", "recommendation"),
                        ("recommendation__isnull", False),
                        ("commitment__isnull", True),
                        ("board__isnull", True),
                        ("kpi_filters", {}),
                        ("kpi_metric", ""),
                        ("kpi_period", ""),
                        ("audit_area", ""),
                    ),
                    models.Q(
                        ("subject_type", "kpi"),
                        models.Q(("kpi_metric", ""), _negated=True),
                        models.Q(("kpi_period", ""), _negated=True),
                        ("commitment__isnull", True),
                        ("board__isnull", True),
                        ("recommendation__isnull", True),
                        ("audit_area", ""),
                    ),
                    models.Q(
                        ("subject_type", "audit_area"),
                        models.Q(("audit_area", ""), _negated=True),
                        ("commitment__isnull", True),
                        ("board__isnull", True),
                        ("recommendation__isnull", True),
                        ("kpi_filters", {}),
                        ("kpi_metric", ""),
                        ("kpi_period", ""),
                    ),
                    _connector="OR",
                ),
                name="scrutiny_query_has_one_subject",
                violation_error_message="A query is about exactly one subject.",
            ),
        ),
        migrations.AddConstraint(
            model_name="scrutinyquery",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["open", "answered", "closed", "reopened"])),
                name="scrutiny_query_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="scrutinyquery",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "answered"), _negated=True),
                    models.Q(("response", ""), _negated=True),
                    _connector="OR",
                ),
                name="scrutiny_query_answer_has_response",
                violation_error_message="An answered query needs the owner's response.",
            ),
        ),
    ]
