"""Demo data for the ``commitments`` app, called by ``manage.py seed_demo`` (idempotent).

The plan with the ten commitments of the force's annex (exact texts, in order), eight quarters of
published ratings ending 2025-26-Q2 (256 AMBER, the rest GREEN), the Q2 narratives from the report,
proposals for 2025-26-Q3 at each stage of the workflow, the report's boards with chairs, meetings and
actions, the three inspection recommendations of the PCC's response as tracker items (owners, due dates
relative to today, an evidence update each; the demo lead owns an overdue one), and a few scrutiny
queries (one overdue for the demo lead, one answered, one closed).

The demo commitment lead leads 34, 38, 39 and 47; the demo board chair chairs the Vulnerability
Improvement Board (147, 148, 149, 256). Ratings before the plan's start are those of the same
commitments carried over from the previous plan.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from oversight.models import User
from oversight.periods import parse_quarter
from oversight.seeding import register_seed

from . import seed_data as data
from .choices import AssessmentStatus, QueryStatus, QuerySubject, Rating
from .models import (
    Board,
    BoardAction,
    BoardMeeting,
    Chapter,
    Commitment,
    InspectionRecommendation,
    InspectionReport,
    Plan,
    ProgressUpdate,
    RagAssessment,
    RecommendationEvidence,
    ReportingPeriod,
    ScrutinyQuery,
)
from .selectors import reporting_key

LETTER = {"G": Rating.GREEN, "A": Rating.AMBER, "R": Rating.RED}


def _named(user: User | None) -> User:
    """A lead or chair the seed data names (every demo commitment has a lead, every board a chair)."""
    if user is None:
        raise ValueError("The demo data names a lead or chair here: seed_data.py is inconsistent.")
    return user


def _person(key: str) -> User:
    email, name, title, role = data.PEOPLE[key]
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=name, job_title=title)
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def _at(day: Any, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _old_narrative(ref: str, key: str, rating: str, board: str) -> str:
    label = f"{key[-2:]} {key[2:4]}/{key[5:7]}"
    state = {
        Rating.GREEN: "Delivery remains on track.",
        Rating.AMBER: "Delivery is behind plan and support from the SMT lead has been requested.",
        Rating.RED: "Delivery is off track and needs support from the wider SMT.",
    }[Rating(rating)]
    return (
        f"{label} update for action ref {ref}. {state}\n\n"
        f"Progress and risks were reviewed at the {board}; actions are tracked in its minutes."
    )


@transaction.atomic
@register_seed(order=20)
def run(*, stdout: Any, users: dict[str, Any]) -> None:
    """Create this app's demo data (idempotent). ``users`` maps role → demo user."""
    demo_lead, demo_chair, opcc = users["commitment_lead"], users["board_chair"], users["opcc_scrutiny"]
    people = {key: _person(key) for key in data.PEOPLE}
    people["demo_lead"], people["demo_chair"] = demo_lead, demo_chair

    plan, _ = Plan.objects.get_or_create(
        title=data.PLAN_TITLE, defaults={"start_date": data.PLAN_START, "end_date": data.PLAN_END}
    )
    chapters = []
    for order, title in enumerate(data.CHAPTERS, start=1):
        chapter, _ = Chapter.objects.get_or_create(plan=plan, title=title, defaults={"order": order})
        chapters.append(chapter)

    boards: dict[str, Board] = {}
    for name, (chair_key, chair_title, cadence, remit, description) in data.BOARDS.items():
        board, _ = Board.objects.get_or_create(
            name=name,
            defaults={
                "chair": people[chair_key],
                "chair_title": chair_title,
                "cadence": cadence,
                "remit": remit,
                "description": description,
            },
        )
        boards[name] = board

    commitments: dict[str, Commitment] = {}
    for order, (ref, chapter_index, text, lead_key, board_name, strands, _history, _open) in enumerate(
        data.COMMITMENTS, start=1
    ):
        commitment, _ = Commitment.objects.get_or_create(
            plan=plan,
            action_ref=ref,
            defaults={
                "chapter": chapters[chapter_index],
                "text": text,
                "order": order,
                "lead": people[lead_key],
                "board": boards[board_name],
                "strands": strands,
            },
        )
        commitments[ref] = commitment
    for board in boards.values():
        members = {c.lead for c in commitments.values() if c.board_id == board.pk and c.lead} | {board.chair}
        board.members.add(*[m for m in members if m])
    boards["Vulnerability Improvement Board"].members.add(people["head_ppu"])

    periods = {key: ReportingPeriod.objects.for_key(key) for key in [*data.HISTORY_QUARTERS, data.OPEN_QUARTER]}
    created = 0
    for ref, _chapter, _text, _lead, board_name, _strands, history, open_state in data.COMMITMENTS:
        commitment = commitments[ref]
        board = boards[board_name]
        for key, letter in zip(data.HISTORY_QUARTERS, history, strict=True):
            if RagAssessment.objects.filter(commitment=commitment, period=periods[key]).exists():
                continue
            rating = LETTER[letter]
            end = parse_quarter(key).end
            narrative = data.Q2_NARRATIVES[ref] if key == "2025-26-Q2" else _old_narrative(ref, key, rating, board_name)
            ProgressUpdate.objects.get_or_create(
                commitment=commitment,
                period=periods[key],
                defaults={
                    "narrative": narrative,
                    "proposed_rating": rating,
                    "author": _named(commitment.lead),
                    "submitted_at": _at(end + timedelta(days=14)),
                },
            )
            RagAssessment.objects.create(
                commitment=commitment,
                period=periods[key],
                status=AssessmentStatus.PUBLISHED,
                proposed_rating=rating,
                proposed_by=_named(commitment.lead),
                proposed_at=_at(end + timedelta(days=14)),
                review_comment="Endorsed by the board.",
                reviewed_by=_named(board.chair),
                reviewed_at=_at(end + timedelta(days=30)),
                rating=rating,
                rationale="Assigned through the OPCC's quarterly scrutiny of the force's evidence.",
                published_by=opcc,
                published_at=_at(end + timedelta(days=60)),
            )
            created += 1

        if (
            open_state
            and not RagAssessment.objects.filter(commitment=commitment, period=periods[data.OPEN_QUARTER]).exists()
        ):
            status, proposed, comment = open_state
            end = parse_quarter(data.OPEN_QUARTER).end
            ProgressUpdate.objects.get_or_create(
                commitment=commitment,
                period=periods[data.OPEN_QUARTER],
                defaults={
                    "narrative": data.Q2_NARRATIVES[ref].split("\n\n")[0]
                    + "\n\nThe quarter's activity continued as planned; details to follow at the board.",
                    "proposed_rating": proposed,
                    "author": _named(commitment.lead),
                    "submitted_at": _at(end + timedelta(days=10)),
                },
            )
            reviewed = status in (AssessmentStatus.ENDORSED, AssessmentStatus.CHALLENGED)
            RagAssessment.objects.create(
                commitment=commitment,
                period=periods[data.OPEN_QUARTER],
                status=status,
                proposed_rating=proposed,
                proposed_by=_named(commitment.lead),
                proposed_at=_at(end + timedelta(days=10)),
                review_comment=comment,
                reviewed_by=board.chair if reviewed else None,
                reviewed_at=_at(end + timedelta(days=20)) if reviewed else None,
            )
            created += 1

    if plan.reporting_period_id is None:
        plan.reporting_period = periods[data.OPEN_QUARTER]
        plan.save(update_fields=["reporting_period"])

    for board_name, day, refs, minutes, decisions, actions in data.MEETINGS:
        board = boards[board_name]
        meeting, made = BoardMeeting.objects.get_or_create(
            board=board,
            date=day,
            defaults={"minutes": minutes, "decisions": decisions, "recorded_by": _named(board.chair)},
        )
        if made:
            meeting.attendees.set(board.members.all())
            meeting.commitments_reviewed.set([commitments[r] for r in refs])
            for description, owner_key, due, status in actions:
                BoardAction.objects.create(
                    meeting=meeting,
                    description=description,
                    owner=people[owner_key],
                    due_date=due,
                    status=status,
                    completed_at=_at(due) if status == "completed" else None,
                )

    _seed_tracker(people=people, commitments=commitments, board=boards["Operation Soteria Operations Board"], opcc=opcc)
    queries = _seed_queries(people=people, commitments=commitments, boards=boards, opcc=opcc)
    stdout.write(
        f"commitments: {len(commitments)} commitments, {len(boards)} boards, {created} new ratings "
        f"(reporting on {reporting_key(plan)}), {queries} new scrutiny queries"
    )


