"""Recovery codes stored before they were hashed are replaced by their keyed hash
(``oversight.mfa.recovery_digest``): the same codes keep working, the table no longer holds them."""

from typing import Any

from django.db import migrations

PLAIN_LENGTH = 16  # a stored hash fills django-otp's 16-character column; codes as issued are shorter


def hash_plain_codes(apps: Any, schema_editor: Any) -> None:
    from oversight.mfa import recovery_digest

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all().iterator():
        if len(token.token) < PLAIN_LENGTH:
            token.token = recovery_digest(token.token)
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0009_access_log_audit_subjects"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
