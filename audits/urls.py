"""Pages of the ``audits`` app."""

app_name = "audits"
urlpatterns: list = []
