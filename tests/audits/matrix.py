"""Every audits page and endpoint in the shared role matrix.

Objects an audit lead must *own* (the lead auditor) are created for the user making
the request when that user is an audit lead: the matrix creates the requesting user
first, so it is the first user in the database. Other audit leads' refusals are
tested in ``test_pages.py``.
"""

from __future__ import annotations

from typing import Any

from oversight.roles import Role
from tests.role_matrix import ALL_ROLES, JSON, Entry, roles

VIEW = roles(Role.AUDIT_LEAD, Role.CASE_EDITOR, Role.COMMITMENT_LEAD, Role.BOARD_CHAIR, Role.ADMINISTRATOR)
LEAD = roles(Role.AUDIT_LEAD)


def _requester(make_user: Any) -> Any:
    from oversight.models import User

    return User.objects.order_by("pk").first() or make_user(Role.CASE_EDITOR)


def _lead_auditor(make_user: Any) -> Any:
    user = _requester(make_user)
    return user if user.groups.filter(name=Role.AUDIT_LEAD.value).exists() else make_user(Role.AUDIT_LEAD)


def _audit(make_user: Any, **kwargs: Any) -> Any:
    from tests.audits.factories import AuditFactory

    return AuditFactory(lead_auditor=_lead_auditor(make_user), **kwargs)


def _review(make_user: Any) -> Any:
    from tests.audits.factories import CaseReviewFactory

    return CaseReviewFactory(audit=_audit(make_user))


def _action(make_user: Any, owner: Any = None) -> Any:
    from tests.audits.factories import ActionFactory

    return ActionFactory(audit=_audit(make_user), owner=owner or make_user(Role.BOARD_CHAIR))


def _question_set(published: bool) -> Any:
    from django.utils import timezone

    from tests.audits.factories import QuestionSetFactory

    return QuestionSetFactory(published_at=timezone.now() if published else None)


def _plan_item(make_user: Any) -> Any:
    from datetime import date

    from audits.models import AuditPlan, PlannedAudit

    plan, _ = AuditPlan.objects.get_or_create(financial_year="2025-26", defaults={"created_by": make_user()})
    return PlannedAudit.objects.create(plan=plan, kind="monthly", area="rasso", month=date(2025, 6, 1))


def _subject() -> Any:
    from tests.audits.factories import AuditSubjectFactory

    return AuditSubjectFactory()


def _draft_question(make_user: Any = None) -> Any:
    return _question_set(False).questions.first()


def _submitted(make_user: Any) -> Any:
    return _audit(make_user, status="submitted")


def _submitted_by_another_lead(make_user: Any) -> Any:
    """A submitted audit led by someone else, so that an audit lead requesting it is independent."""
    from tests.audits.factories import AuditFactory

    other = make_user(Role.AUDIT_LEAD)
    return AuditFactory(lead_auditor=other, submitted_by=other, status="submitted")


