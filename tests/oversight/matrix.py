from oversight.roles import Role
from tests.role_matrix import ALL_ROLES, Entry, roles

ENTRIES = [
    Entry("home", "/", ALL_ROLES),
    Entry("admin:index", "/admin/", roles(Role.ADMINISTRATOR)),
    Entry("api-schema", "/api/schema/", ALL_ROLES),
    Entry("api-docs", "/api/docs/", ALL_ROLES),
]

# KPIs (API): every role reads them.
_PERIOD = "?from=2025-04-01&to=2025-06-30"
ENTRIES += [
    Entry("kpis", f"/api/v1/kpis/{_PERIOD}&group_by=month", ALL_ROLES),
    Entry("kpis-soteria", f"/api/v1/kpis/soteria/{_PERIOD}", ALL_ROLES),
]
