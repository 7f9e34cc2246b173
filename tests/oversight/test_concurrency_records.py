"""Lost updates on every other editable record: a page or API write made from a version that has
changed since is refused ("changed by X at T — review and save again"), nothing is written, and
saving again from the current version goes through (oversight/concurrency.py).

One case per record type; each says how to open the form (or read the record), how someone else
changes it meanwhile, what the stale write sends and what must still be stored afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from audits.models import Action, Answer, AuditSubject, CaseReview, Question, SamplingFrame
from commitments.forms import IndicatorForm
from commitments.models import BoardAction, CommitmentIndicator
from oversight.concurrency import version_token
from oversight.models import User
from oversight.roles import Role
from tests.audits.factories import (
    ActionFactory,
    AnswerFactory,
    AuditFactory,
    AuditSubjectFactory,
    CaseReviewFactory,
    QuestionSetFactory,
)
from tests.commitments.factories import (
    BoardActionFactory,
    BoardFactory,
    BoardMeetingFactory,
    CommitmentFactory,
    IndicatorFactory,
    ProgressUpdateFactory,
    ScrutinyQueryFactory,
)
from tests.oversight.test_concurrency import STALE, version_on

pytestmark = pytest.mark.django_db


def _someone_else_saves(record: Any, **changes: Any) -> None:
    """Another user's change, saved with its history row (who, when)."""
    other = User.objects.create_user(email=f"other{record.pk}@example.org", full_name="Olga Other")
    fresh = type(record).objects.get(pk=record.pk)
    for name, value in changes.items():
        setattr(fresh, name, value)
    fresh._history_user = other
    fresh.save()


def _values(form: Any) -> dict[str, Any]:
    """What an unchanged form sends back."""
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = getattr(value, "pk", value)
    return data


# --- pages ----------------------------------------------------------------------------------------


@dataclass
class PageCase:
    noun: str
    setup: Callable[[Any], tuple[Any, Any, str]]  # make_user → (client user, record, url)
    post: Callable[[Any, str], dict[str, Any]]  # (record, version) → form data with a change
    change: dict[str, Any]  # what someone else changes meanwhile (field → value)
    stored: Callable[[Any], Any] | None  # what is stored, read back after the refused save (None: roles)


def _action(make_user: Any) -> tuple[Any, Any, str]:
    lead = make_user(Role.AUDIT_LEAD)
    action = ActionFactory(audit=AuditFactory(lead_auditor=lead), title="Original title")
    return lead, action, f"/audits/actions/{action.pk}/edit/"


def _action_post(action: Action, version: str) -> dict[str, Any]:
    due = (timezone.localdate() + timedelta(days=40)).isoformat()
    return {"title": "Mine", "description": "", "owner": action.owner_id, "due_date": due, "version": version}


def _question_set(make_user: Any) -> tuple[Any, Any, str]:
    question_set = QuestionSetFactory(published_at=None, title="Draft set")
    return make_user(Role.AUDIT_LEAD), question_set, f"/audits/question-sets/{question_set.pk}/edit/"


def _question(make_user: Any) -> tuple[Any, Any, str]:
    question = QuestionSetFactory(published_at=None).questions.get(order=1)
    return make_user(Role.AUDIT_LEAD), question, f"/audits/question-sets/questions/{question.pk}/edit/"


def _question_post(question: Question, version: str) -> dict[str, Any]:
    return {
        "text": "Mine",
        "guidance": "",
        "standard": "",
        "answer_scale": question.answer_scale,
        "allow_not_applicable": "yes" if question.allow_not_applicable else "no",
        "weight": question.weight,
        "version": version,
    }


def _review(make_user: Any) -> tuple[Any, Any, str]:
    lead = make_user(Role.AUDIT_LEAD)
    review = CaseReviewFactory(audit=AuditFactory(lead_auditor=lead))
    return lead, review, f"/audits/reviews/{review.pk}/"


def _review_post(review: CaseReview, version: str) -> dict[str, Any]:
    data: dict[str, Any] = {"version": version}
    for question in review.audit.question_set.questions.all():
        data[f"q{question.pk}"], data[f"c{question.pk}"] = "non_compliant", "Mine"
    return data