ENTRIES = [
    # Pages
    Entry("audits:audit_list", "/audits/", ALL_ROLES, ok_status=(200, 302)),  # overview-only roles are redirected
    Entry("audits:audit_create", "/audits/new/", LEAD),
    Entry("audits:overview", "/audits/overview/", ALL_ROLES),
    # Question trends: aggregates for everyone; the drill-down to reviews for roles that see audits.
    Entry("audits:trends", "/audits/trends/", ALL_ROLES),
    Entry(
        "audits:trend_question",
        lambda mu: f"/audits/trends/questions/{_question_set(True).questions.first().key}/",
        VIEW,
    ),
    # The annual plan: everyone reads it (aggregates, no case data); audit leads change it.
    Entry("audits:plan_current", "/audits/plan/", ALL_ROLES, ok_status=(302,)),
    Entry("audits:plan", "/audits/plan/2025-26/", ALL_ROLES),
    Entry("audits:plan_item_create", "/audits/plan/2025-26/items/new/", LEAD),
    Entry(
        "audits:plan_item_create",
        "/audits/plan/2025-26/items/new/",
        LEAD,
        method="post",
        data={"kind": "monthly", "area": "rasso", "month": "2025-05", "sample_size": 6},
        ok_status=(302,),
    ),
    Entry("audits:plan_fill", "/audits/plan/2025-26/fill/", LEAD),
    Entry(
        "audits:plan_item_remove",
        lambda mu: f"/audits/plan/items/{_plan_item(mu).pk}/remove/",
        LEAD,
        "post",
        ok_status=(302,),
    ),
    # Sampling frames and the pseudonymous subjects (managed offenders, missing episodes): audit leads only.
    Entry("audits:frame_list", "/audits/sampling-frames/", LEAD),
    Entry("audits:frame_edit", "/audits/sampling-frames/missing_people/", LEAD),
    Entry(
        "audits:frame_edit",
        "/audits/sampling-frames/rasso/",
        LEAD,
        method="post",
        data={"subject_kind": "investigations", "strands": ["rasso"], "window_months": 12, "sample_size": 10},
        ok_status=(302,),
    ),
    Entry("audits:subject_list", "/audits/subjects/managed-offenders/", LEAD),
    Entry("audits:subject_list", "/audits/subjects/missing-episodes/", LEAD),
    Entry("audits:subject_create", "/audits/subjects/missing-episodes/new/", LEAD),
    Entry(
        "audits:subject_create",
        "/audits/subjects/managed-offenders/new/",
        LEAD,
        method="post",
        data={"reference": "VSR-1", "visor_category": "rso", "risk_level": "low", "start_date": "2025-01-06"},
        ok_status=(302,),
    ),
    Entry("audits:subject_edit", lambda mu: f"/audits/subjects/{_subject().pk}/edit/", LEAD),
    Entry("audits:subject_import", "/audits/subjects/managed-offenders/import/", LEAD),
    Entry("audits:action_list", "/audits/actions/", VIEW),
    Entry("audits:my_actions", "/audits/actions/mine/", ALL_ROLES),
    Entry("audits:action_detail", lambda mu: f"/audits/actions/{_action(mu).pk}/", VIEW),
    Entry("audits:action_edit", lambda mu: f"/audits/actions/{_action(mu).pk}/edit/", LEAD),
    Entry("audits:question_set_list", "/audits/question-sets/", VIEW),
    Entry("audits:question_set_detail", lambda mu: f"/audits/question-sets/{_question_set(True).pk}/", VIEW),
    Entry(
        "audits:question_set_new_version",
        lambda mu: f"/audits/question-sets/{_question_set(True).pk}/new-version/",
        LEAD,
        method="post",
        ok_status=(302,),
    ),
    Entry(
        "audits:question_set_publish",
        lambda mu: f"/audits/question-sets/{_question_set(False).pk}/publish/",
        LEAD,
        method="post",
        ok_status=(302,),
    ),
    # The question-set builder (drafts change; published versions are read and copied).
    Entry("audits:question_set_create", "/audits/question-sets/new/", LEAD),
    Entry(
        "audits:question_set_create",
        "/audits/question-sets/new/",
        LEAD,
        method="post",
        data={"title": "Stalking thematic"},
        ok_status=(302,),
    ),
    Entry("audits:question_set_edit", lambda mu: f"/audits/question-sets/{_question_set(False).pk}/edit/", LEAD),
    Entry("audits:question_set_preview", lambda mu: f"/audits/question-sets/{_question_set(True).pk}/preview/", VIEW),
    Entry("audits:question_set_copy", lambda mu: f"/audits/question-sets/{_question_set(True).pk}/copy/", LEAD),
    Entry("audits:question_add", lambda mu: f"/audits/question-sets/{_question_set(False).pk}/questions/new/", LEAD),
    Entry(
        "audits:question_add",
        lambda mu: f"/audits/question-sets/{_question_set(False).pk}/questions/new/",
        LEAD,
        method="post",
        data={"text": "VPS offered", "answer_scale": "graded", "allow_not_applicable": "yes", "weight": 1},
        ok_status=(302,),
    ),
    Entry("audits:question_edit", lambda mu: f"/audits/question-sets/questions/{_draft_question().pk}/edit/", LEAD),
    Entry(
        "audits:question_move",
        lambda mu: f"/audits/question-sets/questions/{_draft_question().pk}/move/",
        LEAD,
        method="post",
        data={"direction": "down"},
        ok_status=(302,),
    ),
    Entry(
        "audits:question_retire",
        lambda mu: f"/audits/question-sets/questions/{_draft_question().pk}/retire/",
        LEAD,
        method="post",
        ok_status=(302,),
    ),
    Entry("audits:review_detail", lambda mu: f"/audits/reviews/{_review(mu).pk}/", VIEW),
    Entry(
        "audits:review_remove",
        lambda mu: f"/audits/reviews/{_review(mu).pk}/remove/",
        LEAD,
        method="post",
        ok_status=(302,),
    ),
    Entry("audits:audit_detail", lambda mu: f"/audits/{_audit(mu).pk}/", VIEW),
    Entry("audits:audit_report", lambda mu: f"/audits/{_audit(mu).pk}/report/", VIEW),
    Entry("audits:audit_edit", lambda mu: f"/audits/{_audit(mu).pk}/edit/", LEAD),
    Entry("audits:audit_sample", lambda mu: f"/audits/{_audit(mu).pk}/sample/", LEAD),
    Entry("audits:audit_assurance", lambda mu: f"/audits/{_audit(mu).pk}/assurance/", LEAD),
    Entry("audits:learning_create", lambda mu: f"/audits/{_audit(mu).pk}/learning/new/", LEAD),
    Entry("audits:action_create", lambda mu: f"/audits/{_audit(mu).pk}/actions/new/", LEAD),
    Entry("audits:audit_submit", lambda mu: f"/audits/{_audit(mu).pk}/submit/", LEAD, method="post", ok_status=(302,)),
    Entry(
        "audits:audit_reopen", lambda mu: f"/audits/{_submitted(mu).pk}/reopen/", LEAD, method="post", ok_status=(302,)
    ),
    Entry("audits:audit_sign_off", lambda mu: f"/audits/{_submitted_by_another_lead(mu).pk}/sign-off/", LEAD),
    Entry(
        "audits:audit_sign_off",
        lambda mu: f"/audits/{_submitted_by_another_lead(mu).pk}/sign-off/",
        LEAD,
        method="post",
        ok_status=(302,),
    ),
    Entry("audits:audit_return", lambda mu: f"/audits/{_submitted_by_another_lead(mu).pk}/return/", LEAD),
    Entry("audits:audit_reaudit", lambda mu: f"/audits/{_submitted(mu).pk}/reaudit/", LEAD),
    Entry(
        "audits:audit_reaudit",
        lambda mu: f"/audits/{_submitted(mu).pk}/reaudit/",
        LEAD,
        method="post",
        data={"month": "2025-09", "scope": "area"},
        ok_status=(302,),
    ),
    Entry(
        "audits:audit_return",
        lambda mu: f"/audits/{_submitted_by_another_lead(mu).pk}/return/",
        LEAD,
        method="post",
        data={"reason": "Case 2 needs a comment."},
        ok_status=(302,),
    ),
]


