"""Services record who made a change in the history, also without a request (Celery tasks, seeds,
the shell): each test calls a service directly, so only the service's ``actor`` can name the user."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from audits import services as audit_services
from audits.models import ActionNote, CaseReview, Question
from cases import services as case_services
from cases.models import Flag, OrderBreach
from commitments import services as commitment_services
from commitments.models import ReportingPeriod
from oversight.roles import Role
from performance.models import BenchmarkFigure, BenchmarkMeasure
from performance.services import benchmark_figure_save, benchmark_measure_save
from summaries import services as summary_services
from summaries.models import SummaryKind
from tests.audits.factories import ActionFactory, AuditFactory, QuestionSetFactory
from tests.audits.factories import InvestigationFactory as AuditedInvestigationFactory
from tests.cases.factories import InvestigationFactory, ProtectiveOrderFactory
from tests.commitments.factories import BoardFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


def _last_user(instance: Any) -> Any:
    return instance.history.first().history_user


# --- cases ----------------------------------------------------------------------------------------


def test_an_investigation_created_by_a_service_names_its_actor(make_user: Any) -> None:
    editor = make_user(Role.CASE_EDITOR)
    investigation = case_services.investigation_create(
        actor=editor,
        data={
            "crime_reference": "20/1/25",
            "strand": "rasso",
            "offence_group": "rape",
            "recorded_date": date(2025, 5, 1),
        },
        flags=Flag.objects.all()[:1],
    )
    assert investigation.history.count() == 2  # the record, then its flags
    assert {record.history_user for record in investigation.history.all()} == {editor}


def test_an_investigation_update_and_its_flags_name_the_actor(make_user: Any) -> None:
    investigation = InvestigationFactory()
    editor = make_user(Role.CASE_EDITOR)
    case_services.investigation_update(
        investigation=investigation,
        actor=editor,
        data={"outcome_type": "1", "outcome_date": date(2025, 9, 1)},
        flags=Flag.objects.all()[:2],
    )
    assert investigation.history.count() == 3  # created by the factory, changed, flags set
    assert [record.history_user for record in investigation.history.all()[:2]] == [editor, editor]


def test_a_breach_created_by_a_service_names_its_actor(make_user: Any) -> None:
    editor = make_user(Role.CASE_EDITOR)
    order = ProtectiveOrderFactory(applied_date=date(2025, 6, 1), granted_date=date(2025, 6, 3))
    breach = case_services.breach_create(order=order, breach_date=date(2025, 7, 1), arrest_made=False, actor=editor)
    assert OrderBreach.objects.get() == breach
    assert _last_user(breach) == editor


# --- audits ---------------------------------------------------------------------------------------


def test_a_planned_audit_names_its_lead(make_user: Any) -> None:
    lead = make_user(Role.AUDIT_LEAD)
    audit = audit_services.audit_plan(
        actor=lead, kind="monthly", area="rasso", month=date(2025, 6, 1), question_set=QuestionSetFactory()
    )
    assert _last_user(audit) == lead


def test_a_drawn_sample_and_a_case_leaving_it_name_the_lead(make_user: Any) -> None:
    lead = make_user(Role.AUDIT_LEAD)
    audit = AuditFactory(lead_auditor=lead, month=date(2025, 6, 1))
    for _ in range(3):
        AuditedInvestigationFactory(strand="rasso", recorded_date=date(2025, 5, 1))
    reviews = audit_services.audit_draw_sample(
        audit=audit, actor=lead, size=3, window_start=date(2025, 1, 1), window_end=date(2025, 12, 31), seed=7
    )
    assert {_last_user(review) for review in reviews} == {lead}
    audit.refresh_from_db()
    assert _last_user(audit) == lead  # planned → in progress

    first = reviews[0].pk
    audit_services.audit_remove_case(review=reviews[0], actor=lead)
    removed = CaseReview.history.filter(id=first, history_type="-").get()
    assert removed.history_user == lead
    renumbered = CaseReview.history.filter(history_type="~", position=1).first()
    assert renumbered is not None and renumbered.history_user == lead


def test_replaced_questions_name_the_author_of_the_draft(make_user: Any) -> None:
    lead = make_user(Role.AUDIT_LEAD)
    draft = QuestionSetFactory(published_at=None, questions=["Old question"])
    audit_services.question_set_update_questions(question_set=draft, actor=lead, questions=["New question"])
    assert Question.history.get(history_type="-").history_user == lead
    assert Question.history.get(history_type="+", text="New question").history_user == lead


def test_an_action_note_names_the_owner_who_wrote_it(make_user: Any) -> None:
    owner = make_user(Role.AUDIT_LEAD)
    action = ActionFactory(owner=owner, due_date=timezone.localdate() + timedelta(days=30))
    audit_services.action_update_progress(action=action, actor=owner, note="Briefed the team.", status="in_progress")
    assert _last_user(action) == owner
    assert _last_user(ActionNote.objects.get(action=action)) == owner


# --- commitments ----------------------------------------------------------------------------------


def test_a_progress_update_its_rating_and_a_new_period_name_the_lead(make_user: Any) -> None:
    lead = make_user(Role.COMMITMENT_LEAD)
    commitment = CommitmentFactory(lead=lead)
    update = commitment_services.progress_update_submit(
        commitment=commitment, period_key="2025-26-Q2", narrative="On track.", proposed_rating="GREEN", actor=lead
    )
    assert _last_user(update) == lead
    assert _last_user(commitment.assessments.get()) == lead
    assert _last_user(ReportingPeriod.objects.get(key="2025-26-Q2")) == lead


def test_a_recorded_meeting_and_its_attendees_name_the_chair(make_user: Any) -> None:
    chair = make_user(Role.BOARD_CHAIR)
    board = BoardFactory(chair=chair)
    meeting = commitment_services.meeting_record(board=board, date=date(2025, 9, 1), attendees=[chair], actor=chair)
    assert {record.history_user for record in meeting.history.all()} == {chair}


# --- performance ----------------------------------------------------------------------------------


def test_a_benchmark_measure_and_figure_name_the_editor(make_user: Any) -> None:
    editor = make_user(Role.CASE_EDITOR)
    measure = benchmark_measure_save(measure=BenchmarkMeasure(code="live-sros", name="Live SROs"), actor=editor)
    figure = benchmark_figure_save(
        figure=BenchmarkFigure(measure=measure, period="2025-26-Q2", force="Cleveland Police", value=Decimal(3)),
        actor=editor,
    )
    assert _last_user(measure) == editor
    assert _last_user(figure) == editor


# --- summaries ------------------------------------------------------------------------------------


def test_a_queued_rebuild_names_the_administrator_in_the_summary_history(make_user: Any) -> None:
    admin = make_user(Role.ADMINISTRATOR)
    build = summary_services.summary_build_queue(
        kind=SummaryKind.MONTHLY_PERFORMANCE, period_key="2025-10", actor=admin
    )
    # what the Celery task does, with no request and no user of its own
    result = summary_services.build_summary(
        kind=SummaryKind.MONTHLY_PERFORMANCE, period_key="2025-10", build_id=build.pk
    )
    assert _last_user(result.summary) == admin


def test_a_scheduled_build_names_nobody() -> None:
    result = summary_services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key="2025-10")
    assert _last_user(result.summary) is None
