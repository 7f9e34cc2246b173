"""Question sets are versioned: a published version is frozen; editing makes a new version."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from audits import services
from oversight.errors import ApplicationError
from oversight.roles import Role

pytestmark = pytest.mark.django_db


def test_a_published_version_is_frozen_and_a_new_version_is_a_draft_copy(lead: Any) -> None:
    v1 = services.question_set_create(actor=lead, code="rasso", title="RASSO", questions=["A", "B"])
    services.question_set_publish(question_set=v1, actor=lead)
    with pytest.raises(ApplicationError, match="frozen"):
        services.question_set_update_questions(question_set=v1, actor=lead, questions=["changed"])
    v2 = services.question_set_new_version(question_set=v1, actor=lead)
    assert v2.version == 2 and not v2.is_published
    assert list(v2.questions.values_list("text", flat=True)) == ["A", "B"]
    services.question_set_update_questions(question_set=v2, actor=lead, questions=["A", "B", "C"])
    assert list(v1.questions.values_list("text", flat=True)) == ["A", "B"]
    with pytest.raises(ApplicationError, match="already a draft"):
        services.question_set_new_version(question_set=v1, actor=lead)


def test_an_empty_question_set_cannot_be_published(lead: Any) -> None:
    qs = services.question_set_create(actor=lead, code="empty", title="Empty")
    with pytest.raises(ApplicationError, match="at least one"):
        services.question_set_publish(question_set=qs, actor=lead)


def test_only_audit_leads_write_question_sets(make_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.question_set_create(actor=make_user(Role.ADMINISTRATOR), code="x", title="x", questions=["A"])
