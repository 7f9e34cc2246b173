"""Independent sign-off came in with a database rule; audits a lead signed off before it keep their record.

The test winds ``audits`` back to 0001, writes an audit signed off by its own lead and one signed
off by another lead, migrates forward and checks that the first is kept as recorded and marked, the
second is not, and the rule then refuses a new self sign-off. It runs on whichever database the
suite uses (PostgreSQL in CI).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audits.models import Audit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    return [node for node in MigrationExecutor(connection).loader.graph.leaf_nodes() if node[0] == "audits"]


def test_audits_signed_off_by_their_own_lead_before_the_rule_are_kept_and_marked() -> None:
    old = _migrate([("audits", "0001_initial")])
    user_model = old.get_model("oversight", "User")
    lead = user_model.objects.create(email="lead@example.org", full_name="Lead", password="!")
    other = user_model.objects.create(email="other@example.org", full_name="Other", password="!")
    audit_model = old.get_model("audits", "Audit")
    questions = old.get_model("audits", "QuestionSet").objects.create(
        code="rasso-monthly", title="RASSO", area="rasso", published_at=timezone.now()
    )
    signed = {
        "status": "signed_off",
        "signed_off_at": timezone.now(),
        "assurance_level": "reasonable",
        "question_set": questions,
    }
    own = audit_model.objects.create(
        month=dt.date(2025, 6, 1), area="rasso", lead_auditor=lead, signed_off_by=lead, **signed
    )
    independent = audit_model.objects.create(
        month=dt.date(2025, 7, 1), area="rasso", lead_auditor=lead, signed_off_by=other, **signed
    )

    _migrate(_latest())

    assert Audit.objects.get(pk=own.pk).signed_off_by_own_lead_before_rule is True
    assert Audit.objects.get(pk=own.pk).signed_off_by_id == lead.pk  # who signed it off is not rewritten
    assert Audit.objects.get(pk=independent.pk).signed_off_by_own_lead_before_rule is False
    with pytest.raises(IntegrityError), transaction.atomic():
        Audit.objects.filter(pk=independent.pk).update(signed_off_by=lead)