def _seed_tracker(*, people: dict[str, User], commitments: dict[str, Commitment], board: Board, opcc: User) -> None:
    """The inspection report with the PCC's response, and its three items as tracker items."""
    today = timezone.localdate()
    report, _ = InspectionReport.objects.get_or_create(title=data.INSPECTION_REPORT)
    if not report.pcc_response:  # new, or carried over from before the tracker without the PCC's response
        report.published_on = report.published_on or data.INSPECTION_DATE
        report.pcc_response, report.pcc_response_published_on = data.PCC_RESPONSE, data.PCC_RESPONSE_DATE
        report.save()
    for number, text, response, status in data.RECOMMENDATIONS:
        owner_key, due_in, refs, (days_ago, evidence) = data.TRACKER[number]
        item, made = InspectionRecommendation.objects.get_or_create(
            report=report,
            number=number,
            defaults={
                "text": text,
                "response": response,
                "status": status,
                "board": board,
                "owner": people[owner_key],
                "due_date": today + timedelta(days=due_in),
            },
        )
        if made or item.owner_id is None:  # new, or carried over from before the tracker without an owner
            item.owner, item.due_date = people[owner_key], item.due_date or today + timedelta(days=due_in)
            item.save()
            item.commitments.set([commitments[ref] for ref in refs])
            RecommendationEvidence.objects.create(
                recommendation=item,
                date=today - timedelta(days=days_ago),
                text=evidence,
                author=people[owner_key],
                created_at=_at(today - timedelta(days=days_ago)),
            )