def _own_action(make_user: Any) -> Any:
    return _action(make_user, owner=_requester(make_user))


API_ENTRIES = [
    Entry("audit-list", "/api/v1/audits/", VIEW),
    Entry("audit-detail", lambda mu: f"/api/v1/audits/{_audit(mu).pk}/", VIEW),
    # Unsafe requests: the role check passes, then the test client's form-encoded body is refused (415).
    Entry("audit-sample", lambda mu: f"/api/v1/audits/{_audit(mu).pk}/sample/", LEAD, method="post", ok_status=(415,)),
    Entry(
        "audit-add-cases",
        lambda mu: f"/api/v1/audits/{_audit(mu).pk}/add-cases/",
        LEAD,
        method="post",
        ok_status=(415,),
    ),
    Entry(
        "audit-assurance",
        lambda mu: f"/api/v1/audits/{_audit(mu).pk}/assurance/",
        LEAD,
        method="post",
        ok_status=(415,),
    ),
    # A planned audit cannot be submitted (400 with a message) and an unanswered one cannot be signed off.
    Entry("audit-submit", lambda mu: f"/api/v1/audits/{_audit(mu).pk}/submit/", LEAD, method="post", ok_status=(400,)),
    Entry(
        "audit-sign-off",
        lambda mu: f"/api/v1/audits/{_submitted_by_another_lead(mu).pk}/sign-off/",
        LEAD,
        method="post",
        ok_status=(400,),
    ),
    Entry(
        "audit-return-for-rework",
        lambda mu: f"/api/v1/audits/{_submitted_by_another_lead(mu).pk}/return/",
        LEAD,
        method="post",
        ok_status=(415,),
    ),
    Entry("audit-overview", "/api/v1/audit-overview/?from=2025-04&to=2026-03", ALL_ROLES),
    Entry("casereview-list", "/api/v1/case-reviews/", VIEW),
    Entry("casereview-detail", lambda mu: f"/api/v1/case-reviews/{_review(mu).pk}/", VIEW),
    Entry(
        "casereview-answers",
        lambda mu: f"/api/v1/case-reviews/{_review(mu).pk}/answers/",
        LEAD,
        method="post",
        ok_status=(415,),
    ),
    Entry("learningpoint-list", "/api/v1/learning-points/", VIEW),
    Entry("learningpoint-detail", lambda mu: f"/api/v1/learning-points/{_learning(mu).pk}/", VIEW),
    Entry("action-list", "/api/v1/actions/", ALL_ROLES),  # others' actions only for roles that see audits
    Entry("action-detail", lambda mu: f"/api/v1/actions/{_own_action(mu).pk}/", ALL_ROLES),
    Entry(
        "action-progress",
        lambda mu: f"/api/v1/actions/{_own_action(mu).pk}/progress/",
        ALL_ROLES,
        method="post",
        ok_status=(415,),
    ),
    Entry(
        "action-verify", lambda mu: f"/api/v1/actions/{_action(mu).pk}/verify/", LEAD, method="post", ok_status=(415,)
    ),
]


