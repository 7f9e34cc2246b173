"""The audits demo seed: the five areas of the monthly regime, a thematic audit, QATT, a re-audit and
the plan of the current financial year, consistent with the history; idempotent."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone

from audits import seed, selectors
from audits.choices import AuditArea
from audits.models import Audit, AuditSubject, PlannedAudit, QuestionSet
from oversight.periods import financial_year_of
from oversight.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Seed once for the module (the seed is slow), in a transaction rolled back at the end."""
    from django.db import transaction

    from tests.oversight.factories import UserFactory

    with django_db_blocker.unblock(), transaction.atomic():
        users = {role.value: UserFactory(email=f"{role.value}@seed.test", roles=[role]) for role in Role}
        users["audit_lead_2"] = UserFactory(email="lead2@seed.test", roles=[Role.AUDIT_LEAD])
        seed.run(stdout=io.StringIO(), users=users)
        yield users
        transaction.set_rollback(True)


def test_every_area_of_the_regime_has_a_published_question_set(seeded: Any) -> None:
    areas = set(QuestionSet.objects.filter(published_at__isnull=False).values_list("area", flat=True))
    assert set(AuditArea.values) <= areas
    assert QuestionSet.objects.filter(code="thematic-victim-withdrawal-rasso").exists()
    assert QuestionSet.objects.filter(code="qatt-vanguard").exists()


def test_the_history_has_thematic_qatt_and_a_reaudit_signed_off_by_the_second_lead(seeded: Any) -> None:
    assert Audit.objects.filter(kind="thematic", theme="Victim withdrawal in rape cases").exists()
    assert Audit.objects.filter(kind="qatt").exists()
    assert Audit.objects.filter(kind="reaudit", reaudit_of__isnull=False).exists()
    signed = Audit.objects.filter(status="signed_off")
    assert signed.exists() and not signed.exclude(signed_off_by=seeded["audit_lead_2"]).exists()


def test_sex_offender_management_and_missing_people_sample_pseudonymous_subjects(seeded: Any) -> None:
    for area in ("sex_offender_management", "missing_people"):
        reviews = [r for a in Audit.objects.filter(area=area) for r in a.reviews.all()]
        assert reviews and all(r.investigation_id is None and r.subject_id for r in reviews)
    assert AuditSubject.objects.filter(kind="managed_offenders").exclude(visor_category="").exists()


def test_the_plan_of_this_year_matches_the_history(seeded: Any) -> None:
    year = financial_year_of(timezone.localdate()).key
    coverage = selectors.plan_coverage(financial_year=year, today=timezone.localdate())
    rows = {r["key"]: r for r in coverage["rows"]}
    assert set(AuditArea.values) <= set(rows)
    assert all(rows[area]["planned"] == 12 for area in AuditArea.values)
    # Every audit of a planned slot carries out its plan entry.
    assert not Audit.objects.filter(kind="monthly", plan_item__isnull=True).exists()
    assert PlannedAudit.objects.filter(audit__isnull=False).count() == Audit.objects.exclude(kind="reaudit").count()


def test_running_it_again_creates_nothing(seeded: Any) -> None:
    counts = (Audit.objects.count(), PlannedAudit.objects.count(), AuditSubject.objects.count())
    seed.run(stdout=io.StringIO(), users=seeded)
    assert (Audit.objects.count(), PlannedAudit.objects.count(), AuditSubject.objects.count()) == counts


def test_the_seeded_frames_defaults_agree_with_the_seeds_own_draws(seeded: Any) -> None:
    from audits.models import SamplingFrame
    from audits.seed import SAMPLE_SIZE, STRATA

    frames = {f.area: (f.sample_size, f.stratify_by) for f in SamplingFrame.objects.all()}
    assert frames == {area: (SAMPLE_SIZE, STRATA.get(area, "")) for area in AuditArea.values}
