from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = "Performance"

    def ready(self) -> None:
        from . import home, seed  # noqa: F401  (register the home-page panels and the demo seed)
