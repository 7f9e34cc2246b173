"""Performance pages, benchmarks and the KPI API in the role matrix."""

from oversight.roles import Role
from tests.performance.factories import BenchmarkFigureFactory
from tests.role_matrix import ALL_ROLES, Entry, roles

ENTRIES: list[Entry] = []

# KPIs (API): every role reads them.
_PERIOD = {"from": "2025-04-01", "to": "2025-06-30"}
ENTRIES += [
    Entry("kpis", "/api/v1/kpis/", ALL_ROLES, data={**_PERIOD, "group_by": "month"}),
    Entry("kpis-soteria", "/api/v1/kpis/soteria/", ALL_ROLES, data=_PERIOD),
    Entry("kpis-outcomes", "/api/v1/kpis/outcomes/", ALL_ROLES, data=_PERIOD),
    Entry("kpis-funnel", "/api/v1/kpis/funnel/", ALL_ROLES, data=_PERIOD),
    # small groups are withheld from OPCC readers, not the endpoint (tests/performance/test_people_api.py)
    Entry("kpis-disproportionality", "/api/v1/kpis/disproportionality/", ALL_ROLES, data=_PERIOD),
    Entry("kpis-bail", "/api/v1/kpis/bail/", ALL_ROLES, data={"on": "2025-06-30"}),
]

# Performance pages and benchmarks: every role reads; data officers and administrators edit benchmarks.
_EDITORS = roles(Role.CASE_EDITOR, Role.ADMINISTRATOR)


def _benchmark_figure(make_user: object) -> str:
    return f"/performance/benchmarks/figures/{BenchmarkFigureFactory().pk}/edit/"


def _benchmark_detail(make_user: object) -> str:
    _benchmark_figure(make_user)
    return "/performance/benchmarks/live-sros/"


ENTRIES += [
    Entry("performance:dashboard", "/performance/", ALL_ROLES),
    Entry("performance:benchmark_list", "/performance/benchmarks/", ALL_ROLES),
    Entry("performance:disproportionality", "/performance/disproportionality/", ALL_ROLES),
    Entry(
        "performance:disproportionality",
        "/performance/disproportionality/?date_from=2025-04-01&date_to=2025-06-30&format=csv&table=victim_sex",
        ALL_ROLES,
    ),
    Entry("performance:benchmark_detail", _benchmark_detail, ALL_ROLES),
    Entry("performance:benchmark_figure_add", "/performance/benchmarks/figures/add/", _EDITORS),
    Entry("performance:benchmark_figure_edit", _benchmark_figure, _EDITORS),
    Entry("performance:benchmark_measure_add", "/performance/benchmarks/measures/add/", _EDITORS),
]
