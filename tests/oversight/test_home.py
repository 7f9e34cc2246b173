from typing import Any

import pytest

from oversight.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_sees_its_own_panel_and_no_other(role: Role, client_for: Any) -> None:
    response = client_for(role).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="panel-{role.value}"' in html
    for other in Role:
        if other != role:
            assert f'data-testid="panel-{other.value}"' not in html


def test_a_user_with_two_roles_sees_both_panels(client_for: Any) -> None:
    html = client_for(Role.AUDIT_LEAD, Role.BOARD_CHAIR).get("/").content.decode()
    assert 'data-testid="panel-audit_lead"' in html
    assert 'data-testid="panel-board_chair"' in html


def test_the_header_names_the_user_and_roles(client_for: Any) -> None:
    client = client_for(Role.OPCC_SCRUTINY)
    html = client.get("/").content.decode()
    assert client.user.full_name in html
    assert "OPCC scrutiny officer" in html


def test_pages_send_a_strict_content_security_policy(client_for: Any) -> None:
    response = client_for(Role.AUDIT_LEAD).get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_a_user_with_several_roles_sees_each_link_and_count_once(
    client_for: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.audits.factories import ActionFactory

    user = make_user(Role.AUDIT_LEAD, Role.BOARD_CHAIR, Role.OPCC_SCRUTINY)
    ActionFactory(owner=user)
    client = client_for(user=user)
    html = client.get("/").content.decode()
    assert html.count('href="/performance/"') == 2  # the navigation and one panel link
    assert html.count("You own 1 open audit action") == 1
    with django_assert_max_num_queries(25):
        client.get("/")
