"""Every API write endpoint, as a role allowed to write, with a valid, an empty and malformed bodies:
the answer is a success for the valid body and never a server error (5xx) for any of them.

The endpoints are read from the URL resolver (every ``/api/v1/`` view that takes POST or PATCH), so
a new write endpoint fails ``test_every_api_write_endpoint_has_a_case`` until it gets a case here.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from oversight.roles import Role
from tests.commitments.api_write_cases import SCRUTINY_CASES

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch")
HUGE_ID = 99999999999999999999  # beyond a 64-bit integer
NUL = "\u0000"

# A case: (make_user) -> (user, path, valid body). Objects the user must own are made for them.
Case = Callable[[Any], tuple[Any, str, dict[str, Any]]]


def _api_write_endpoints() -> set[tuple[str, str]]:
    """(url name, method) of every view under /api/v1/ that accepts a write method."""
    found: set[tuple[str, str]] = set()

    def walk(resolver: URLResolver, prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern

    for route, pattern in walk(get_resolver(), ""):
        if not route.startswith("api/v1/") or not pattern.name:
            continue
        callback: Any = pattern.callback
        actions = getattr(callback, "actions", None)  # a viewset route: {method: action}
        view_class = getattr(callback, "cls", None)
        if actions is not None:
            methods = set(actions)
        elif view_class is not None:
            methods = {m for m in view_class.http_method_names if hasattr(view_class, m)}
        else:
            continue
        found |= {(pattern.name, m) for m in methods if m in WRITE_METHODS and m != "put"}
    return found


# --- cases --------------------------------------------------------------------------------------


def _investigation() -> Any:
    from tests.cases.factories import InvestigationFactory

    return InvestigationFactory()


def _investigation_new(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    body = {
        "crime_reference": "20/777777/25",
        "strand": "rasso",
        "offence_group": "rape",
        "victim_age_group": "adult",
        "recorded_date": "2025-05-01",
        "lpa": "birmingham",
        "team": "rasso",
        "flags": [],
    }
    return mu(Role.CASE_EDITOR), "/api/v1/investigations/", body


def _investigation_edit(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    path = f"/api/v1/investigations/{_investigation().pk}/"
    return mu(Role.CASE_EDITOR), path, {"team": "ocset", "bail_status": "rui", "arrest_date": "2025-05-02"}


def _referral_new(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    body = {"investigation": _investigation().pk, "referral_date": "2025-06-01", "decision": ""}
    return mu(Role.CASE_EDITOR), "/api/v1/cps-referrals/", body


def _referral_edit(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.cases.factories import CpsReferralFactory

    path = f"/api/v1/cps-referrals/{CpsReferralFactory().pk}/"
    return mu(Role.CASE_EDITOR), path, {"referral_date": "2025-06-02"}


def _order_new(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    body = {"investigation": _investigation().pk, "order_type": "dvpo", "applied_date": "2025-06-01"}
    return mu(Role.CASE_EDITOR), "/api/v1/protective-orders/", body


def _order_edit(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.cases.factories import ProtectiveOrderFactory

    path = f"/api/v1/protective-orders/{ProtectiveOrderFactory().pk}/"
    return mu(Role.CASE_EDITOR), path, {"granted_date": "2025-06-04"}


def _breach_new(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.cases.factories import ProtectiveOrderFactory

    body = {"order": ProtectiveOrderFactory().pk, "breach_date": "2025-07-01", "arrest_made": True}
    return mu(Role.CASE_EDITOR), "/api/v1/order-breaches/", body


def _breach_edit(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.cases.factories import OrderBreachFactory

    path = f"/api/v1/order-breaches/{OrderBreachFactory().pk}/"
    return mu(Role.CASE_EDITOR), path, {"arrest_made": False}


# --- audits -------------------------------------------------------------------------------------


def _audit(lead: Any, **kwargs: Any) -> Any:
    from tests.audits.factories import AuditFactory

    return AuditFactory(lead_auditor=lead, **kwargs)


def _audit_new(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.audits.factories import QuestionSetFactory

    body = {"kind": "monthly", "area": "rasso", "month": "2026-01", "question_set": QuestionSetFactory().pk}
    return mu(Role.AUDIT_LEAD), "/api/v1/audits/", body


def _audit_sample(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.audits.factories import InvestigationFactory

    lead = mu(Role.AUDIT_LEAD)
    InvestigationFactory()
    body = {"size": 2, "window_start": "2025-01-01", "window_end": "2025-12-31", "seed": 11}
    return lead, f"/api/v1/audits/{_audit(lead).pk}/sample/", body


def _audit_add_cases(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.audits.factories import InvestigationFactory

    lead = mu(Role.AUDIT_LEAD)
    body = {"crime_references": [InvestigationFactory().crime_reference]}
    return lead, f"/api/v1/audits/{_audit(lead).pk}/add-cases/", body


def _audit_assurance(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    lead = mu(Role.AUDIT_LEAD)
    body = {"assurance_override": "limited", "assurance_override_reason": "Small sample."}
    return lead, f"/api/v1/audits/{_audit(lead).pk}/assurance/", body


def _answered_audit(lead: Any) -> Any:
    from django.utils import timezone

    from tests.audits.factories import AnswerFactory, CaseReviewFactory

    audit = _audit(lead, status="in_progress")
    review = CaseReviewFactory(audit=audit, reviewed_at=timezone.now())
    for question in audit.question_set.questions.all():
        AnswerFactory(review=review, question=question)
    return audit


def _audit_submit(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    lead = mu(Role.AUDIT_LEAD)
    return lead, f"/api/v1/audits/{_answered_audit(lead).pk}/submit/", {}


def _audit_sign_off(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    lead, other = mu(Role.AUDIT_LEAD), mu(Role.AUDIT_LEAD)
    audit = _answered_audit(lead)
    audit.status = "submitted"
    audit.save()
    return other, f"/api/v1/audits/{audit.pk}/sign-off/", {}


def _audit_return(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    user, path, _ = _audit_sign_off(mu)
    return user, path.replace("/sign-off/", "/return/"), {"reason": "Case 1 needs a comment on question 2."}


def _review_answers(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.audits.factories import CaseReviewFactory

    lead = mu(Role.AUDIT_LEAD)
    review = CaseReviewFactory(audit=_audit(lead))
    questions = review.audit.question_set.questions.all()
    body = {"answers": [{"question": q.pk, "value": "compliant", "comment": "Seen."} for q in questions]}
    return lead, f"/api/v1/case-reviews/{review.pk}/answers/", body


def _learning_new(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    lead = mu(Role.AUDIT_LEAD)
    body = {
        "audit": _audit(lead).pk,
        "kind": "improvement",
        "theme": "supervision",
        "severity": "medium",
        "text": "Review sooner.",
    }
    return lead, "/api/v1/learning-points/", body


def _action_new(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    lead, owner = mu(Role.AUDIT_LEAD), mu(Role.BOARD_CHAIR)
    body = {
        "audit": _audit(lead).pk,
        "learning_point": None,
        "title": "Refresh guidance",
        "description": "Brief the teams.",
        "owner": owner.pk,
        "due_date": "2099-01-31",
    }
    return lead, "/api/v1/actions/", body


def _action_progress(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.audits.factories import ActionFactory

    owner = mu(Role.BOARD_CHAIR)
    action = ActionFactory(audit=_audit(mu(Role.AUDIT_LEAD)), owner=owner)
    return owner, f"/api/v1/actions/{action.pk}/progress/", {"note": "Started.", "status": "in_progress"}


def _action_verify(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.audits.factories import ActionFactory

    lead = mu(Role.AUDIT_LEAD)
    action = ActionFactory(audit=_audit(lead), owner=mu(Role.BOARD_CHAIR), status="completed")
    return lead, f"/api/v1/actions/{action.pk}/verify/", {"note": "Evidence seen."}


# --- commitments --------------------------------------------------------------------------------


def _cast(mu: Any) -> Any:
    """A commitment with its lead, its board's chair and an OPCC officer."""
    from tests.commitments.factories import BoardFactory, CommitmentFactory

    lead, chair, opcc = mu(Role.COMMITMENT_LEAD), mu(Role.BOARD_CHAIR), mu(Role.OPCC_SCRUTINY)
    commitment = CommitmentFactory(lead=lead, board=BoardFactory(chair=chair))
    return lead, chair, opcc, commitment


