from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Investigations"

    def ready(self) -> None:
        from . import home, seed, signals

        del home, seed  # imported for their side effect: they register home panels and the demo seed
        signals.connect()
