"""Reference data of DESIGN.md §4: LPAs, teams and flags (codes are the CSV's)."""

from django.db import migrations

LPAS = [
    ("birmingham", "Birmingham"),
    ("coventry", "Coventry"),
    ("dudley", "Dudley"),
    ("sandwell", "Sandwell"),
    ("solihull", "Solihull"),
    ("walsall", "Walsall"),
    ("wolverhampton", "Wolverhampton"),
]
TEAMS = [
    ("rasso", "RASSO"),
    ("ocset", "OCSET"),
    ("domestic_abuse", "Domestic Abuse"),
    ("child_abuse", "Child Abuse"),
    ("som", "Sex Offender Management"),
    ("lpa_investigations", "LPA Investigations"),
]
FLAGS = [
    ("hba", "Honour-based abuse"),
    ("forced_marriage", "Forced marriage"),
    ("fgm", "Female genital mutilation"),
    ("coercive_control", "Coercive control"),
    ("stalking", "Stalking"),
    ("online", "Online"),
    ("ai_generated", "AI-generated imagery"),
    ("spiking", "Spiking"),
    ("night_time_economy", "Night-time economy"),
    ("group_based", "Group-based"),
]


def seed(apps, schema_editor):
    for model_name, rows in (("LocalPolicingArea", LPAS), ("Team", TEAMS), ("Flag", FLAGS)):
        model = apps.get_model("cases", model_name)
        for code, name in rows:
            model.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
