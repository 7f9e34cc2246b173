from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits"

    def ready(self) -> None:
        from . import home, seed  # noqa: F401  (register the home-page panels and the demo seed)
