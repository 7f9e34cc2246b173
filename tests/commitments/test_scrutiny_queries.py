"""Scrutiny queries: the OPCC raises, closes and reopens; only the owner answers; overdue while it waits
for the owner; never a crime reference; the API's 201/403/400; home counts, digest and monthly summary."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from commitments import scrutiny_selectors as selectors
from commitments import scrutiny_services as services
from commitments.choices import QueryStatus
from commitments.models import ScrutinyQuery
from oversight.errors import ApplicationError
from oversight.roles import Role
from summaries import builders, emails
from summaries.models import DigestDelivery
from tests.commitments.conftest import Cast
from tests.commitments.factories import (
    BoardFactory,
    CommitmentFactory,
    InspectionRecommendationFactory,
    ScrutinyQueryFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FORTNIGHT = TODAY + timedelta(days=14)


def raise_on(cast: Cast, **kwargs: Any) -> ScrutinyQuery:
    arguments = {"commitment": cast.commitment, "question": "Why did the rate fall?", "due_date": FORTNIGHT}
    return services.query_raise(actor=cast.opcc, **{**arguments, **kwargs})


# --- raising and the default owner ------------------------------------------------------------------


def test_the_opcc_raises_a_query_on_a_commitment_and_its_lead_owns_it(cast: Cast) -> None:
    query = raise_on(cast)
    assert (query.status, query.owner, query.raised_by) == (QueryStatus.OPEN, cast.lead, cast.opcc)
    assert query.subject_label == "Commitment 147"
    assert query.history.get().history_user == cast.opcc


def test_a_query_on_a_board_defaults_to_its_chair_and_on_a_recommendation_to_its_owner(cast: Cast) -> None:
    board_query = raise_on(cast, commitment=None, board=cast.commitment.board)
    recommendation = InspectionRecommendationFactory(owner=cast.lead)
    recommendation_query = raise_on(cast, commitment=None, recommendation=recommendation)
    assert board_query.owner == cast.chair
    assert recommendation_query.owner == cast.lead


def test_an_owner_given_explicitly_wins_over_the_default(cast: Cast) -> None:
    assert raise_on(cast, owner=cast.chair).owner == cast.chair


def test_a_kpi_or_audit_area_query_needs_an_owner_and_stores_codes_only(cast: Cast) -> None:
    with pytest.raises(ApplicationError, match="Choose who must answer"):
        raise_on(cast, commitment=None, audit_area="rasso")
    query = raise_on(
        cast,
        commitment=None,
        kpi_metric="positive_outcome_rate",
        kpi_filters={"strand": "CSE", "lpa": "Birmingham"},
        kpi_period="2025-26-Q2",
        owner=cast.chair,
    )
    assert query.kpi_filters == {"lpa": "birmingham", "strand": "cse"}
    assert query.subject_label == "KPI: Positive outcome rate (%) (lpa birmingham, strand cse; 2025-26-Q2)"


def test_a_commitment_without_a_lead_needs_an_explicit_owner(cast: Cast) -> None:
    orphan = CommitmentFactory(lead=None, board=None)
    with pytest.raises(ApplicationError, match="no lead, chair or owner"):
        raise_on(cast, commitment=orphan)
    assert raise_on(cast, commitment=orphan, owner=cast.chair).owner == cast.chair


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"question": "   "}, "Enter the question"),
        ({"question": "Explain case 20/123456/25 please."}, "must not carry a crime reference"),
        ({"question": "Why\x07?"}, "control characters"),
        ({"due_date": TODAY - timedelta(days=1)}, "cannot be in the past"),
        ({"due_date": None}, "Enter the due date"),
        ({"board": "x"}, "one commitment, board"),  # two subjects
        ({"commitment": None}, "Say what the query is about"),
        ({"commitment": None, "kpi_metric": "made_up", "kpi_period": "2025-26-Q2"}, "is not a KPI"),
        ({"commitment": None, "audit_area": "nowhere"}, "is not an audit area"),
        ({"kpi_period": "2025-26-Q2"}, "belong to a KPI query only"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(
    cast: Cast, changes: dict[str, Any], message: str
) -> None:
    if changes.get("board") == "x":
        changes = {**changes, "board": cast.commitment.board}
    with pytest.raises(ApplicationError, match=message):
        raise_on(cast, **changes)
    assert not ScrutinyQuery.objects.exists()


def test_an_unknown_kpi_filter_code_is_refused(cast: Cast) -> None:
    with pytest.raises(ApplicationError, match="not a known code"):
        raise_on(
            cast,
            commitment=None,
            kpi_metric="charged",
            kpi_period="2025-26-Q2",
            kpi_filters={"strand": "nonsense"},
            owner=cast.chair,
        )


def test_the_opcc_cannot_own_a_query_it_raises(cast: Cast) -> None:
    with pytest.raises(ApplicationError, match="cannot own a query you raise"):
        raise_on(cast, owner=cast.opcc)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.OPCC_SCRUTINY])
def test_no_other_role_may_raise_a_query(cast: Cast, make_user: Any, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        services.query_raise(actor=make_user(role), commitment=cast.commitment, question="Why?", due_date=FORTNIGHT)


# --- answering, closing, reopening --------------------------------------------------------------------


def test_the_owner_answers_and_nobody_else_may(cast: Cast, make_user: Any) -> None:
    query = raise_on(cast)
    for outsider in (cast.opcc, cast.chair, make_user(Role.COMMITMENT_LEAD), make_user(Role.ADMINISTRATOR)):
        with pytest.raises(PermissionDenied, match="Only Lena Lead"):
            services.query_answer(query=query, response="Not mine to answer.", actor=outsider)
    answered = services.query_answer(query=query, response="Two cases finalised late.", actor=cast.lead)
    assert (answered.status, answered.response) == (QueryStatus.ANSWERED, "Two cases finalised late.")
    assert answered.answered_at is not None
    with pytest.raises(ApplicationError, match="only an open or reopened query can be answered"):
        services.query_answer(query=query, response="Again.", actor=cast.lead)


def test_an_answer_may_not_carry_a_crime_reference(cast: Cast) -> None:
    query = raise_on(cast)
    with pytest.raises(ApplicationError, match="crime reference"):
        services.query_answer(query=query, response="See 20/100001/25.", actor=cast.lead)
    query.refresh_from_db()
    assert (query.status, query.response) == (QueryStatus.OPEN, "")


def test_only_the_opcc_closes_and_reopens(cast: Cast) -> None:
    query = raise_on(cast)
    services.query_answer(query=query, response="Done.", actor=cast.lead)
    for outsider in (cast.lead, cast.chair):
        with pytest.raises(PermissionDenied):
            services.query_close(query=query, actor=outsider)
        with pytest.raises(PermissionDenied):
            services.query_reopen(query=query, reason="More.", actor=outsider)

    reopened = services.query_reopen(query=query, reason="Which quarter does it count?", actor=cast.opcc)
    assert (reopened.status, reopened.opcc_comment) == (QueryStatus.REOPENED, "Which quarter does it count?")
    services.query_answer(query=query, response="Q2 only.", actor=cast.lead)
    closed = services.query_close(query=query, comment="Thank you.", actor=cast.opcc)
    assert closed.status == QueryStatus.CLOSED and closed.closed_at is not None
    statuses = list(query.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == ["open", "answered", "reopened", "answered", "closed"]


def test_invalid_transitions_say_why(cast: Cast) -> None:
    query = raise_on(cast)
    with pytest.raises(ApplicationError, match="still waiting for its owner: nothing to reopen"):
        services.query_reopen(query=query, reason="More.", actor=cast.opcc)
    services.query_close(query=query, comment="Withdrawn.", actor=cast.opcc)
    with pytest.raises(ApplicationError, match="already closed"):
        services.query_close(query=query, actor=cast.opcc)
    with pytest.raises(ApplicationError, match="Enter the reason for reopening"):
        services.query_reopen(query=query, reason="", actor=cast.opcc)


def test_reopening_after_the_due_date_needs_a_new_one(cast: Cast) -> None:
    query = ScrutinyQueryFactory(commitment=cast.commitment, overdue=True, answered=True)
    with pytest.raises(ApplicationError, match="has passed: give a new due date"):
        services.query_reopen(query=query, reason="More.", actor=cast.opcc)
    reopened = services.query_reopen(query=query, reason="More.", due_date=FORTNIGHT, actor=cast.opcc)
    assert reopened.due_date == FORTNIGHT and not reopened.overdue_on(TODAY)


# --- overdue -------------------------------------------------------------------------------------------


def test_a_query_is_overdue_only_while_it_waits_for_its_owner_after_the_due_date(cast: Cast) -> None:
    past = TODAY - timedelta(days=3)
    open_late = ScrutinyQueryFactory(commitment=cast.commitment, due_date=past)
    ScrutinyQueryFactory(commitment=cast.commitment, due_date=past, answered=True)  # answering stops the clock
    ScrutinyQueryFactory(commitment=cast.commitment, due_date=past, status=QueryStatus.CLOSED)
    reopened_late = ScrutinyQueryFactory(
        commitment=cast.commitment, due_date=past, status=QueryStatus.REOPENED, response="Old answer."
    )
    ScrutinyQueryFactory(commitment=cast.commitment, due_date=TODAY)  # due today: not yet overdue

    overdue = set(ScrutinyQuery.objects.overdue(TODAY).values_list("pk", flat=True))
    assert overdue == {open_late.pk, reopened_late.pk}
    listed: list[Any] = list(selectors.query_list(user=cast.opcc, today=TODAY))  # annotated with is_overdue
    assert sorted(q.pk for q in listed if q.is_overdue) == sorted(overdue)


def test_home_counts_for_the_opcc_and_for_the_owner(cast: Cast, client_for: Any) -> None:
    past = TODAY - timedelta(days=3)
    ScrutinyQueryFactory(commitment=cast.commitment, due_date=past)  # lead: overdue
    ScrutinyQueryFactory(commitment=cast.commitment)  # lead: waiting, not overdue
    ScrutinyQueryFactory(commitment=cast.commitment, answered=True)  # answered: for the OPCC to review
    ScrutinyQueryFactory(board=cast.commitment.board, commitment=None, subject_type="board", owner=cast.chair)
    # OPCC: 3 waiting (2 of the lead's, 1 of the chair's), 1 overdue, 1 answered.
    assert selectors.query_home_counts(user=cast.opcc, today=TODAY) == {
        "awaiting": 3,
        "overdue": 1,
        "answered": 1,
        "mine_awaiting": 0,
        "mine_overdue": 0,
    }
    opcc_home = client_for(user=cast.opcc).get("/").content.decode()
    assert 'href="/commitments/queries/?overdue=yes"><strong>1</strong> overdue' in opcc_home
    assert "Raise a scrutiny query" in opcc_home

    lead_home = client_for(user=cast.lead).get("/").content.decode()
    assert f'href="/commitments/queries/?owner={cast.lead.pk}&amp;awaiting=yes"><strong>2</strong>' in lead_home
    assert f'href="/commitments/queries/?owner={cast.lead.pk}&amp;overdue=yes"><strong>1</strong> overdue' in lead_home
    outsider_home = client_for(Role.AUDIT_LEAD).get("/").content.decode()
    assert "scrutiny quer" not in outsider_home


def test_the_daily_digest_emails_the_owner_their_overdue_queries_once(cast: Cast) -> None:
    cast.lead.email = "lena@example.org"
    cast.lead.save()
    ScrutinyQueryFactory(commitment=cast.commitment, due_date=TODAY - timedelta(days=4), question="Which strands?")
    ScrutinyQueryFactory(commitment=cast.commitment, due_date=TODAY - timedelta(days=4), answered=True)

    assert emails.send_overdue_digests(today=TODAY) == {"sent": 1, "skipped": 0}
    message = mail.outbox[0]
    assert message.to == ["lena@example.org"]
    assert message.subject == "Oversight: you have 1 overdue scrutiny query"
    assert "Commitment 147" in message.body and "Which strands?" in message.body
    assert "(4 days overdue)" in message.body
    assert DigestDelivery.objects.get().query_count == 1
    assert emails.send_overdue_digests(today=TODAY) == {"sent": 0, "skipped": 1}


def test_the_digest_summary_and_the_monthly_summary_count_overdue_queries(cast: Cast) -> None:
    ScrutinyQueryFactory(commitment=cast.commitment, due_date=TODAY - timedelta(days=1))
    ScrutinyQueryFactory(commitment=cast.commitment, due_date=TODAY - timedelta(days=1), answered=True)
    ScrutinyQueryFactory(board=cast.commitment.board, commitment=None, subject_type="board", owner=cast.chair)

    digest = builders.overdue_digest_data(builders.parse_period("overdue_digest", TODAY.isoformat()))
    assert digest["owners"] == [{"owner": "Lena Lead", "overdue": 0, "queries": 1}]
    assert digest["total_queries"] == 1

    month = TODAY.strftime("%Y-%m")
    counts = builders.monthly_performance_data(builders.parse_period("monthly_performance", month))["scrutiny_queries"]
    # All three raised today (this month), one answered; waiting: the overdue one and the board's.
    assert counts == {"raised": 3, "answered": 1, "closed": 0, "awaiting": 2, "overdue": 1}


# --- pages --------------------------------------------------------------------------------------------


def test_the_opcc_raises_a_query_from_the_commitment_page(cast: Cast, client_for: Any) -> None:
    opcc = client_for(user=cast.opcc)
    page = opcc.get(f"/commitments/{cast.commitment.pk}/").content.decode()
    assert f'href="/commitments/queries/new/?commitment={cast.commitment.pk}"' in page
    form = opcc.get(f"/commitments/queries/new/?commitment={cast.commitment.pk}").content.decode()
    assert "Commitment 147" in form
    response = opcc.post(
        "/commitments/queries/new/",
        {
            "subject_type": "commitment",
            "commitment": cast.commitment.pk,
            "question": "Why?",
            "due_date": FORTNIGHT.isoformat(),
        },
    )
    query = ScrutinyQuery.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/commitments/queries/{query.pk}/"
    assert query.owner == cast.lead
    lead_page = client_for(user=cast.lead).get(f"/commitments/{cast.commitment.pk}/").content.decode()
    assert "Raise a scrutiny query" not in lead_page and "Why?" in lead_page


def test_the_raise_page_shows_a_service_refusal_on_the_form(cast: Cast, client_for: Any) -> None:
    response = client_for(user=cast.opcc).post(
        "/commitments/queries/new/",
        {
            "subject_type": "commitment",
            "commitment": cast.commitment.pk,
            "question": "About 20/123456/25",
            "due_date": FORTNIGHT.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "must not carry a crime reference" in response.content.decode()
    assert not ScrutinyQuery.objects.exists()


def test_the_list_filters_overdue_and_downloads_csv(cast: Cast, client_for: Any) -> None:
    late = ScrutinyQueryFactory(commitment=cast.commitment, overdue=True, question="Late one")
    ScrutinyQueryFactory(commitment=cast.commitment, question="On time")
    client = client_for(Role.BOARD_CHAIR)
    page = client.get("/commitments/queries/?overdue=yes").content.decode()
    assert "Late one" in page and "On time" not in page
    download = client.get("/commitments/queries/?overdue=yes&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Query", "Subject", "Question"]
    assert rows[1][:3] == [str(late.pk), "Commitment 147", "Late one"] and rows[1][8] == "yes"
    assert len(rows) == 2
    assert client.get("/commitments/queries/?owner=abc").status_code == 400


def test_the_detail_page_shows_the_history_and_the_owners_answer_button(cast: Cast, client_for: Any) -> None:
    query = raise_on(cast)
    services.query_answer(query=query, response="Two cases finalised late.", actor=cast.lead)
    page = client_for(user=cast.opcc).get(f"/commitments/queries/{query.pk}/").content.decode()
    assert "status: Answered; response: Two cases finalised late." in page
    assert "Reopen the query" in page and "Answer the query" not in page
    assert client_for(user=cast.chair).get(f"/commitments/queries/{query.pk}/answer/").status_code == 403


# --- API -----------------------------------------------------------------------------------------------


def test_post_creates_a_query_for_the_opcc_with_the_default_owner(cast: Cast, api_client_for: Any) -> None:
    client = api_client_for(user=cast.opcc)
    body = {"commitment": cast.commitment.pk, "question": "Why?", "due_date": FORTNIGHT.isoformat()}
    response = client.post("/api/v1/scrutiny-queries/", body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["owner"], data["owner_name"], data["status"], data["overdue"]) == (
        cast.lead.pk,
        "Lena Lead",
        "open",
        False,
    )
    assert data["subject"] == "Commitment 147" and data["raised_by"] == "Olive Opcc"
    assert "crime_reference" not in data and "investigation" not in data


@pytest.mark.parametrize("role", [r for r in Role if r != Role.OPCC_SCRUTINY])
def test_post_is_refused_to_every_other_role(cast: Cast, api_client_for: Any, role: Role) -> None:
    body = {"commitment": cast.commitment.pk, "question": "Why?", "due_date": FORTNIGHT.isoformat()}
    assert api_client_for(role).post("/api/v1/scrutiny-queries/", body, format="json").status_code == 403
    assert not ScrutinyQuery.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"commitment": 999999}, "commitment"),
        ({"commitment": 10**30}, "commitment"),
        ({"commitment": "abc"}, "commitment"),
        ({"question": ""}, "question"),
        ({"question": "with a null \x00 byte"}, "question"),
        ({"question": "bell \x07"}, "question"),
        ({"question": "see 20/123456/25"}, "question"),
        ({"due_date": "2025-13-45"}, "due_date"),
        ({"due_date": (TODAY - timedelta(days=1)).isoformat()}, "due_date"),
        ({"owner": 999999}, "owner"),
        ({"kpi_filters": "strand=cse"}, "kpi_filters"),
    ],
)
def test_bad_input_gets_a_400_with_a_message_never_a_500(
    cast: Cast, api_client_for: Any, changes: dict[str, Any], field: str
) -> None:
    body = {"commitment": cast.commitment.pk, "question": "Why?", "due_date": FORTNIGHT.isoformat(), **changes}
    response = api_client_for(user=cast.opcc).post("/api/v1/scrutiny-queries/", body, format="json")
    assert response.status_code == 400
    assert response.json()["message"] and field in response.json()["errors"]
    assert not ScrutinyQuery.objects.exists()


def test_the_api_answers_closes_and_reopens_by_role(cast: Cast, api_client_for: Any) -> None:
    query = raise_on(cast)
    opcc, lead, chair = (api_client_for(user=u) for u in (cast.opcc, cast.lead, cast.chair))
    assert (
        chair.post(f"/api/v1/scrutiny-queries/{query.pk}/answer/", {"response": "x"}, format="json").status_code == 403
    )
    assert (
        opcc.post(f"/api/v1/scrutiny-queries/{query.pk}/answer/", {"response": "x"}, format="json").status_code == 403
    )
    answered = lead.post(f"/api/v1/scrutiny-queries/{query.pk}/answer/", {"response": "Done."}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert lead.post(f"/api/v1/scrutiny-queries/{query.pk}/close/", {}, format="json").status_code == 403
    again = opcc.post(f"/api/v1/scrutiny-queries/{query.pk}/reopen/", {"reason": ""}, format="json")
    assert again.status_code == 400
    reopened = opcc.post(f"/api/v1/scrutiny-queries/{query.pk}/reopen/", {"reason": "Which quarter?"}, format="json")
    assert reopened.json()["status"] == "reopened"
    assert opcc.post(f"/api/v1/scrutiny-queries/{query.pk}/close/", {}, format="json").json()["status"] == "closed"
    assert opcc.patch(f"/api/v1/scrutiny-queries/{query.pk}/", {"status": "open"}, format="json").status_code == 405


def test_the_list_endpoint_filters_and_keeps_a_constant_number_of_queries(
    cast: Cast, api_client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(6):
        ScrutinyQueryFactory(commitment=CommitmentFactory(lead=cast.lead, board=BoardFactory()), overdue=n % 2 == 0)
    client = api_client_for(user=cast.opcc)
    with django_assert_max_num_queries(8):
        data = client.get("/api/v1/scrutiny-queries/?overdue=yes").json()
    assert data["count"] == 3 and all(row["overdue"] for row in data["results"])
    assert client.get("/api/v1/scrutiny-queries/?status=nonsense").status_code == 400


def test_a_past_day_is_a_fixed_date_not_today(cast: Cast) -> None:
    # Overdue is judged against the day given: a query due yesterday was not overdue a week ago.
    query = ScrutinyQueryFactory(commitment=cast.commitment, due_date=TODAY - timedelta(days=1))
    assert query.overdue_on(TODAY) and not query.overdue_on(TODAY - timedelta(days=7))
    assert not ScrutinyQuery.objects.overdue(date(TODAY.year - 1, 1, 1)).exists()
