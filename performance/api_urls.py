"""API routes of the ``performance`` app (KPIs), under /api/v1/."""

from django.urls import path

from . import api

urlpatterns: list = [
    path("kpis/", api.KpiView.as_view(), name="kpis"),
    path("kpis/soteria/", api.SoteriaView.as_view(), name="kpis-soteria"),
]
