from __future__ import annotations

from typing import Any

import pytest

from audits.models import Audit
from oversight.roles import Role

from .factories import AuditFactory, QuestionSetFactory


@pytest.fixture
def lead(make_user: Any) -> Any:
    return make_user(Role.AUDIT_LEAD)


@pytest.fixture
def audit(lead: Any) -> Audit:
    """A RASSO monthly audit of June 2025 led by ``lead``, with a three-question published set."""
    from datetime import date

    return AuditFactory(lead_auditor=lead, month=date(2025, 6, 1), question_set=QuestionSetFactory())
