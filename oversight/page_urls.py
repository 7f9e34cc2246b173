"""Pages of the ``oversight`` app besides home (KPI dashboards, summaries)."""

from django.urls import path

from . import performance
from .summary_urls import urlpatterns as summary_urlpatterns

app_name = "oversight"

urlpatterns: list = [
    # Performance dashboard and benchmarks (every role; aggregates only)
    path("performance/", performance.performance, name="performance"),
    path("performance/benchmarks/", performance.benchmark_list, name="benchmark_list"),
    path("performance/benchmarks/measures/add/", performance.benchmark_measure_add, name="benchmark_measure_add"),
    path("performance/benchmarks/figures/add/", performance.benchmark_figure_edit, name="benchmark_figure_add"),
    path(
        "performance/benchmarks/figures/<int:pk>/edit/", performance.benchmark_figure_edit, name="benchmark_figure_edit"
    ),
    path("performance/benchmarks/<slug:code>/", performance.benchmark_detail, name="benchmark_detail"),
]

# Summary pages (their own module)
urlpatterns += summary_urlpatterns