def _learning(make_user: Any) -> Any:
    from tests.audits.factories import LearningPointFactory

    return LearningPointFactory(audit=_audit(make_user))


ENTRIES += API_ENTRIES


# API writes with valid JSON bodies (the rows above send form data and stop at 415). Audit leads write
# their own audits; an action's owner records its progress; nothing is deleted (405 after the role check).


def _published_set(make_user: Any) -> dict[str, Any]:
    return {"kind": "thematic", "theme": "Spiking", "month": "2026-01", "question_set": _question_set(True).pk}


def _learning_new(make_user: Any) -> dict[str, Any]:
    return {"audit": _audit(make_user).pk, "kind": "good_practice", "theme": "victim_care", "text": "Early contact."}


def _action_new(make_user: Any) -> dict[str, Any]:
    owner = make_user(Role.BOARD_CHAIR)
    return {"audit": _audit(make_user).pk, "title": "Refresh guidance", "owner": owner.pk, "due_date": "2099-01-31"}


def _add_cases(make_user: Any) -> tuple[str, dict[str, Any]]:
    from tests.audits.factories import InvestigationFactory

    return f"/api/v1/audits/{_audit(make_user).pk}/add-cases/", {
        "crime_references": [InvestigationFactory().crime_reference]
    }


def _sample(make_user: Any) -> tuple[str, dict[str, Any]]:
    from tests.audits.factories import InvestigationFactory

    InvestigationFactory()  # a RASSO case in the window
    return f"/api/v1/audits/{_audit(make_user).pk}/sample/", {
        "size": 1,
        "window_start": "2025-01-01",
        "window_end": "2025-12-31",
        "seed": 7,
    }


def _answers(make_user: Any) -> tuple[str, dict[str, Any]]:
    review = _review(make_user)
    question = review.audit.question_set.questions.first()
    return f"/api/v1/case-reviews/{review.pk}/answers/", {"answers": [{"question": question.pk, "value": "compliant"}]}


def _completed_action(make_user: Any) -> str:
    from tests.audits.factories import ActionFactory

    action = ActionFactory(audit=_audit(make_user), owner=make_user(Role.BOARD_CHAIR), status="completed")
    return f"/api/v1/actions/{action.pk}/verify/"


