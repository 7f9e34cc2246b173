"""Summary tables get the ``summaries`` app's names; content types and beat schedules follow the move."""

from django.db import migrations


MODELS = ["summary", "summarybuild", "digestdelivery", "historicalsummary"]


def content_types_follow(apps, schema_editor):
    """Permissions and admin history point at content types: move them with the models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="summaries", model=model).exists():
            ContentType.objects.filter(app_label="oversight", model=model).update(app_label="summaries")


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="summaries", model__in=MODELS).update(app_label="oversight")


TASKS = {
    "oversight.tasks.build_monthly_summary": "summaries.tasks.build_monthly_summary",
    "oversight.tasks.build_quarterly_rag_summary": "summaries.tasks.build_quarterly_rag_summary",
    "oversight.tasks.send_overdue_digests": "summaries.tasks.send_overdue_digests",
}


def schedules_follow(apps, schema_editor):
    """Beat's stored schedules name the tasks: point them at the tasks' new names."""
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in TASKS.items():
        PeriodicTask.objects.filter(task=old).update(task=new)


def schedules_return(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in TASKS.items():
        PeriodicTask.objects.filter(task=new).update(task=old)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("summaries", "0001_move_from_oversight"),
    ]

    operations = [
        migrations.AlterModelTable(
            name="digestdelivery",
            table=None,
        ),
        migrations.AlterModelTable(
            name="historicalsummary",
            table=None,
        ),
        migrations.AlterModelTable(
            name="summary",
            table=None,
        ),
        migrations.AlterModelTable(
            name="summarybuild",
            table=None,
        ),
        migrations.RunPython(content_types_follow, content_types_return),
        migrations.RunPython(schedules_follow, schedules_return),
    ]
