"""Move existing inspection recommendations onto the tracker.

Each distinct report title (with its date) becomes an :class:`InspectionReport`; statuses move onto the
new workflow: open → not started, in progress and implemented stay, closed → evidence accepted (a
closed recommendation was one the force and the OPCC had agreed was done).
"""

from django.db import migrations

STATUS_MAP = {"open": "not_started", "closed": "evidence_accepted"}


def forwards(apps, schema_editor):
    Recommendation = apps.get_model("commitments", "InspectionRecommendation")
    Report = apps.get_model("commitments", "InspectionReport")
    for recommendation in Recommendation.objects.order_by("pk"):
        report, created = Report.objects.get_or_create(
            title=recommendation.report, defaults={"published_on": recommendation.report_date}
        )
        if not created and report.published_on is None and recommendation.report_date:
            report.published_on = recommendation.report_date
            report.save(update_fields=["published_on"])
        recommendation.inspection_report = report
        recommendation.status = STATUS_MAP.get(recommendation.status, recommendation.status)
        recommendation.save(update_fields=["inspection_report", "status"])


def backwards(apps, schema_editor):
    Recommendation = apps.get_model("commitments", "InspectionRecommendation")
    reverse = {"not_started": "open", "evidence_accepted": "closed"}
    for recommendation in Recommendation.objects.select_related("inspection_report"):
        recommendation.report = recommendation.inspection_report.title
        recommendation.report_date = recommendation.inspection_report.published_on
        recommendation.status = reverse.get(recommendation.status, recommendation.status)
        recommendation.save(update_fields=["report", "report_date", "status"])


class Migration(migrations.Migration):
    dependencies = [("commitments", "0003_inspection_tracker_and_scrutiny_queries")]

    operations = [migrations.RunPython(forwards, backwards)]
