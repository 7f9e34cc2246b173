"""Benchmark tables get the ``performance`` app's names; their content types follow."""

from django.db import migrations


MODELS = ["benchmarkmeasure", "benchmarkfigure", "historicalbenchmarkmeasure", "historicalbenchmarkfigure"]


def content_types_follow(apps, schema_editor):
    """Permissions and admin history point at content types: move them with the models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="performance", model=model).exists():
            ContentType.objects.filter(app_label="oversight", model=model).update(app_label="performance")


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="performance", model__in=MODELS).update(app_label="oversight")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("performance", "0001_move_from_oversight"),
    ]

    operations = [
        migrations.AlterModelTable(
            name="benchmarkfigure",
            table=None,
        ),
        migrations.AlterModelTable(
            name="benchmarkmeasure",
            table=None,
        ),
        migrations.AlterModelTable(
            name="historicalbenchmarkfigure",
            table=None,
        ),
        migrations.AlterModelTable(
            name="historicalbenchmarkmeasure",
            table=None,
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
