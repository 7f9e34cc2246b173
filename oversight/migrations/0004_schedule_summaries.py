"""Beat schedules for the summaries (editable afterwards in the admin, Periodic tasks).

- monthly performance summary: 06:00 on the 1st, for the previous month;
- quarterly RAG summary: 06:30 on the 5th of April, July, October and January, for the quarter just ended;
- overdue-actions digest: 07:00 every day.
"""

from django.db import migrations

SCHEDULES = [
    # name, task, minute, hour, day_of_month, month_of_year
    ("Monthly performance summary", "oversight.tasks.build_monthly_summary", "0", "6", "1", "*"),
    ("Quarterly RAG summary", "oversight.tasks.build_quarterly_rag_summary", "30", "6", "5", "1,4,7,10"),
    ("Daily overdue-actions digest", "oversight.tasks.send_overdue_digests", "0", "7", "*", "*"),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, day_of_month, month_of_year in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            timezone="Europe/London",
        )
        PeriodicTask.objects.update_or_create(name=name, defaults={"task": task, "crontab": crontab, "enabled": True})


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0003_add_summaries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