API_WRITES = [
    Entry("audit-list", "/api/v1/audits/", LEAD, "post", _published_set, (201,), JSON),
    Entry("audit-sample", _sample, LEAD, "post", ok_status=(200,), content_type=JSON),
    Entry("audit-add-cases", _add_cases, LEAD, "post", ok_status=(200,), content_type=JSON),
    Entry(
        "audit-assurance",
        lambda mu: f"/api/v1/audits/{_audit(mu).pk}/assurance/",
        LEAD,
        "post",
        {"assurance_override": "substantial", "assurance_override_reason": "Sample too small."},
        (200,),
        JSON,
    ),
    Entry("casereview-answers", _answers, LEAD, "post", ok_status=(200,), content_type=JSON),
    Entry(
        "audit-return-for-rework",
        lambda mu: f"/api/v1/audits/{_submitted_by_another_lead(mu).pk}/return/",
        LEAD,
        "post",
        {"reason": "Case 2 needs a comment."},
        (200,),
        JSON,
    ),
    Entry("learningpoint-list", "/api/v1/learning-points/", LEAD, "post", _learning_new, (201,), JSON),
    Entry("action-list", "/api/v1/actions/", LEAD, "post", _action_new, (201,), JSON),
    Entry(
        "action-progress",
        lambda mu: f"/api/v1/actions/{_own_action(mu).pk}/progress/",
        ALL_ROLES,
        "post",
        {"note": "Briefed the teams.", "status": "in_progress"},
        (200,),
        JSON,
    ),
    Entry("action-verify", _completed_action, LEAD, "post", {"note": "Seen the evidence."}, (200,), JSON),
    Entry("audit-detail", lambda mu: f"/api/v1/audits/{_audit(mu).pk}/", LEAD, "delete", ok_status=(405,)),
    Entry("casereview-detail", lambda mu: f"/api/v1/case-reviews/{_review(mu).pk}/", LEAD, "delete", ok_status=(405,)),
    Entry(
        "learningpoint-detail",
        lambda mu: f"/api/v1/learning-points/{_learning(mu).pk}/",
        LEAD,
        "delete",
        ok_status=(405,),
    ),
    # Actions need only a signed-in user to reach (the list is filtered per user): 405 for everyone.
    Entry("action-detail", lambda mu: f"/api/v1/actions/{_own_action(mu).pk}/", ALL_ROLES, "delete", ok_status=(405,)),
]
ENTRIES += API_WRITES


# --- Evidence: case-level files (roles that see audits and crime references; never OPCC) ------------

EVIDENCE = roles(Role.AUDIT_LEAD, Role.CASE_EDITOR, Role.BOARD_CHAIR, Role.ADMINISTRATOR)


def _pdf() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("note.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")


def _finding(make_user: Any) -> Any:
    from tests.audits.factories import LearningPointFactory

    return LearningPointFactory(audit=_audit(make_user))


def _attachment(make_user: Any) -> Any:
    from audits import services

    review = _review(make_user)
    return services.evidence_attach(target=review, actor=review.audit.lead_auditor, upload=_pdf())


ENTRIES += [
    Entry("audits:review_evidence", lambda mu: f"/audits/reviews/{_review(mu).pk}/evidence/", EVIDENCE),
    Entry(
        "audits:review_evidence",
        lambda mu: (f"/audits/reviews/{_review(mu).pk}/evidence/", {"file": _pdf()}),
        LEAD,
        "post",
        ok_status=(302,),
    ),
    Entry("audits:finding_evidence", lambda mu: f"/audits/findings/{_finding(mu).pk}/evidence/", EVIDENCE),
    Entry("audits:action_evidence", lambda mu: f"/audits/actions/{_action(mu).pk}/evidence/", EVIDENCE),
    Entry("audits:evidence_download", lambda mu: f"/audits/evidence/{_attachment(mu).pk}/", EVIDENCE),
]


# --- Joint police/CPS dip samples: the lead draws; the report for the CPS is case-level ---------------


def _dip(make_user: Any) -> Any:
    return _audit(make_user, kind="joint_dip", area="rasso")


ENTRIES += [
    Entry("audits:dip_sample", lambda mu: f"/audits/{_dip(mu).pk}/dip-sample/", LEAD),
    Entry("audits:dip_report", lambda mu: f"/audits/{_dip(mu).pk}/dip-report/", EVIDENCE),
]
