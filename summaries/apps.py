from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "summaries"
    verbose_name = "Summaries"

    def ready(self) -> None:
        from . import home, seed  # noqa: F401  (register the home-page panels and the demo seed)