def _indicator(make_user: Any) -> tuple[Any, Any, str]:
    lead = make_user(Role.COMMITMENT_LEAD)
    indicator = IndicatorFactory(commitment=CommitmentFactory(lead=lead), target=22)
    return lead, indicator, f"/commitments/indicators/{indicator.pk}/edit/"


def _indicator_post(indicator: CommitmentIndicator, version: str) -> dict[str, Any]:
    original = CommitmentIndicator.objects.get(pk=indicator.pk)
    original.target = 22  # the value the page showed when it was opened
    data = _values(IndicatorForm(instance=original, commitment=original.commitment))
    return {**data, "name": "Mine", "version": version}


def _query(make_user: Any) -> tuple[Any, Any, str]:
    lead = make_user(Role.COMMITMENT_LEAD)
    query = ScrutinyQueryFactory(commitment=CommitmentFactory(lead=lead))
    return lead, query, f"/commitments/queries/{query.pk}/answer/"


def _user(make_user: Any) -> tuple[Any, Any, str]:
    subject = make_user(Role.CASE_EDITOR, full_name="Sam Subject")
    return make_user(Role.ADMINISTRATOR), subject, f"/manage/users/{subject.pk}/"


def _frame(make_user: Any) -> tuple[Any, Any, str]:
    frame, _created = SamplingFrame.objects.update_or_create(
        area="rasso", defaults={"subject_kind": "investigations", "window_months": 6, "sample_size": 8}
    )
    return make_user(Role.AUDIT_LEAD), frame, "/audits/sampling-frames/rasso/"


def _frame_post(frame: SamplingFrame, version: str) -> dict[str, Any]:
    return {
        "subject_kind": "investigations",
        "window_months": 3,
        "sample_size": 8,
        "stratify_by": "",
        "version": version,
    }


def _subject(make_user: Any) -> tuple[Any, Any, str]:
    subject = AuditSubjectFactory(reference="SOM-00042")
    return make_user(Role.AUDIT_LEAD), subject, f"/audits/subjects/{subject.pk}/edit/"


def _subject_post(subject: AuditSubject, version: str) -> dict[str, Any]:
    return {
        "reference": "SOM-00042",
        "visor_category": subject.visor_category,
        "risk_level": "high",
        "start_date": subject.start_date.isoformat(),
        "version": version,
    }


PAGE_CASES = [
    PageCase("action", _action, _action_post, {"title": "Theirs"}, lambda a: a.title),
    PageCase(
        "question set",
        _question_set,
        lambda qs, v: {"title": "Mine", "area": qs.area, "description": "", "version": v},
        {"title": "Theirs"},
        lambda qs: qs.title,
    ),
    PageCase("question", _question, _question_post, {"guidance": "Theirs"}, lambda q: (q.text, q.guidance)),
    PageCase(
        "case review",
        _review,
        _review_post,
        {"reviewed_at": None},
        lambda r: list(Answer.objects.filter(review=r).values_list("value", flat=True)),
    ),
    PageCase("indicator", _indicator, _indicator_post, {"target": 30}, lambda i: (i.name, i.target)),
    PageCase(
        "scrutiny query",
        _query,
        lambda q, v: {"response": "Mine", "version": v},
        {"due_date": timezone.localdate() + timedelta(days=20)},
        lambda q: q.response,
    ),
    PageCase("sampling frame", _frame, _frame_post, {"sample_size": 12}, lambda f: (f.window_months, f.sample_size)),
    PageCase("managed offender", _subject, _subject_post, {"risk_level": "low"}, lambda s: s.risk_level),
    PageCase(
        "user", _user, lambda u, v: {"roles": [Role.AUDIT_LEAD.value], "version": v}, {"full_name": "Sam S."}, None
    ),
]


def _page_stored(case: PageCase, record: Any) -> Any:
    if case.stored is None:  # a user: their roles
        return sorted(record.groups.values_list("name", flat=True))
    return case.stored(type(record).objects.get(pk=record.pk))


