from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Investigations"

    def ready(self) -> None:
        from . import home, signals

        del home  # imported for its side effect: it registers the home-panel builders
        signals.connect()
