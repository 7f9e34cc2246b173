"""The capability table in oversight/roles.py and the groups it keeps in step."""

from typing import Any

import pytest
from django.contrib.auth.models import Group

from oversight.roles import (
    ROLE_CAPABILITIES,
    Cap,
    Role,
    can_see_case_references,
    has_capability,
    sync_role_groups,
    user_roles,
)

pytestmark = pytest.mark.django_db


def test_the_six_groups_exist_after_migrate() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_opcc_scrutiny_sees_no_case_level_data(make_user: Any) -> None:
    opcc = make_user(Role.OPCC_SCRUTINY)
    assert not can_see_case_references(opcc)
    assert not has_capability(opcc, Cap.INVESTIGATIONS_VIEW)
    assert not has_capability(opcc, Cap.AUDITS_VIEW)
    assert has_capability(opcc, Cap.RAG_PUBLISH)
    assert has_capability(opcc, Cap.KPIS_VIEW)


def test_commitment_lead_cannot_read_investigations(make_user: Any) -> None:
    lead = make_user(Role.COMMITMENT_LEAD)
    assert not has_capability(lead, Cap.INVESTIGATIONS_VIEW)
    assert not can_see_case_references(lead)
    assert has_capability(lead, Cap.RAG_PROPOSE_OWN)


def test_only_case_editors_edit_investigations() -> None:
    editors = {role for role, caps in ROLE_CAPABILITIES.items() if Cap.INVESTIGATIONS_EDIT in caps}
    assert editors == {Role.CASE_EDITOR}


def test_only_opcc_publishes_ratings() -> None:
    publishers = {role for role, caps in ROLE_CAPABILITIES.items() if Cap.RAG_PUBLISH in caps}
    assert publishers == {Role.OPCC_SCRUTINY}


def test_several_roles_combine(make_user: Any) -> None:
    user = make_user(Role.OPCC_SCRUTINY, Role.AUDIT_LEAD)
    assert user_roles(user) == {Role.OPCC_SCRUTINY, Role.AUDIT_LEAD}
    assert can_see_case_references(user)
    assert has_capability(user, Cap.RAG_PUBLISH)


def test_inactive_and_anonymous_users_have_no_role(make_user: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    user = make_user(Role.ADMINISTRATOR)
    user.is_active = False
    assert user_roles(user) == frozenset()
    assert user_roles(AnonymousUser()) == frozenset()


def test_sync_gives_administrators_every_permission_and_is_idempotent() -> None:
    sync_role_groups()
    sync_role_groups()
    admin_group = Group.objects.get(name="administrator")
    from django.contrib.auth.models import Permission

    assert admin_group.permissions.count() == Permission.objects.count()
    assert not Group.objects.get(name="opcc_scrutiny").permissions.filter(codename="view_investigation").exists()


def test_admin_site_refuses_non_administrators(client_for: Any) -> None:
    assert client_for(Role.BOARD_CHAIR).get("/admin/").status_code == 403
    assert client_for(Role.ADMINISTRATOR).get("/admin/").status_code == 200
