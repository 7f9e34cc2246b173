"""Object-level access rules of the audits app, on top of the capabilities in ``oversight.roles``.

Decisions (DESIGN.md §5 leaves them open):
- Only an audit's lead auditor (an ``audit_lead``) plans, samples, reviews, records
  learning, raises actions and submits it. Another audit lead may read it but may
  not change its content.
- Sign-off is independent (DESIGN.md §5, separation of duties): an audit lead other
  than the one who led the audit, and other than the one who submitted it, signs it
  off or returns it for rework with a reason. The lead auditor never signs off their own.
- Any user who owns an action updates its progress, whatever their role.
- Only an ``audit_lead`` who is not the owner verifies an action.
- Evidence files are case-level (a file cannot be redacted as a page can): they are
  downloaded by roles that see audits *and* crime references, and an action's evidence
  by the action's owner too when they see audits. Never by an OPCC user (no AUDITS_VIEW).
  The lead auditor attaches evidence to reviews and findings until sign-off; to actions,
  the lead auditor or the action's owner (if they see audits) until it is verified.
"""

from __future__ import annotations

from typing import Any

from oversight.roles import Cap, has_capability

from .choices import ActionStatus
from .models import Action, Audit, CaseReview, EvidenceAttachment, LearningPoint

# Where an action's owner may move it from each status (verification is the audit lead's, not the owner's).
OWNER_MOVES: dict[ActionStatus, set[ActionStatus]] = {
    ActionStatus.OPEN: {ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED},
    ActionStatus.IN_PROGRESS: {ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED},
    ActionStatus.COMPLETED: {ActionStatus.COMPLETED, ActionStatus.IN_PROGRESS},
    ActionStatus.VERIFIED: set(),
}


def can_view_audits(user: Any) -> bool:
    return has_capability(user, Cap.AUDITS_VIEW)


def can_manage_audit(user: Any, audit: Audit) -> bool:
    """The lead auditor, while they hold the audit lead role."""
    return has_capability(user, Cap.AUDITS_MANAGE) and audit.lead_auditor_id == user.pk


def is_independent_of(user: Any, audit: Audit) -> bool:
    """Neither the lead auditor nor the person who submitted the audit."""
    return audit.lead_auditor_id != user.pk and audit.submitted_by_id != user.pk


def can_sign_off(user: Any, audit: Audit) -> bool:
    """An audit lead independent of the audit (the same person decides a return for rework)."""
    return has_capability(user, Cap.AUDITS_MANAGE) and is_independent_of(user, audit)


def can_view_action(user: Any, action: Action) -> bool:
    return can_view_audits(user) or action.owner_id == user.pk


def can_update_action(user: Any, action: Action) -> bool:
    """The owner records progress and marks it completed."""
    return action.owner_id == user.pk and user.is_active


def can_verify_action(user: Any, action: Action) -> bool:
    return has_capability(user, Cap.ACTIONS_VERIFY) and action.owner_id != user.pk


def can_edit_action(user: Any, action: Action) -> bool:
    """Title, owner and due date belong to the audit's lead auditor."""
    return can_manage_audit(user, action.audit)


EvidenceTarget = CaseReview | LearningPoint | Action


def can_see_case_evidence(user: Any) -> bool:
    """Evidence of any review, finding or action: roles that see audits and crime references."""
    return can_view_audits(user) and has_capability(user, Cap.CASE_REFERENCES_VIEW)


def can_see_evidence(user: Any, target: EvidenceTarget) -> bool:
    """Whether ``user`` sees (lists and downloads) the evidence attached to ``target``."""
    if can_see_case_evidence(user):
        return True
    return isinstance(target, Action) and target.owner_id == user.pk and can_view_audits(user)


def can_view_evidence(user: Any, attachment: EvidenceAttachment) -> bool:
    target = attachment.action or attachment.review or attachment.learning_point
    return target is not None and can_see_evidence(user, target)


def can_attach_evidence(user: Any, target: EvidenceTarget) -> bool:
    if isinstance(target, Action):
        if target.status == ActionStatus.VERIFIED:
            return False
        return can_manage_audit(user, target.audit) or (can_update_action(user, target) and can_view_audits(user))
    return can_manage_audit(user, target.audit) and not target.audit.is_locked