@pytest.mark.parametrize("case", PAGE_CASES, ids=[c.noun for c in PAGE_CASES])
def test_a_form_opened_before_someone_else_saved_is_refused_and_nothing_is_written(
    case: PageCase, client_for: Any, make_user: Any
) -> None:
    user, record, url = case.setup(make_user)
    client = client_for(user=user)
    opened = version_on(client.get(url).content.decode())
    _someone_else_saves(record, **case.change)
    model = type(record)
    before = _page_stored(case, record)
    history = record.history.count()

    refused = client.post(url, case.post(record, opened))

    html = refused.content.decode()
    match = STALE.search(html)
    assert match, html[:3000]
    assert match.groups() == (case.noun, "Olga Other")
    assert _page_stored(case, record) == before  # nothing written
    assert record.history.count() == history

    # The re-shown form carries the current version: saving again, having reviewed, goes through.
    current = version_on(html)
    assert current != opened
    again = client.post(url, case.post(model.objects.get(pk=record.pk), current))
    assert again.status_code == 302, again.content.decode()[:3000]


def test_a_board_action_status_from_an_old_page_is_refused(client_for: Any, make_user: Any) -> None:
    chair = make_user(Role.BOARD_CHAIR)
    action = BoardActionFactory(meeting=BoardMeetingFactory(board=BoardFactory(chair=chair)))
    client = client_for(user=chair)
    opened = version_token(action)
    page = client.get(f"/commitments/meetings/{action.meeting_id}/").content.decode()
    assert f'name="version" value="{opened}"' in page
    _someone_else_saves(action, status="in_progress")

    response = client.post(
        f"/commitments/board-actions/{action.pk}/status/", {"status": "completed", "version": opened}, follow=True
    )

    assert STALE.search(response.content.decode()).groups() == ("board action", "Olga Other")  # type: ignore[union-attr]
    assert BoardAction.objects.get(pk=action.pk).status == "in_progress"


# --- the API --------------------------------------------------------------------------------------


@dataclass
class ApiCase:
    noun: str
    setup: Callable[[Any], tuple[Any, Any, str]]  # make_user → (user, record, detail url)
    write: str  # "patch" the detail url, or the name of a POST action under it
    body: dict[str, Any]
    change: dict[str, Any]
    stored: Callable[[Any], Any] | None


def _commitment_api(make_user: Any) -> tuple[Any, Any, str]:
    commitment = CommitmentFactory(text="Original")
    return make_user(Role.ADMINISTRATOR), commitment, f"/api/v1/commitments/{commitment.pk}/"


def _board_api(make_user: Any) -> tuple[Any, Any, str]:
    board = BoardFactory(description="Original")
    return make_user(Role.ADMINISTRATOR), board, f"/api/v1/boards/{board.pk}/"


def _meeting_api(make_user: Any) -> tuple[Any, Any, str]:
    chair = make_user(Role.BOARD_CHAIR)
    meeting = BoardMeetingFactory(board=BoardFactory(chair=chair), minutes="Original")
    return chair, meeting, f"/api/v1/board-meetings/{meeting.pk}/"


def _update_api(make_user: Any) -> tuple[Any, Any, str]:
    lead = make_user(Role.COMMITMENT_LEAD)
    update = ProgressUpdateFactory(commitment=CommitmentFactory(lead=lead), narrative="Original")
    return lead, update, f"/api/v1/progress-updates/{update.pk}/"


def _query_api(make_user: Any) -> tuple[Any, Any, str]:
    lead = make_user(Role.COMMITMENT_LEAD)
    query = ScrutinyQueryFactory(commitment=CommitmentFactory(lead=lead))
    return lead, query, f"/api/v1/scrutiny-queries/{query.pk}/"


def _review_api(make_user: Any) -> tuple[Any, Any, str]:
    lead = make_user(Role.AUDIT_LEAD)
    review = CaseReviewFactory(audit=AuditFactory(lead_auditor=lead))
    AnswerFactory(review=review, value="compliant")
    return lead, review, f"/api/v1/case-reviews/{review.pk}/"


