"""Every page and endpoint of the commitments app against every role.

Pages acting on one's *own* commitment or board (write an update, review a rating, record a meeting
or action) are refused to every role here, because the matrix's users own nothing; the own-object
cases are tested in ``test_pages.py`` and ``test_api.py``.
"""

from __future__ import annotations

from typing import Any

from oversight.roles import Role
from tests.commitments.factories import (
    BoardActionFactory,
    BoardMeetingFactory,
    CommitmentFactory,
    IndicatorFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RagAssessmentFactory,
)
from tests.role_matrix import ALL_ROLES, JSON, Entry, requester, roles

NOBODY: frozenset[Role] = frozenset()
OPCC = roles(Role.OPCC_SCRUTINY)


def _commitment(_: Any) -> str:
    return f"/commitments/{CommitmentFactory().pk}/"


def _update_form(_: Any) -> str:
    return f"/commitments/{CommitmentFactory().pk}/update/2025-26-Q2/"


def _assessment(suffix: str, **traits: Any) -> Any:
    def build(_: Any) -> str:
        return f"/commitments/assessments/{RagAssessmentFactory(**traits).pk}/{suffix}/"

    return build


def _board(_: Any) -> str:
    return f"/commitments/boards/{BoardMeetingFactory().board_id}/"


def _meeting_create(_: Any) -> str:
    return f"/commitments/boards/{BoardMeetingFactory().board_id}/meetings/new/"


def _meeting(_: Any) -> str:
    return f"/commitments/meetings/{BoardMeetingFactory().pk}/"


def _action_create(_: Any) -> str:
    return f"/commitments/meetings/{BoardMeetingFactory().pk}/actions/new/"


def _action_status(_: Any) -> str:
    return f"/commitments/board-actions/{BoardActionFactory().pk}/status/"


def _indicator_create(_: Any) -> str:
    return f"/commitments/{CommitmentFactory().pk}/indicators/new/"


def _indicator_edit(_: Any) -> str:
    return f"/commitments/indicators/{IndicatorFactory().pk}/edit/"


def _with_plan(path: str) -> Any:
    def build(_: Any) -> str:
        PlanFactory()
        return path

    return build


def _api(kind: str, factory: Any, suffix: str = "") -> Any:
    def build(_: Any) -> str:
        return f"/api/v1/{kind}/{factory().pk}/{suffix}"

    return build


ENTRIES = [
    # pages
    Entry("commitments:overview", "/commitments/", ALL_ROLES),
    Entry("commitments:commitment_detail", _commitment, ALL_ROLES),
    Entry("commitments:update_edit", _update_form, NOBODY),
    Entry("commitments:my_commitments", "/commitments/mine/", roles(Role.COMMITMENT_LEAD)),
    # the matrix's lead leads nothing: only the system owner may set indicators here
    Entry("commitments:indicator_create", _indicator_create, roles(Role.ADMINISTRATOR)),
    Entry("commitments:indicator_edit", _indicator_edit, roles(Role.ADMINISTRATOR)),
    Entry("commitments:assessment_review", _assessment("review"), NOBODY),
    Entry("commitments:assessment_publish", _assessment("publish", endorsed=True), OPCC),
    Entry("commitments:assessment_correct", _assessment("correct", published=True), OPCC),
    Entry("commitments:scrutiny_queue", "/commitments/scrutiny/", OPCC),
    Entry(
        "commitments:open_period",
        _with_plan("/commitments/scrutiny/open-period/"),
        OPCC,
        method="post",
        data={"period": "2025-26-Q3"},
        ok_status=(302,),
    ),
    Entry("commitments:report", _with_plan("/commitments/report/?period=2025-26-Q2"), ALL_ROLES),
    Entry("commitments:report", _with_plan("/commitments/report/?period=2025-26-Q2&format=docx"), ALL_ROLES),
    Entry("commitments:board_list", "/commitments/boards/", ALL_ROLES),
    Entry("commitments:board_detail", _board, ALL_ROLES),
    Entry("commitments:meeting_create", _meeting_create, NOBODY),
    Entry("commitments:meeting_detail", _meeting, ALL_ROLES),
    Entry("commitments:action_create", _action_create, NOBODY),
    Entry("commitments:action_status", _action_status, NOBODY, method="post", data={"status": "completed"}),
    Entry("commitments:recommendation_list", "/commitments/recommendations/", ALL_ROLES),
    # API
    Entry("rag-report", _with_plan("/api/v1/reports/rag/?period=2025-26-Q2"), ALL_ROLES),
    Entry("commitment-list", "/api/v1/commitments/", ALL_ROLES),
    Entry("commitment-detail", _api("commitments", CommitmentFactory), ALL_ROLES),
    Entry("progress-update-list", "/api/v1/progress-updates/", ALL_ROLES),
    Entry("progress-update-detail", _api("progress-updates", ProgressUpdateFactory), ALL_ROLES),
    Entry("rag-assessment-list", "/api/v1/rag-assessments/", ALL_ROLES),
    Entry("rag-assessment-detail", _api("rag-assessments", RagAssessmentFactory), ALL_ROLES),
    Entry(
        "rag-assessment-review",
        _api("rag-assessments", RagAssessmentFactory, "review/"),
        NOBODY,
        method="post",
        data={"decision": "endorse"},
    ),
    Entry(
        "rag-assessment-publish",
        _api("rag-assessments", lambda: RagAssessmentFactory(endorsed=True), "publish/"),
        OPCC,
        method="post",
        data={"rating": "GREEN", "rationale": "On track."},
    ),
    Entry(
        "rag-assessment-correct",
        _api("rag-assessments", lambda: RagAssessmentFactory(published=True), "correct/"),
        OPCC,
        method="post",
        data={"rating": "AMBER", "rationale": "Slipped.", "reason": "Late data."},
        ok_status=(201,),
    ),
    Entry("board-list", "/api/v1/boards/", ALL_ROLES),
    Entry("board-detail", _api("boards", lambda: BoardMeetingFactory().board), ALL_ROLES),
    Entry("board-meeting-list", "/api/v1/board-meetings/", ALL_ROLES),
    Entry("board-meeting-detail", _api("board-meetings", BoardMeetingFactory), ALL_ROLES),
]


