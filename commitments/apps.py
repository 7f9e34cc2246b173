from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Commitments"

    def ready(self) -> None:
        from . import home, seed  # noqa: F401  (register the home-page panels and the demo seed)
