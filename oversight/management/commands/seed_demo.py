"""``manage.py seed_demo``: idempotent demo data — one user per role, then each app's seed."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from oversight.models import User
from oversight.roles import Role, sync_role_groups
from oversight.seeding import run_seeds

DEMO_USERS: dict[Role, tuple[str, str, str]] = {
    Role.AUDIT_LEAD: ("audit.lead@example.org", "Alex Morgan", "Detective Inspector, PPU audit lead"),
    Role.CASE_EDITOR: ("data.officer@example.org", "Sam Patel", "Force performance officer"),
    Role.COMMITMENT_LEAD: ("commitment.lead@example.org", "Jordan Reid", "Superintendent"),
    Role.BOARD_CHAIR: ("board.chair@example.org", "Chris Hale", "Assistant Chief Constable"),
    Role.OPCC_SCRUTINY: ("opcc.scrutiny@example.org", "Priya Shah", "OPCC scrutiny officer"),
    Role.ADMINISTRATOR: ("admin@example.org", "Taylor Quinn", "System owner"),
}
# Demo users beyond one per role, keyed as the seed steps receive them. A second audit lead signs off
# the first one's audits (an audit is signed off by a lead other than the one who led it).
EXTRA_DEMO_USERS: dict[str, tuple[Role, str, str, str]] = {
    "audit_lead_2": (Role.AUDIT_LEAD, "audit.lead2@example.org", "Jamie Clarke", "Detective Inspector, PPU audit lead"),
}


class Command(BaseCommand):
    help = "Create demo users (one per role) and demo data. Safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--users-only", action="store_true", help="Create the demo users and stop.")

    def handle(self, *args: Any, users_only: bool = False, **options: Any) -> None:
        sync_role_groups()
        password = os.environ.get("DEMO_PASSWORD", "")
        generated = ""
        users: dict[str, User] = {}
        with transaction.atomic():
            accounts: list[tuple[str, Role, str, str, str]] = [
                (role.value, role, email, name, title) for role, (email, name, title) in DEMO_USERS.items()
            ]
            accounts += [
                (key, role, email, name, title) for key, (role, email, name, title) in EXTRA_DEMO_USERS.items()
            ]
            for key, role, email, name, title in accounts:
                user = User.objects.filter(email=email).first()
                if user is None:
                    if not password and not generated:
                        generated = secrets.token_urlsafe(12)
                    user = User.objects.create_user(email, password or generated, full_name=name, job_title=title)
                elif password and not user.check_password(password):
                    user.set_password(password)
                    user.save(update_fields=["password"])
                user.groups.add(Group.objects.get(name=role.value))
                users[key] = user

        if not users_only:
            run_seeds(stdout=self.stdout, users=users)

        self.stdout.write(self.style.SUCCESS("Demo logins (one per role):"))
        for role, (email, _name, _title) in DEMO_USERS.items():
            self.stdout.write(f"  {role.value:<16} {email}")
        for role, email, _name, _title in EXTRA_DEMO_USERS.values():
            self.stdout.write(f"  {role.value:<16} {email} (second audit lead: signs off the first one's audits)")
        if password:
            self.stdout.write("  password: the value of DEMO_PASSWORD")
        elif generated:
            self.stdout.write(f"  password (shown once): {generated}")
        else:
            self.stdout.write("  password: unchanged (set DEMO_PASSWORD to reset it)")
