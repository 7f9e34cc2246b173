"""Every tracker item belongs to an inspection report: the report title and date move to
:class:`InspectionReport` (0004), the old columns go, and the new status check holds."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("commitments", "0004_inspection_tracker_data")]

    operations = [
        # A default on the old title columns only so that migrating backwards can add them again.
        migrations.AlterField(
            model_name="inspectionrecommendation", name="report", field=models.CharField(default="", max_length=300)
        ),
        migrations.AlterField(
            model_name="historicalinspectionrecommendation",
            name="report",
            field=models.CharField(default="", max_length=300),
        ),
        migrations.RemoveField(model_name="inspectionrecommendation", name="report"),
        migrations.RemoveField(model_name="inspectionrecommendation", name="report_date"),
        migrations.RemoveField(model_name="historicalinspectionrecommendation", name="report"),
        migrations.RemoveField(model_name="historicalinspectionrecommendation", name="report_date"),
        migrations.RenameField(model_name="inspectionrecommendation", old_name="inspection_report", new_name="report"),
        migrations.RenameField(
            model_name="historicalinspectionrecommendation", old_name="inspection_report", new_name="report"
        ),
        migrations.AlterField(
            model_name="inspectionrecommendation",
            name="report",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="recommendations",
                to="commitments.inspectionreport",
            ),
        ),
        migrations.AlterField(
            model_name="historicalinspectionrecommendation",
            name="report",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="commitments.inspectionreport",
            ),
        ),
        migrations.AddConstraint(
            model_name="inspectionrecommendation",
            constraint=models.UniqueConstraint(
                fields=("report", "number"), name="recommendation_number_unique_per_report"
            ),
        ),
        migrations.AddConstraint(
            model_name="inspectionrecommendation",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["not_started", "in_progress", "implemented", "evidence_accepted"])),
                name="recommendation_status_valid",
            ),
        ),
    ]
