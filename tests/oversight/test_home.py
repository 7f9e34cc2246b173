import re
from html import unescape
from typing import Any

import pytest

from audits.choices import ActionStatus, AuditStatus
from oversight.roles import Role
from tests.audits.factories import ActionFactory, AuditFactory
from tests.commitments.factories import BoardFactory, CommitmentFactory, RagAssessmentFactory

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


def _links(html: str, testid: str) -> list[str]:
    """The hrefs inside the home-page element marked ``data-testid=testid``."""
    start = html.index(f'data-testid="{testid}"')
    end = min(i for i in (html.find("</p>", start), html.find("</ul>", start)) if i != -1)
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html[start:end])]


def _count(html: str, testid: str, words: str) -> int:
    """The number before ``words`` (a regex) in the text of the element marked ``data-testid=testid``."""
    start = html.index(f'data-testid="{testid}"')
    found = re.search(r"(\d+) " + words, re.sub(r"<[^>]+>", "", html[start:]))
    assert found, words
    return int(found.group(1))


def test_the_audit_leads_counts_link_to_the_lists_they_count(client_for: Any, make_user: Any) -> None:
    lead = make_user(Role.AUDIT_LEAD)
    other = make_user(Role.AUDIT_LEAD)
    AuditFactory.create_batch(2, lead_auditor=lead, status=AuditStatus.IN_PROGRESS)
    AuditFactory(lead_auditor=other, status=AuditStatus.IN_PROGRESS)  # not theirs: neither counted nor listed
    ActionFactory.create_batch(2, status=ActionStatus.COMPLETED)
    ActionFactory(owner=lead, status=ActionStatus.COMPLETED)  # their own: someone else verifies it
    client = client_for(user=lead)
    html = client.get("/").content.decode()
    in_progress, to_verify = _links(html, "audits-home-lead")
    assert _count(html, "audits-home-lead", "audits? of yours in progress") == 2
    assert client.get(in_progress).context["page_obj"].paginator.count == 2
    assert "2 actions waiting for you to verify" in html
    assert client.get(to_verify).context["page_obj"].paginator.count == 2


def test_the_chairs_and_the_opccs_counts_link_to_the_lists_they_count(client_for: Any, make_user: Any) -> None:
    chair = make_user(Role.BOARD_CHAIR)
    opcc = make_user(Role.OPCC_SCRUTINY)
    board = BoardFactory(chair=chair)
    RagAssessmentFactory(commitment=CommitmentFactory(board=board, order=1))
    RagAssessmentFactory(commitment=CommitmentFactory(board=board, order=2))
    RagAssessmentFactory(commitment=CommitmentFactory(board=BoardFactory(), order=3))  # another board's
    RagAssessmentFactory(commitment=CommitmentFactory(board=board, order=4), endorsed=True)

    client = client_for(user=chair)
    html = client.get("/").content.decode()
    assert _count(html, "home-pending-reviews", "proposed ratings? waiting") == 2
    (url,) = _links(html, "home-pending-reviews")
    assert len(client.get(url).context["pending"]) == 2

    client = client_for(user=opcc)
    html = client.get("/").content.decode()
    assert _count(html, "home-scrutiny-queue", "ratings? waiting for publication") == 1
    (url,) = _links(html, "home-scrutiny-queue")
    assert len(client.get(url).context["queue"]) == 1


def test_the_leads_count_links_to_their_commitments(client_for: Any, make_user: Any) -> None:
    lead = make_user(Role.COMMITMENT_LEAD)
    CommitmentFactory(lead=lead, order=1)
    CommitmentFactory(lead=lead, order=2)
    client = client_for(user=lead)
    html = client.get("/").content.decode()
    due = _count(html, "home-commitments-due", "updates? due")
    led_url, due_url = _links(html, "home-commitments-due")
    assert "You lead" in html and "2 commitments" in html
    assert client.get(due_url).context["due"] == due
    assert len(client.get(led_url).context["rows"]) == 2
