"""Sampling-frame pages: an audit lead sets what an area samples (filters, defaults), with clear refusals
and history; the frame's filters and defaults reach the draw, the sample page and the planned size."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from audits import services
from audits.models import Audit, SamplingFrame
from oversight.periods import months_later
from oversight.roles import Role
from tests.cases.factories import InvestigationFactory

from .factories import AuditFactory, QuestionSetFactory

pytestmark = pytest.mark.django_db

URL = "/audits/sampling-frames/rasso/"


def _post(client: Any, **data: Any) -> Any:
    body = {"subject_kind": "investigations", "window_months": 6, "sample_size": 8, "stratify_by": "", **data}
    return client.post(URL, body)


def test_an_audit_lead_sets_up_an_areas_frame_with_filters_and_defaults(client_for: Any) -> None:
    client = client_for(Role.AUDIT_LEAD)

    response = _post(
        client,
        strands=["rasso"],
        offence_groups=["rape"],
        teams=["rasso"],
        lpas=["coventry", "birmingham"],
        outcome_groups=["evidential_victim_no_support"],
        outcome_types=["18"],
        flags=["spiking"],
        stratify_by="outcome_group",
    )

    assert response.status_code == 302
    frame = SamplingFrame.objects.get(area="rasso")
    assert (frame.strands, frame.offence_groups, frame.teams) == (["rasso"], ["rape"], ["rasso"])
    assert sorted(frame.lpas) == ["birmingham", "coventry"]
    assert (frame.outcome_groups, frame.outcome_types, frame.flags) == (
        ["evidential_victim_no_support"],
        ["18"],
        ["spiking"],
    )
    assert (frame.window_months, frame.sample_size, frame.stratify_by) == (6, 8, "outcome_group")
    listing = client.get("/audits/sampling-frames/").content.decode()
    assert "Outcome types: 18" in listing and "Default sample: 8 cases" in listing
    # Codes are shown by their names.
    assert "Strands: Rape and serious sexual offences" in listing
    assert "Outcome groups: Evidential difficulties: victim does not support" in listing
    assert "Flags (any): Spiking" in listing


def test_a_change_is_kept_in_the_frames_history_with_who_and_what(client_for: Any) -> None:
    client = client_for(Role.AUDIT_LEAD)
    _post(client, strands=["rasso"])
    _post(client, strands=["rasso"], sample_size=12)

    history = list(SamplingFrame.objects.get(area="rasso").history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[-1].history_user == client.user and history[-1].sample_size == 12
    page = client.get(URL).content.decode()
    assert "sample size" in page  # the changed field is named in the history table


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"subject_kind": "managed_offenders", "strands": ["rasso"]},
            "strands",
            "Strands filter investigations, not managed offenders: clear them.",
        ),
        (
            {"stratify_by": "risk"},
            "stratify_by",
            "These subjects can be stratified by outcome group, team, local policing area.",
        ),
        (
            {"subject_kind": "missing_episodes", "stratify_by": "outcome_group"},
            "stratify_by",
            "These subjects can be stratified by risk level or grading, team, local policing area.",
        ),
        ({"window_months": 37}, "window_months", "Ensure this value is less than or equal to 36."),
        ({"lpas": ["atlantis"]}, "lpas", "Select a valid choice. atlantis is not one of the available choices."),
    ],
)
def test_a_frame_that_does_not_hold_together_is_refused_with_a_message_and_nothing_saved(
    client_for: Any, data: dict[str, Any], field: str, message: str
) -> None:
    response = _post(client_for(Role.AUDIT_LEAD), **data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SamplingFrame.objects.exists()


def test_the_service_refuses_codes_the_register_does_not_know(make_user: Any) -> None:
    from audits.frame_services import sampling_frame_save
    from oversight.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        sampling_frame_save(
            area="rasso", actor=make_user(Role.AUDIT_LEAD), subject_kind="investigations", filters={"teams": ["nope"]}
        )
    assert refused.value.extra == {"teams": ["Teams: nope not known."]}


@pytest.mark.parametrize("role", [Role.CASE_EDITOR, Role.BOARD_CHAIR, Role.OPCC_SCRUTINY, Role.ADMINISTRATOR])
def test_other_roles_cannot_change_a_frame(client_for: Any, role: Role) -> None:
    response = _post(client_for(role), strands=["rasso"])

    assert response.status_code == 403
    assert not SamplingFrame.objects.exists()


def test_the_frames_outcome_types_and_groups_both_select_cases(make_user: Any) -> None:
    lead = make_user(Role.AUDIT_LEAD)
    services_frame = {"outcome_groups": ["charged"], "outcome_types": ["18"]}
    from audits.frame_services import sampling_frame_save

    sampling_frame_save(area="rasso", actor=lead, subject_kind="investigations", filters=services_frame)
    day = timezone.localdate() - timedelta(days=40)
    charged = InvestigationFactory(recorded_date=day, outcome_type="1", outcome_date=day)
    no_suspect = InvestigationFactory(recorded_date=day, outcome_type="18", outcome_date=day)
    InvestigationFactory(recorded_date=day, outcome_type="16", outcome_date=day)  # victim withdrawal: out
    InvestigationFactory(recorded_date=day)  # open: out
    audit = AuditFactory(lead_auditor=lead, month=months_later(day, 1).start, question_set=QuestionSetFactory())

    reviews = services.audit_draw_sample(
        audit=audit, actor=lead, size=10, window_start=day - timedelta(days=1), window_end=day, seed=1
    )

    assert {r.investigation_id for r in reviews} == {charged.pk, no_suspect.pk}


def test_the_sample_page_starts_from_the_frames_window_and_stratum(client_for: Any) -> None:
    client = client_for(Role.AUDIT_LEAD)
    _post(client, window_months=3, stratify_by="lpa")
    audit = AuditFactory(lead_auditor=client.user, month=date(2025, 6, 1), question_set=QuestionSetFactory())

    page = client.get(f"/audits/{audit.pk}/sample/").content.decode()

    # three months before June 2025, in the GOV.UK date input's day, month and year boxes
    for part, value in (("day", "1"), ("month", "3"), ("year", "2025")):
        assert re.search(rf'name="[\w-]*window_start-{part}" type="text" inputmode="numeric" value="{value}"', page)
    assert '<option value="lpa" selected>' in page


def test_an_audit_planned_without_a_size_takes_the_plans_else_the_frames(make_user: Any) -> None:
    from audits.frame_services import sampling_frame_save
    from audits.models import AuditPlan, PlannedAudit

    lead = make_user(Role.AUDIT_LEAD)
    sampling_frame_save(area="rasso", actor=lead, subject_kind="investigations", sample_size=7)
    sampling_frame_save(area="domestic_abuse", actor=lead, subject_kind="investigations", sample_size=9)
    plan = AuditPlan.objects.create(financial_year="2025-26", created_by=lead)
    PlannedAudit.objects.create(plan=plan, kind="monthly", area="domestic_abuse", month=date(2025, 6, 1), sample_size=4)
    question_set = QuestionSetFactory()

    rasso = services.audit_plan(
        actor=lead, kind="monthly", area="rasso", month=date(2025, 6, 1), question_set=question_set
    )
    domestic = services.audit_plan(
        actor=lead, kind="monthly", area="domestic_abuse", month=date(2025, 6, 1), question_set=question_set
    )
    child = services.audit_plan(
        actor=lead, kind="monthly", area="child_abuse", month=date(2025, 6, 1), question_set=question_set
    )

    assert [a.planned_sample_size for a in (rasso, domestic, child)] == [7, 4, 10]
    assert Audit.objects.count() == 3
