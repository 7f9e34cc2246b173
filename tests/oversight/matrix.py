"""Ground-floor URLs in the role matrix: home, admin and the API schema."""

from oversight.roles import Role
from tests.role_matrix import ALL_ROLES, Entry, roles

ENTRIES = [
    Entry("home", "/", ALL_ROLES),
    Entry("admin:index", "/admin/", roles(Role.ADMINISTRATOR)),
    Entry("api-schema", "/api/schema/", ALL_ROLES),
    Entry("api-docs", "/api/docs/", ALL_ROLES),
]
