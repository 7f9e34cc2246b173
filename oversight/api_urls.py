"""API routes of the ``oversight`` app (KPIs, summaries)."""

urlpatterns: list = []
