"""Create the six role groups of DESIGN.md section 5.

Their permissions are (re)assigned from ``oversight.roles`` after every migrate,
so models added by later migrations are covered too.
"""

from django.db import migrations

ROLE_NAMES = ["audit_lead", "case_editor", "commitment_lead", "board_chair", "opcc_scrutiny", "administrator"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
