"""Pages of the ``cases`` app."""

app_name = "cases"
urlpatterns: list = []