def _commitment_new(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.commitments.factories import BoardFactory, ChapterFactory

    chapter, lead = ChapterFactory(), mu(Role.COMMITMENT_LEAD)
    body = {
        "plan": chapter.plan_id,
        "chapter": chapter.pk,
        "action_ref": "950",
        "text": "A new commitment.",
        "order": 5,
        "lead": lead.pk,
        "board": BoardFactory().pk,
        "strands": ["rasso"],
    }
    return mu(Role.ADMINISTRATOR), "/api/v1/commitments/", body


def _commitment_edit(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    _lead, _chair, _opcc, commitment = _cast(mu)
    return mu(Role.ADMINISTRATOR), f"/api/v1/commitments/{commitment.pk}/", {"text": "Reworded.", "order": 3}


def _proposal(commitment: Any) -> dict[str, Any]:
    return {"commitment": commitment.pk, "period": "2025-26-Q2", "narrative": "Done.", "proposed_rating": "GREEN"}


def _update_new(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    lead, _chair, _opcc, commitment = _cast(mu)
    return lead, "/api/v1/progress-updates/", _proposal(commitment)


def _update_edit(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.commitments.factories import ProgressUpdateFactory

    lead, _chair, _opcc, commitment = _cast(mu)
    path = f"/api/v1/progress-updates/{ProgressUpdateFactory(commitment=commitment).pk}/"
    return lead, path, {"narrative": "Revised.", "proposed_rating": "AMBER"}


def _assessment_new(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    lead, _chair, _opcc, commitment = _cast(mu)
    return lead, "/api/v1/rag-assessments/", _proposal(commitment)


def _assessment(mu: Any, **traits: Any) -> tuple[Any, Any, Any, Any]:
    from tests.commitments.factories import RagAssessmentFactory

    lead, chair, opcc, commitment = _cast(mu)
    return lead, chair, opcc, RagAssessmentFactory(commitment=commitment, **traits)


def _assessment_edit(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    # Refused by design (400: a proposal changes through its progress update), never a 5xx.
    lead, _chair, _opcc, assessment = _assessment(mu)
    return lead, f"/api/v1/rag-assessments/{assessment.pk}/", {"proposed_rating": "RED"}


def _assessment_review(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    _lead, chair, _opcc, assessment = _assessment(mu)
    return chair, f"/api/v1/rag-assessments/{assessment.pk}/review/", {"decision": "endorse", "comment": "Agreed."}


def _assessment_publish(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    _lead, _chair, opcc, assessment = _assessment(mu, endorsed=True)
    body = {"rating": "GREEN", "rationale": "On track."}
    return opcc, f"/api/v1/rag-assessments/{assessment.pk}/publish/", body


def _assessment_correct(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    _lead, _chair, opcc, assessment = _assessment(mu, published=True)
    body = {"rating": "AMBER", "rationale": "Slipped.", "reason": "Late data."}
    return opcc, f"/api/v1/rag-assessments/{assessment.pk}/correct/", body


def _board_new(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    chair = mu(Role.BOARD_CHAIR)
    body = {
        "name": "Spiking board",
        "chair": chair.pk,
        "chair_title": "ACC Crime",
        "members": [chair.pk],
        "remit": ["rasso"],
        "cadence": "monthly",
        "description": "Oversees spiking.",
    }
    return mu(Role.ADMINISTRATOR), "/api/v1/boards/", body


def _board_edit(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    _lead, chair, _opcc, commitment = _cast(mu)
    body = {"cadence": "quarterly", "description": "Quarterly now.", "members": [chair.pk]}
    return chair, f"/api/v1/boards/{commitment.board_id}/", body


def _meeting_new(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    _lead, chair, _opcc, commitment = _cast(mu)
    body = {
        "board": commitment.board_id,
        "date": "2025-10-14",
        "attendees": [chair.pk],
        "other_attendees": "A guest",
        "commitments_reviewed": [commitment.pk],
        "minutes": "Met.",
        "decisions": "None.",
    }
    return chair, "/api/v1/board-meetings/", body


def _meeting_edit(mu: Any) -> tuple[Any, str, dict[str, Any]]:
    from tests.commitments.factories import BoardMeetingFactory

    _lead, chair, _opcc, commitment = _cast(mu)
    meeting = BoardMeetingFactory(board=commitment.board)
    return chair, f"/api/v1/board-meetings/{meeting.pk}/", {"minutes": "Corrected.", "attendees": [chair.pk]}


CASES: dict[tuple[str, str], Case] = {
    ("investigation-list", "post"): _investigation_new,
    ("investigation-detail", "patch"): _investigation_edit,
    ("cpsreferral-list", "post"): _referral_new,
    ("cpsreferral-detail", "patch"): _referral_edit,
    ("protectiveorder-list", "post"): _order_new,
    ("protectiveorder-detail", "patch"): _order_edit,
    ("orderbreach-list", "post"): _breach_new,
    ("orderbreach-detail", "patch"): _breach_edit,
    ("audit-list", "post"): _audit_new,
    ("audit-sample", "post"): _audit_sample,
    ("audit-add-cases", "post"): _audit_add_cases,
    ("audit-assurance", "post"): _audit_assurance,
    ("audit-submit", "post"): _audit_submit,
    ("audit-sign-off", "post"): _audit_sign_off,
    ("audit-return-for-rework", "post"): _audit_return,
    ("casereview-answers", "post"): _review_answers,
    ("learningpoint-list", "post"): _learning_new,
    ("action-list", "post"): _action_new,
    ("action-progress", "post"): _action_progress,
    ("action-verify", "post"): _action_verify,
    ("commitment-list", "post"): _commitment_new,
    ("commitment-detail", "patch"): _commitment_edit,
    ("progress-update-list", "post"): _update_new,
    ("progress-update-detail", "patch"): _update_edit,
    ("rag-assessment-list", "post"): _assessment_new,
    ("rag-assessment-detail", "patch"): _assessment_edit,
    ("rag-assessment-review", "post"): _assessment_review,
    ("rag-assessment-publish", "post"): _assessment_publish,
    ("rag-assessment-correct", "post"): _assessment_correct,
    ("board-list", "post"): _board_new,
    ("board-detail", "patch"): _board_edit,
    ("board-meeting-list", "post"): _meeting_new,
    ("board-meeting-detail", "patch"): _meeting_edit,
}
CASES.update(SCRUTINY_CASES)
# Valid bodies answered with a refusal by design (the status the endpoint gives instead of a success).
REFUSED_BY_DESIGN = {("rag-assessment-detail", "patch"): 400}


def test_every_api_write_endpoint_has_a_case() -> None:
    endpoints = _api_write_endpoints()
    assert endpoints, "no API write endpoints found: has the URL walk broken?"
    assert endpoints - set(CASES) == set(), "add a case to tests/test_api_writes.py for these endpoints"
    assert set(CASES) - endpoints == set(), "these cases no longer match an endpoint"


# --- bodies -------------------------------------------------------------------------------------


def _wrong_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "perhaps"
    if isinstance(value, int):
        return {"id": value}
    if isinstance(value, str):
        return ["a", "list"]
    if isinstance(value, list):
        return "not a list"
    if isinstance(value, dict):
        return [value]
    return 12.5


def _map_leaves(value: Any, leaf: Callable[[Any], Any]) -> Any:
    if isinstance(value, dict):
        return {k: _map_leaves(v, leaf) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_leaves(v, leaf) for v in value]
    return leaf(value)


def _ints(replacement: Any) -> Callable[[Any], Any]:
    return lambda v: replacement if isinstance(v, int) and not isinstance(v, bool) else v


MALFORMED: dict[str, Callable[[dict[str, Any]], Any]] = {
    "wrong-types": lambda body: {k: _wrong_type(v) for k, v in body.items()},
    "nul-bytes": lambda body: _map_leaves(body, lambda v: f"{v}{NUL}x" if isinstance(v, str) else v),
    "nul-only": lambda body: {k: NUL for k in body},
    "text-ids": lambda body: _map_leaves(body, _ints("abc")),
    "huge-ids": lambda body: _map_leaves(body, _ints(HUGE_ID)),
    "negative-ids": lambda body: _map_leaves(body, _ints(-1)),
    "nulls": lambda body: dict.fromkeys(body),
    "a-list": lambda body: [body],
    "a-string": lambda body: "body",
}


def _params(variants: list[str]) -> list[Any]:
    params = []
    for key in CASES:
        for variant in variants:
            params.append(pytest.param(key, variant, id=f"{key[1].upper()} {key[0]} {variant}"))
    return params


@pytest.mark.parametrize(("key", "variant"), _params(["valid"]))
def test_a_valid_body_succeeds(key: tuple[str, str], variant: str, api_client_for: Any, make_user: Any) -> None:
    user, path, body = CASES[key](make_user)
    client = api_client_for(user=user)
    response = getattr(client, key[1])(path, body, format="json")
    expected = REFUSED_BY_DESIGN.get(key)
    if expected:
        assert response.status_code == expected, response.content
    else:
        assert 200 <= response.status_code < 300, f"{key}: {response.status_code} {response.content[:500]!r}"
        _assert_declared_shape(path, key[1], response)


# --- the answer's shape ---------------------------------------------------------------------------------


@functools.cache
def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _declared(path: str, method: str, status: int) -> dict[str, Any] | None:
    """The response schema the OpenAPI document declares for ``method`` on the concrete ``path``."""
    schema = _schema()
    for template, operations in schema["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path) and method in operations:
            responses = operations[method]["responses"]
            content = (responses.get(str(status)) or {}).get("content", {}).get("application/json", {})
            declared = content.get("schema")
            if declared and "$ref" in declared:
                declared = schema["components"]["schemas"][declared["$ref"].rsplit("/", 1)[1]]
            return declared
    raise AssertionError(f"{method.upper()} {path} is not in the schema")


def _assert_declared_shape(path: str, method: str, response: Any) -> None:
    """A write answers with the shape the schema declares (the record as read), not the shape of what
    was sent: every declared field present, no other field, and null only where the schema allows it."""
    declared = _declared(path.split("?")[0], method, response.status_code)
    if not declared or "properties" not in declared:
        return
    body = response.json()
    properties = declared["properties"]
    assert set(body) == set(properties), f"{method.upper()} {path}: {set(body) ^ set(properties)}"
    nulls = {name for name, value in body.items() if value is None and not properties[name].get("nullable")}
    assert not nulls, f"{method.upper()} {path} answers null for fields the schema says are not: {nulls}"


@pytest.mark.parametrize(("key", "variant"), _params(["empty", "invalid-json", *MALFORMED]))
def test_a_bad_body_is_refused_without_a_server_error(
    key: tuple[str, str], variant: str, api_client_for: Any, make_user: Any
) -> None:
    user, path, valid = CASES[key](make_user)
    client = api_client_for(user=user)
    send = getattr(client, key[1])
    if variant == "empty":
        response = send(path, b"", content_type="application/json")
    elif variant == "invalid-json":
        response = send(path, b'{"unterminated": ', content_type="application/json")
    else:
        response = send(path, json.dumps(MALFORMED[variant](valid)), content_type="application/json")
    assert response.status_code < 500, f"{key} {variant}: {response.status_code}"
