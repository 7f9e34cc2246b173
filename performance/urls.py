"""Pages of the ``performance`` app: the KPI dashboard and benchmarks (every role; aggregates only)."""

from django.urls import path

from . import views

app_name = "performance"

urlpatterns = [
    path("", views.performance, name="dashboard"),
    path("disproportionality/", views.disproportionality_page, name="disproportionality"),
    path("benchmarks/", views.benchmark_list, name="benchmark_list"),
    path("benchmarks/measures/add/", views.benchmark_measure_add, name="benchmark_measure_add"),
    path("benchmarks/figures/add/", views.benchmark_figure_edit, name="benchmark_figure_add"),
    path("benchmarks/figures/<int:pk>/edit/", views.benchmark_figure_edit, name="benchmark_figure_edit"),
    path("benchmarks/<slug:code>/", views.benchmark_detail, name="benchmark_detail"),
]
