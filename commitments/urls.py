"""Pages of the ``commitments`` app."""

app_name = "commitments"
urlpatterns: list = []
