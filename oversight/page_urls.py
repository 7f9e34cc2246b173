"""Pages of the ``oversight`` app besides home (KPI dashboards, summaries)."""

app_name = "oversight"
urlpatterns: list = []
