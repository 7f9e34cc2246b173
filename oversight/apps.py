from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class OversightConfig(AppConfig):
    default = True
    name = "oversight"
    verbose_name = "Oversight"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the system checks)
        from .mfa import note_login
        from .roles import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="oversight.sync_role_groups")
        user_logged_in.connect(note_login, dispatch_uid="oversight.mfa_note_login")


class OversightAdminConfig(admin_apps.AdminConfig):
    """Django admin whose site admits the administrator role only."""

    default = False
    default_site = "oversight.admin_site.OversightAdminSite"
