"""The Home Office offence classifications a VAWG register uses (Home Office Counting Rules), with the
register's offence group each falls in. Administrators add others in the admin."""

from django.db import migrations

# (code, description, offence group)
OFFENCES = [
    # rape
    ("19C", "Rape of a female aged 16 or over", "rape"),
    ("19D", "Rape of a female child under 16", "rape"),
    ("19E", "Rape of a female child under 13", "rape"),
    ("19F", "Rape of a male aged 16 or over", "rape"),
    ("19G", "Rape of a male child under 16", "rape"),
    ("19H", "Rape of a male child under 13", "rape"),
    # other sexual offences
    ("17A", "Sexual assault on a male aged 13 or over", "other_sexual"),
    ("17B", "Sexual assault on a male child under 13", "other_sexual"),
    ("20A", "Sexual assault on a female aged 13 or over", "other_sexual"),
    ("20B", "Sexual assault on a female child under 13", "other_sexual"),
    ("21", "Sexual activity involving a child under 13", "other_sexual"),
    ("22A", "Causing sexual activity without consent", "other_sexual"),
    ("22B", "Sexual activity involving a child under 16", "other_sexual"),
    ("23", "Incest or familial sexual offences", "other_sexual"),
    ("70", "Sexual activity etc. with a person with a mental disorder", "other_sexual"),
    ("73", "Abuse of position of trust of a sexual nature", "other_sexual"),
    ("88A", "Sexual grooming", "other_sexual"),
    ("88E", "Exposure and voyeurism", "other_sexual"),
    # exploitation, indecent images
    ("71", "Abuse of children through sexual exploitation", "exploitation"),
    ("106", "Modern slavery", "exploitation"),
    ("86", "Obscene publications and indecent photographs of children", "online_csa"),
    # stalking, harassment, controlling or coercive behaviour
    ("8Q", "Stalking", "stalking"),
    ("8L", "Harassment", "harassment"),
    ("8M", "Racially or religiously aggravated harassment", "harassment"),
    ("8U", "Controlling or coercive behaviour in an intimate or family relationship", "coercive_control"),
    # violence against the person
    ("5D", "Assault with intent to cause serious harm", "violence"),
    ("5E", "Endangering life", "violence"),
    ("8N", "Assault with injury", "violence"),
    ("105A", "Assault without injury", "violence"),
]


def seed(apps, schema_editor):
    model = apps.get_model("cases", "HomeOfficeOffence")
    for code, description, group in OFFENCES:
        model.objects.update_or_create(code=code, defaults={"description": description, "offence_group": group})


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_register_v2_people_bail_court")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
