"""Action rules: the owner progresses, another audit lead verifies, overdue is computed per DESIGN.md."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from audits import selectors, services
from audits.choices import ActionStatus
from audits.models import Action
from oversight.errors import ApplicationError
from oversight.roles import Role

from .factories import ActionFactory, LearningPointFactory

pytestmark = pytest.mark.django_db
TODAY = date(2025, 11, 20)


def test_the_lead_auditor_raises_an_action_for_anyone(audit: Any, lead: Any, make_user: Any) -> None:
    owner = make_user(Role.OPCC_SCRUTINY)
    point = LearningPointFactory(audit=audit)
    action = services.action_raise(
        audit=audit,
        actor=lead,
        title="Refresh VPS training",
        owner=owner,
        due_date=TODAY,
        learning_point=point,
        today=TODAY,
    )
    assert action.status == ActionStatus.OPEN and action.raised_by == lead and action.learning_point == point


def test_an_action_cannot_be_due_in_the_past_or_raised_by_someone_else(audit: Any, lead: Any, make_user: Any) -> None:
    owner = make_user(Role.CASE_EDITOR)
    with pytest.raises(ApplicationError, match="past"):
        services.action_raise(
            audit=audit, actor=lead, title="x", owner=owner, due_date=TODAY - timedelta(days=1), today=TODAY
        )
    with pytest.raises(PermissionDenied):
        services.action_raise(
            audit=audit, actor=make_user(Role.AUDIT_LEAD), title="x", owner=owner, due_date=TODAY, today=TODAY
        )
    assert not Action.objects.exists()


def test_the_owner_updates_progress_and_marks_it_completed(make_user: Any) -> None:
    owner = make_user(Role.COMMITMENT_LEAD)
    action = ActionFactory(owner=owner)
    services.action_update_progress(action=action, actor=owner, note="Started", status="in_progress")
    services.action_update_progress(action=action, actor=owner, note="Done: guidance reissued", status="completed")
    action.refresh_from_db()
    assert action.status == "completed" and action.completed_at is not None
    assert [n.status_to for n in action.notes.all()] == ["in_progress", "completed"]


def test_someone_else_cannot_update_an_action(make_user: Any) -> None:
    action = ActionFactory(owner=make_user(Role.CASE_EDITOR))
    with pytest.raises(PermissionDenied):
        services.action_update_progress(action=action, actor=make_user(Role.AUDIT_LEAD), note="x", status="completed")
    action.refresh_from_db()
    assert action.status == "open"


def test_the_owner_cannot_verify_their_own_action_even_as_an_audit_lead(make_user: Any) -> None:
    owner = make_user(Role.AUDIT_LEAD)
    action = ActionFactory(owner=owner)
    services.action_update_progress(action=action, actor=owner, note="Done", status="completed")
    with pytest.raises(PermissionDenied, match="owner"):
        services.action_verify(action=action, actor=owner)
    action.refresh_from_db()
    assert action.status == "completed" and action.verified_by is None


def test_the_database_refuses_verification_by_the_owner(make_user: Any) -> None:
    owner = make_user(Role.AUDIT_LEAD)
    action = ActionFactory(owner=owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status="verified", verified_by=owner, verified_at=timezone.now())


def test_another_audit_lead_verifies_a_completed_action(make_user: Any) -> None:
    owner, verifier = make_user(Role.CASE_EDITOR), make_user(Role.AUDIT_LEAD)
    action = ActionFactory(owner=owner)
    with pytest.raises(ApplicationError, match="completed"):
        services.action_verify(action=action, actor=verifier)
    services.action_update_progress(action=action, actor=owner, note="Done", status="completed")
    action = services.action_verify(action=action, actor=verifier, note="Checked five files")
    assert action.status == "verified" and action.verified_by == verifier
    with pytest.raises(ApplicationError, match="verified"):
        services.action_update_progress(action=action, actor=owner, note="more", status="in_progress")


@pytest.mark.parametrize(
    "role", [Role.CASE_EDITOR, Role.BOARD_CHAIR, Role.COMMITMENT_LEAD, Role.OPCC_SCRUTINY, Role.ADMINISTRATOR]
)
def test_only_audit_leads_verify(role: Role, make_user: Any) -> None:
    owner = make_user(Role.CASE_EDITOR)
    action = ActionFactory(owner=owner, status="completed", completed_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.action_verify(action=action, actor=make_user(role))


def test_a_verifier_can_send_a_completed_action_back_with_a_reason(make_user: Any) -> None:
    owner, verifier = make_user(Role.CASE_EDITOR), make_user(Role.AUDIT_LEAD)
    action = ActionFactory(owner=owner, status="completed", completed_at=timezone.now())
    with pytest.raises(ApplicationError, match="why"):
        services.action_return(action=action, actor=verifier, note="")
    assert services.action_return(action=action, actor=verifier, note="No evidence").status == "in_progress"


def test_overdue_means_due_before_today_and_not_completed_or_verified(make_user: Any) -> None:
    verifier = make_user(Role.AUDIT_LEAD)
    yesterday = TODAY - timedelta(days=1)
    open_late = ActionFactory(due_date=yesterday)
    in_progress_late = ActionFactory(due_date=yesterday, status="in_progress")
    ActionFactory(due_date=TODAY)  # due today: not overdue
    ActionFactory(due_date=yesterday, status="completed", completed_at=timezone.now())
    ActionFactory(due_date=yesterday, status="verified", verified_by=verifier, verified_at=timezone.now())
    overdue = set(Action.objects.overdue(TODAY).values_list("pk", flat=True))
    assert overdue == {open_late.pk, in_progress_late.pk}
    assert open_late.is_overdue_on(TODAY) and not open_late.is_overdue_on(yesterday)
    flagged = {a.pk for a in Action.objects.with_overdue(TODAY) if a.is_overdue}
    assert flagged == overdue


def test_action_counts_and_the_overdue_digest(make_user: Any) -> None:
    owner = make_user(Role.CASE_EDITOR, full_name="Ada Owner")
    verifier = make_user(Role.AUDIT_LEAD)
    ActionFactory(owner=owner, due_date=TODAY - timedelta(days=3))
    ActionFactory(owner=owner, due_date=TODAY + timedelta(days=3))
    ActionFactory(status="verified", verified_by=verifier, verified_at=timezone.now())
    counts = selectors.action_counts(start=timezone.localdate(), end=timezone.localdate(), today=TODAY)
    assert counts["opened"] == 3
    assert counts["verified"] == counts["closed"] == 1
    assert counts["overdue"] == 1
    assert counts["open"] == 2
    digest = selectors.overdue_actions_by_owner(today=TODAY)
    assert [(d["owner_name"], d["count"]) for d in digest] == [("Ada Owner", 1)]
    assert digest[0]["actions"][0]["days_overdue"] == 3