# API writes (JSON). Objects the requester must *own* (their commitment, their board) are made for the
# requester when they hold the role (``requester``); nothing is deleted (405 after the role check).
ADMIN = roles(Role.ADMINISTRATOR)
LEAD = roles(Role.COMMITMENT_LEAD)
CHAIR = roles(Role.BOARD_CHAIR)


def _own_commitment(make_user: Any) -> Any:
    from tests.commitments.factories import BoardFactory

    board = BoardFactory(chair=requester(make_user, Role.BOARD_CHAIR))
    return CommitmentFactory(lead=requester(make_user, Role.COMMITMENT_LEAD), board=board)


def _commitment_new(_: Any) -> dict[str, Any]:
    from tests.commitments.factories import ChapterFactory

    chapter = ChapterFactory()
    return {"plan": chapter.plan_id, "chapter": chapter.pk, "action_ref": "901", "text": "New.", "order": 9}


def _proposal(make_user: Any) -> dict[str, Any]:
    commitment = _own_commitment(make_user)
    return {"commitment": commitment.pk, "period": "2025-26-Q2", "narrative": "Done.", "proposed_rating": "GREEN"}


def _own_update(make_user: Any) -> str:
    return f"/api/v1/progress-updates/{ProgressUpdateFactory(commitment=_own_commitment(make_user)).pk}/"


def _own_review(make_user: Any) -> str:
    return f"/api/v1/rag-assessments/{RagAssessmentFactory(commitment=_own_commitment(make_user)).pk}/review/"


def _own_board(make_user: Any) -> Any:
    return _own_commitment(make_user).board


def _meeting_new(make_user: Any) -> dict[str, Any]:
    return {"board": _own_board(make_user).pk, "date": "2025-10-14", "minutes": "Met."}


def _own_meeting(make_user: Any) -> str:
    return f"/api/v1/board-meetings/{BoardMeetingFactory(board=_own_board(make_user)).pk}/"


API_WRITES = [
    Entry("commitment-list", "/api/v1/commitments/", ADMIN, "post", _commitment_new, (201,), JSON),
    Entry(
        "commitment-detail", _api("commitments", CommitmentFactory), ADMIN, "patch", {"text": "Reworded."}, (200,), JSON
    ),
    Entry("commitment-detail", _api("commitments", CommitmentFactory), ADMIN, "delete", ok_status=(405,)),
    Entry("progress-update-list", "/api/v1/progress-updates/", LEAD, "post", _proposal, (201,), JSON),
    Entry("progress-update-detail", _own_update, LEAD, "patch", {"narrative": "Revised."}, (200,), JSON),
    Entry("progress-update-detail", _own_update, LEAD, "delete", ok_status=(405,)),
    Entry("rag-assessment-list", "/api/v1/rag-assessments/", LEAD, "post", _proposal, (201,), JSON),
    # A proposal changes through its progress update: PATCH is refused with a message (400).
    Entry(
        "rag-assessment-detail",
        _api("rag-assessments", RagAssessmentFactory),
        LEAD,
        "patch",
        {"proposed_rating": "RED"},
        (400,),
        JSON,
    ),
    # "destroy" has no write capability in RagAssessmentViewSet.WRITE_CAPS: every reader reaches the 405.
    Entry(
        "rag-assessment-detail", _api("rag-assessments", RagAssessmentFactory), ALL_ROLES, "delete", ok_status=(405,)
    ),
    Entry("rag-assessment-review", _own_review, CHAIR, "post", {"decision": "endorse"}, (200,), JSON),
    Entry(
        "rag-assessment-publish",
        _api("rag-assessments", lambda: RagAssessmentFactory(endorsed=True), "publish/"),
        OPCC,
        "post",
        {"rating": "GREEN", "rationale": "On track."},
        (200,),
        JSON,
    ),
    Entry("board-list", "/api/v1/boards/", ADMIN, "post", {"name": "Spiking board"}, (201,), JSON),
    Entry(
        "board-detail",
        lambda mu: f"/api/v1/boards/{_own_board(mu).pk}/",
        ADMIN | CHAIR,
        "patch",
        {"cadence": "quarterly"},
        (200,),
        JSON,
    ),
    Entry("board-detail", lambda mu: f"/api/v1/boards/{_own_board(mu).pk}/", ADMIN | CHAIR, "delete", ok_status=(405,)),
    Entry("board-meeting-list", "/api/v1/board-meetings/", CHAIR, "post", _meeting_new, (201,), JSON),
    Entry("board-meeting-detail", _own_meeting, CHAIR, "patch", {"minutes": "Corrected."}, (200,), JSON),
    Entry("board-meeting-detail", _own_meeting, CHAIR, "delete", ok_status=(405,)),
]
ENTRIES += API_WRITES
