from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Investigations"

    def ready(self) -> None:
        from . import home  # noqa: F401 - registers the home-panel builders