def _seed_queries(
    *, people: dict[str, User], commitments: dict[str, Commitment], boards: dict[str, Board], opcc: User
) -> int:
    """A few scrutiny queries raised by the demo OPCC officer (matched on their question: idempotent)."""
    today = timezone.localdate()
    created = 0
    for subject, owner_key, question, due_in, status, response, comment in data.QUERIES:
        if ScrutinyQuery.objects.filter(question=question).exists():
            continue
        query = ScrutinyQuery(subject_type=subject[0], question=question, status=status, raised_by=opcc)
        if subject[0] == QuerySubject.COMMITMENT:
            query.commitment = commitments[subject[1]]
            query.owner = _named(query.commitment.lead)
        elif subject[0] == QuerySubject.BOARD:
            query.board = boards[subject[1]]
            query.owner = _named(query.board.chair)
        else:
            query.kpi_metric, query.kpi_filters, query.kpi_period = subject[1], subject[2], subject[3]
        if owner_key:
            query.owner = people[owner_key]
        query.due_date = today + timedelta(days=due_in)
        query.raised_at = _at(min(today, query.due_date) - timedelta(days=21))
        if status in (QueryStatus.ANSWERED, QueryStatus.CLOSED):
            query.response, query.answered_at = response, _at(min(today, query.due_date) - timedelta(days=3))
        if status == QueryStatus.CLOSED:
            query.opcc_comment, query.closed_at = comment, _at(min(today, query.due_date) - timedelta(days=1))
        query.full_clean()
        query.save()
        created += 1
    return created
