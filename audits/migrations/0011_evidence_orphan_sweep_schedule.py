"""Beat schedule: sweep stored evidence files that no attachment names, hourly (audits.evidence.sweep_orphans)."""

from django.db import migrations

SCHEDULE = ("Delete evidence files no attachment names", "audits.tasks.sweep_orphan_evidence")


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="50", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.update_or_create(
        name=SCHEDULE[0], defaults={"task": SCHEDULE[1], "crontab": crontab, "enabled": True}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0010_sampling_frame_defaults_and_subject_end"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