API_CASES = [
    ApiCase("commitment", _commitment_api, "patch", {"text": "Mine"}, {"order": 7}, lambda c: c.text),
    ApiCase("board", _board_api, "patch", {"description": "Mine"}, {"cadence": "monthly"}, lambda b: b.description),
    ApiCase("board meeting", _meeting_api, "patch", {"minutes": "Mine"}, {"decisions": "x"}, lambda m: m.minutes),
    ApiCase(
        "progress update",
        _update_api,
        "patch",
        {"narrative": "Mine"},
        {"proposed_rating": "RED"},
        lambda u: u.narrative,
    ),
    ApiCase(
        "scrutiny query",
        _query_api,
        "answer",
        {"response": "Mine"},
        {"due_date": timezone.localdate() + timedelta(days=20)},
        lambda q: q.response,
    ),
    ApiCase("case review", _review_api, "answers", {}, {"reviewed_at": None}, None),
]


def _send(client: Any, case: ApiCase, url: str, record: Any, body: dict[str, Any], **headers: Any) -> Any:
    if case.write == "patch":
        return client.patch(url, body, format="json", **headers)
    if case.write == "answers":
        question = record.audit.question_set.questions.first()
        body = {**body, "answers": [{"question": question.pk, "value": "non_compliant"}]}
    return client.post(f"{url}{case.write}/", body, format="json", **headers)


def _stored(case: ApiCase, record: Any) -> Any:
    fresh = type(record).objects.get(pk=record.pk)
    if case.stored is None:
        return sorted(Answer.objects.filter(review=fresh).values_list("value", flat=True))
    return case.stored(fresh)


@pytest.mark.parametrize("case", API_CASES, ids=[c.noun for c in API_CASES])
@pytest.mark.parametrize("how", ["body", "if-match"])
def test_an_api_write_from_an_old_version_is_refused_with_409_or_412(
    case: ApiCase, how: str, api_client_for: Any, make_user: Any
) -> None:
    user, record, url = case.setup(make_user)
    client = api_client_for(user=user)
    read = client.get(url)
    opened = read.json()["version"]
    if case.write == "patch":
        assert read["ETag"] == f'"{opened}"'
    _someone_else_saves(record, **case.change)
    before = _stored(case, record)

    stale = {"HTTP_IF_MATCH": f'"{opened}"'} if how == "if-match" else {}
    body = {**case.body, "version": opened} if how == "body" else dict(case.body)
    refused = _send(client, case, url, record, body, **stale)

    # a version in the body: 409 Conflict; in If-Match alone: 412 Precondition Failed
    assert refused.status_code == (412 if how == "if-match" else 409), refused.content
    assert STALE.match(refused.json()["message"]).groups() == (case.noun, "Olga Other")  # type: ignore[union-attr]
    assert _stored(case, record) == before

    current = client.get(url).json()["version"]
    accepted = _send(client, case, url, record, {**case.body, "version": current})
    assert accepted.status_code in (200, 201), accepted.content
    assert accepted.json()["version"] != current  # the write made a new version


def test_the_records_a_write_returns_carry_the_read_shape(api_client_for: Any, make_user: Any) -> None:
    """A PATCH answers with the record as a GET reads it (the schema's shape), not the write serializer's."""
    admin = make_user(Role.ADMINISTRATOR, full_name="Ada Admin")
    board = BoardFactory(chair=make_user(Role.BOARD_CHAIR, full_name="Carl Chair"))
    client = api_client_for(user=admin)
    read = client.get(f"/api/v1/boards/{board.pk}/").json()
    written = client.patch(f"/api/v1/boards/{board.pk}/", {"description": "New"}, format="json").json()
    assert set(written) == set(read)
    assert written["chair_name"] == "Carl Chair"


def test_records_with_no_edit_form_of_their_own_still_have_versions() -> None:
    """Boards and meetings are edited through the API only; their versions move with every save."""
    for record in (BoardFactory(), BoardMeetingFactory(), CommitmentFactory()):
        before = version_token(record)
        type(record).objects.get(pk=record.pk).save()
        assert version_token(type(record).objects.get(pk=record.pk)) != before
