"""A build the task queue did not take is kept as "waiting to be sent"; a beat schedule every five
minutes sends again the builds no worker will finish (``summaries.tasks.requeue_stale_builds``).
The schedule is editable afterwards in the admin (Periodic tasks)."""

from django.db import migrations, models

SWEEP = ("Send again stale summary builds", "summaries.tasks.requeue_stale_builds", 5)


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    name, task, minutes = SWEEP
    every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
    PeriodicTask.objects.update_or_create(name=name, defaults={"task": task, "interval": every, "enabled": True})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("summaries", "0003_digest_query_count"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AlterField(
            model_name="summarybuild",
            name="status",
            field=models.CharField(
                choices=[
                    ("unsent", "Waiting to be sent"),
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("succeeded", "Succeeded"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=16,
            ),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
