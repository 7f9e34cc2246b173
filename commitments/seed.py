"""Demo data for the ``commitments`` app, called by ``manage.py seed_demo`` (idempotent).

The plan with the ten commitments of the force's annex (exact texts, in order), published ratings
from 2023-24-Q3 up to the last complete quarter (the annex's eight quarters ending 2025-26-Q2 —
256 AMBER, the rest GREEN — then each commitment's last rating), the Q2 narratives from the report,
proposals for the quarter in progress (today decides) at each stage of the workflow, progress
updates dated within their quarter, the report's boards with chairs, meetings and actions, the
commitments' indicators (their baselines computed by the KPI engine from the calibrated register),
the three inspection recommendations of the PCC's response as tracker items (owners, due dates
relative to today, an evidence update each; the demo lead owns an overdue one) and a few scrutiny
queries (one overdue for the demo lead, one answered, one closed). After the audits seed, the evidence
of every published rating is stored with it, as publishing does.

The demo commitment lead leads 34, 38, 39 and 47; the demo board chair chairs the Vulnerability
Improvement Board (147, 148, 149, 256 and 38), so the demo logins complete the chain on 38.
Ratings before the plan's start are those of the same commitments carried over from the previous plan.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cases.kpis import kpi_rows
from oversight.models import User
from oversight.periods import Period, financial_year_of, next_quarter, parse_quarter, quarter_of
from oversight.seeding import register_seed

from . import evidence, services
from . import seed_data as data
from .choices import AssessmentStatus, BoardActionStatus, QueryStatus, QuerySubject, Rating
from .models import (
    Board,
    BoardAction,
    BoardMeeting,
    Chapter,
    Commitment,
    CommitmentIndicator,
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

    today = timezone.localdate()
    current = quarter_of(today)
    published_keys = [key for key in data.HISTORY_QUARTERS if parse_quarter(key).end < current.start]
    following = next_quarter(parse_quarter(data.HISTORY_QUARTERS[-1]))
    while following.start < current.start:
        published_keys.append(following.key)
        following = next_quarter(following)
    periods = {key: ReportingPeriod.objects.for_key(key) for key in [*published_keys, current.key]}
    created = 0
    for ref, _chapter, _text, _lead, board_name, _strands, history, open_state in data.COMMITMENTS:
        commitment = commitments[ref]
        board = boards[board_name]
        for key in published_keys:
            if RagAssessment.objects.filter(commitment=commitment, period=periods[key]).exists():
                continue
            letters = dict(zip(data.HISTORY_QUARTERS, history, strict=True))
            rating = LETTER[letters.get(key, history[-1])]
            quarter = parse_quarter(key)
            narrative = data.Q2_NARRATIVES[ref] if key == "2025-26-Q2" else _old_narrative(ref, key, rating, board_name)
            _update(commitment, periods[key], narrative, rating, _within(quarter, today))
            RagAssessment.objects.create(
                commitment=commitment,
                period=periods[key],
                status=AssessmentStatus.PUBLISHED,
                proposed_rating=rating,
                proposed_by=_named(commitment.lead),
                proposed_at=_within(quarter, today),
                review_comment="Endorsed by the board.",
                reviewed_by=_named(board.chair),
                reviewed_at=_within(quarter, today) + timedelta(days=5),
                rating=rating,
                rationale="Assigned through the OPCC's quarterly scrutiny of the force's evidence.",
                published_by=opcc,
                published_at=min(_at(quarter.end + timedelta(days=21)), timezone.now()),
            )
            created += 1

        if open_state and not RagAssessment.objects.filter(commitment=commitment, period=periods[current.key]).exists():
            status, proposed, comment = open_state
            submitted = _within(current, today)
            narrative = (
                data.Q2_NARRATIVES[ref].split("\n\n")[0]
                + "\n\nThe quarter's activity continued as planned; details to follow at the board."
            )
            _update(commitment, periods[current.key], narrative, proposed, submitted)
            reviewed = status in (AssessmentStatus.ENDORSED, AssessmentStatus.CHALLENGED)
            RagAssessment.objects.create(
                commitment=commitment,
                period=periods[current.key],
                status=status,
                proposed_rating=proposed,
                proposed_by=_named(commitment.lead),
                proposed_at=submitted,
                review_comment=comment,
                reviewed_by=board.chair if reviewed else None,
                reviewed_at=min(submitted + timedelta(hours=2), timezone.now()) if reviewed else None,
            )
            created += 1

    if plan.reporting_period_id is None:
        plan.reporting_period = periods[current.key]
        plan.save(update_fields=["reporting_period"])

    actions: dict[str, BoardAction] = {}
    for board_name, day, refs, minutes, decisions, meeting_actions in data.MEETINGS:
        actions |= _meeting(
            boards[board_name],
            day,
            [commitments[r] for r in refs],
            minutes,
            decisions,
            [(description, people[owner_key], due, status) for description, owner_key, due, status in meeting_actions],
            today,
        )
    board_name, refs, minutes, decisions, current_actions = data.CURRENT_MEETING
    day = min(current.start + timedelta(days=14), today)
    actions |= _meeting(
        boards[board_name],
        day,
        [commitments[r] for r in refs],
        minutes,
        decisions,
        [
            (description, people[owner_key], day + timedelta(days=days), "open")
            for description, owner_key, days in current_actions
        ],
        today,
    )

    indicators = 0
    for ref, specs in data.INDICATORS.items():
        for order, (name, metric, filters, baseline, target, direction, areas, linked) in enumerate(specs, start=1):
            if CommitmentIndicator.objects.filter(commitment=commitments[ref], name=name).exists():
                continue
            year = financial_year_of(parse_quarter(f"{baseline}-Q1").start)
            baseline_value = kpi_rows(date_from=year.start, date_to=year.end, filters=filters)[0][metric]
            indicator = CommitmentIndicator.objects.create(
                commitment=commitments[ref],
                name=name,
                metric=metric,
                baseline_period=baseline,
                baseline_value=None if baseline_value is None else Decimal(str(baseline_value)),
                target=Decimal(target),
                direction=direction,
                order=order,
                audit_areas=areas,
                **filters,
            )
            indicator.board_actions.set([actions[d] for d in linked if d in actions])
            indicators += 1

    _seed_tracker(people=people, commitments=commitments, board=boards["Operation Soteria Operations Board"], opcc=opcc)
    queries = _seed_queries(people=people, commitments=commitments, boards=boards, opcc=opcc)
    stdout.write(
        f"commitments: {len(commitments)} commitments, {len(boards)} boards, {created} new ratings, "
        f"{indicators} new indicators (reporting on {reporting_key(plan)}), {queries} new scrutiny queries"
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


def _within(quarter: Period, today: date) -> datetime:
    """When the lead writes the quarter's update: ten days before it ends, or today if sooner
    (the quarter in progress), never before the quarter starts."""
    day = max(min(quarter.end - timedelta(days=10), today - timedelta(days=1)), quarter.start)
    return min(_at(day), timezone.now())


def _update(commitment: Commitment, period: ReportingPeriod, narrative: str, rating: str, when: datetime) -> None:
    update, made = ProgressUpdate.objects.get_or_create(
        commitment=commitment,
        period=period,
        defaults={
            "narrative": narrative,
            "proposed_rating": rating,
            "author": _named(commitment.lead),
            "submitted_at": when,
        },
    )
    if made:  # dated within its quarter (``updated_at`` is set on save)
        ProgressUpdate.objects.filter(pk=update.pk).update(updated_at=when)


def _meeting(
    board: Board,
    day: date,
    reviewed: list[Commitment],
    minutes: str,
    decisions: str,
    actions: list[tuple[str, User, date, str]],
    today: date,
) -> dict[str, BoardAction]:
    """A board meeting with its actions (idempotent); an action whose due date has passed is done."""
    meeting, made = BoardMeeting.objects.get_or_create(
        board=board, date=day, defaults={"minutes": minutes, "decisions": decisions, "recorded_by": _named(board.chair)}
    )
    if made:
        meeting.attendees.set(board.members.all())
        meeting.commitments_reviewed.set(reviewed)
        for description, owner, due, status in actions:
            if due < today:
                status = BoardActionStatus.COMPLETED
            BoardAction.objects.create(
                meeting=meeting,
                description=description,
                owner=owner,
                due_date=due,
                status=status,
                completed_at=_at(due) if status == BoardActionStatus.COMPLETED else None,
            )
    return {action.description: action for action in meeting.actions.all()}


@register_seed(order=35)
def store_published_evidence(*, stdout: Any, users: dict[str, Any]) -> None:
    """Store the evidence of every published demo rating, as publishing does (after the audits seed,
    so linked audit compliance is there). Idempotent: ratings with stored evidence are skipped."""
    missing = (
        RagAssessment.objects.filter(status=AssessmentStatus.PUBLISHED, published_evidence__isnull=True)
        .select_related("commitment", "period", "published_by")
        .order_by("period__start_date", "commitment__order")
    )
    stored = 0
    with transaction.atomic():
        for assessment in missing:
            published_on = timezone.localdate(assessment.published_at)
            found = evidence.with_conflicts(
                evidence.commitment_evidence(
                    commitment=assessment.commitment, period=assessment.period.key, trend=False, today=published_on
                ),
                assessment.rating,
            )
            services.published_evidence_store(
                assessment=assessment, evidence=found, acknowledged=False, actor=assessment.published_by
            )
            stored += 1
    stdout.write(f"commitments: evidence stored for {stored} published ratings")
