"""API routes of the ``performance`` app (KPIs), under /api/v1/."""

from django.urls import path

from . import api

urlpatterns: list = [
    path("kpis/", api.KpiView.as_view(), name="kpis"),
    path("kpis/soteria/", api.SoteriaView.as_view(), name="kpis-soteria"),
    path("kpis/outcomes/", api.OutcomesView.as_view(), name="kpis-outcomes"),
    path("kpis/funnel/", api.FunnelView.as_view(), name="kpis-funnel"),
    path("kpis/disproportionality/", api.DisproportionalityView.as_view(), name="kpis-disproportionality"),
    path("kpis/bail/", api.BailView.as_view(), name="kpis-bail"),
]
