"""Demo data for the ``audits`` app, called by ``manage.py seed_demo``.

The PPU's regime (seed 002): monthly audits of RASSO, Domestic Abuse, Child Abuse, Sex Offender
Management and Missing People, a thematic audit (victim withdrawal in rape cases), the force's QATT
and a re-audit, over the last twelve months; the annual plan of the current financial year (and of the
previous one for the months of history in it), consistent with that history: a Missing People audit
never started and a Sex Offender Management audit still in progress show as overdue. Sex Offender
Management samples pseudonymous managed offenders and Missing People pseudonymous missing episodes.

Samples come from the investigation register; where it holds too few matching cases, clearly
synthetic ``DEMO-AUDIT/...`` investigations are created. Idempotent: what exists is left alone.
Everything goes through the services, so history is recorded; sign-off is by the second audit lead.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cases.models import Investigation, LocalPolicingArea, Team
from oversight.errors import ApplicationError
from oversight.periods import financial_year_of, month_of, months_between, months_later
from oversight.seeding import register_seed

from . import services
from .choices import (
    AREA_STRANDS,
    AREA_SUBJECTS,
    AnswerValue,
    AuditArea,
    AuditKind,
    AuditStatus,
    DipFrame,
    LearningKind,
    LearningTheme,
    RiskLevel,
    SubjectKind,
    VisorCategory,
)
from .models import Audit, AuditSubject, PlannedAudit, Question, QuestionSet, SamplingFrame
from .seed_data import (
    ACTION_TITLES,
    JOINT_DIP_LEARNING,
    JOINT_DIP_SET,
    LEARNING,
    MONTHLY_SETS,
    QATT_SET,
    START_QUALITY,
    THEMATIC_LEARNING,
    THEMATIC_SET,
)

SAMPLE_SIZE = 6
THEMATIC_THEME = "Victim withdrawal in rape cases"
QATT_THEME = "Operation Vanguard investigative standards (VAWG)"
STRATA: dict[str, str] = {
    AuditArea.RASSO: "outcome_group",
    AuditArea.DOMESTIC_ABUSE: "lpa",
    AuditArea.SEX_OFFENDER_MANAGEMENT: "risk",
    AuditArea.MISSING_PEOPLE: "risk",
}


def _months(today: date, n: int) -> list[date]:
    """The first days of the ``n`` months before ``today``'s, oldest first."""
    return [months_later(today, -back).start for back in range(n, 0, -1)]


def _published(lead: Any, code: str, title: str, area: str, questions: list[dict[str, Any]]) -> QuestionSet:
    existing = QuestionSet.objects.filter(code=code, published_at__isnull=False).order_by("-version").first()
    if existing is not None:
        return existing
    draft = QuestionSet.objects.filter(code=code, published_at__isnull=True).first()
    if draft is None:
        draft = services.question_set_create(actor=lead, code=code, title=title, area=area, questions=questions)
    return services.question_set_publish(question_set=draft, actor=lead)


def _question_sets(lead: Any) -> dict[str, QuestionSet]:
    sets = {area: _published(lead, code, title, area, qs) for area, (code, title, qs) in MONTHLY_SETS.items()}
    sets[AuditKind.THEMATIC] = _published(lead, *THEMATIC_SET[:2], AuditArea.RASSO, THEMATIC_SET[2])
    sets[AuditKind.QATT] = _published(lead, *QATT_SET[:2], "", QATT_SET[2])
    return sets


def _frames() -> None:
    """What each area samples (frames are reference data; kept in history like the rest)."""
    for area in AuditArea.values:
        if SamplingFrame.objects.filter(area=area).exists():
            continue
        if area == AuditArea.SEX_OFFENDER_MANAGEMENT:
            frame = SamplingFrame(area=area, subject_kind=SubjectKind.MANAGED_OFFENDERS)
        elif area == AuditArea.MISSING_PEOPLE:
            frame = SamplingFrame(area=area, subject_kind=SubjectKind.MISSING_EPISODES)
        else:
            frame = SamplingFrame(area=area, strands=list(AREA_STRANDS[area]))
        # The defaults a lead sees on the sample page: the seed's own draws (below) use the same.
        frame.sample_size = SAMPLE_SIZE
        frame.stratify_by = STRATA.get(area, "")
        frame.save()


def _subjects(lead: Any, today: date, rng: random.Random) -> None:
    """Pseudonymous managed offenders (one registered every ~5 days) and missing episodes (every ~3 days)."""
    lpas = list(LocalPolicingArea.objects.order_by("code"))
    som_team = Team.objects.filter(code="som").first()
    start = today - timedelta(days=3 * 365)
    rows = []
    have = set(AuditSubject.objects.values_list("kind", "reference"))
    categories = [VisorCategory.RSO] * 8 + [VisorCategory.VIOLENT, VisorCategory.PDP]
    risks = [RiskLevel.LOW] * 3 + [RiskLevel.MEDIUM] * 4 + [RiskLevel.HIGH] * 2 + [RiskLevel.VERY_HIGH]
    gradings = [RiskLevel.NO_APPARENT_RISK, RiskLevel.LOW, RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.MEDIUM]
    gradings += [RiskLevel.HIGH]
    for i in range(0, 3 * 365, 5):
        ref = f"SOM-{i // 5 + 1:05d}"
        if (SubjectKind.MANAGED_OFFENDERS, ref) not in have:
            rows.append(
                AuditSubject(
                    kind=SubjectKind.MANAGED_OFFENDERS,
                    reference=ref,
                    visor_category=rng.choice(categories),
                    risk_level=rng.choice(risks),
                    team=som_team,
                    lpa=rng.choice(lpas) if lpas else None,
                    start_date=start + timedelta(days=i),
                )
            )
    for i in range(0, 3 * 365, 3):
        ref = f"MISPER-{i // 3 + 1:05d}"
        if (SubjectKind.MISSING_EPISODES, ref) not in have:
            rows.append(
                AuditSubject(
                    kind=SubjectKind.MISSING_EPISODES,
                    reference=ref,
                    risk_level=rng.choice(gradings),
                    lpa=rng.choice(lpas) if lpas else None,
                    start_date=start + timedelta(days=i),
                )
            )
    if rows:
        bulk_create_with_history(rows, AuditSubject, batch_size=500, default_user=lead)


def _plan(lead: Any, today: date, history: list[date]) -> None:
    """The current financial year's plan (every area monthly, a thematic audit and QATT) and, for the
    months of history in the previous year, that year's plan too."""
    year = financial_year_of(today)
    months = sorted({*history, *(m.start for m in months_between(year.start, year.end))})
    for month in months:
        fy = financial_year_of(month).key
        for area in AuditArea.values:
            _plan_item(lead, fy, AuditKind.MONTHLY, month, area=area)
    thematic_month, qatt_month = months_later(today, -4).start, months_later(today, -2).start
    _plan_item(lead, financial_year_of(thematic_month).key, AuditKind.THEMATIC, thematic_month, "rasso", THEMATIC_THEME)
    _plan_item(lead, financial_year_of(qatt_month).key, AuditKind.QATT, qatt_month, "", QATT_THEME, size=8)
    later = months_later(today, 3).start
    if later <= year.end:
        _plan_item(lead, year.key, AuditKind.THEMATIC, later, "", "Stalking protection orders", size=10)


def _plan_item(lead: Any, fy: str, kind: str, month: date, area: str = "", theme: str = "", size: int = 0) -> None:
    if not PlannedAudit.objects.filter(kind=kind, area=area, theme=theme, month=month).exists():
        services.plan_item_add(
            actor=lead,
            financial_year=fy,
            kind=kind,
            month=month,
            area=area,
            theme=theme,
            sample_size=size or SAMPLE_SIZE,
        )


def _ensure_candidates(area: str, start: date, end: date, rng: random.Random) -> None:
    """Create synthetic investigations when the register has too few for a sample in the window."""
    strands = AREA_STRANDS[area]
    have = Investigation.objects.filter(strand__in=strands, recorded_date__range=(start, end)).count()
    if have >= SAMPLE_SIZE:
        return
    offence = {"rasso": "rape", "domestic_abuse": "coercive_control", "child_abuse": "other_sexual"}[area]
    span = (end - start).days
    for i in range(SAMPLE_SIZE * 2):
        Investigation.objects.get_or_create(
            crime_reference=f"DEMO-AUDIT/{area}/{start:%Y%m}/{i + 1:02d}",
            defaults={
                "strand": strands[i % len(strands)],
                "offence_group": offence,
                "victim_age_group": "child" if area == AuditArea.CHILD_ABUSE else "adult",
                "recorded_date": start + timedelta(days=rng.randint(0, span)),
            },
        )


def _value(rng: random.Random, quality: float, question: Question) -> str:
    roll = rng.random()
    if roll < 0.08:
        value = AnswerValue.NOT_APPLICABLE
    elif roll < 0.08 + quality * 0.92:
        value = AnswerValue.COMPLIANT
    elif roll < 0.08 + (quality + (1 - quality) / 2) * 0.92:
        value = AnswerValue.PARTIAL
    else:
        value = AnswerValue.NON_COMPLIANT
    if value not in question.allowed_values:  # a yes/no question, or one that must be graded
        value = AnswerValue.NON_COMPLIANT if value == AnswerValue.PARTIAL else AnswerValue.COMPLIANT
    return value


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@register_seed(order=30)
def run(*, stdout: Any, users: dict[str, Any]) -> None:
    """Create this app's demo data (idempotent). ``users`` maps role → demo user (``audit_lead_2`` signs off)."""
    lead = users["audit_lead"]
    signer = users.get("audit_lead_2")  # sign-off is independent of the lead auditor
    owners = [users[r] for r in ("case_editor", "commitment_lead", "board_chair", "administrator") if r in users]
    opcc = users.get("opcc_scrutiny")
    today = timezone.localdate()
    before = Audit.objects.count()
    with transaction.atomic():
        sets = _question_sets(lead)
        _frames()
        _subjects(lead, today, random.Random("audit-subjects"))
        months = _months(today, 12)
        _plan(lead, today, months)
        context = {"lead": lead, "signer": signer, "owners": owners, "opcc": opcc, "today": today}
        for m_index, month in enumerate(months):
            for area in AuditArea.values:
                back = len(months) - m_index
                if area == AuditArea.MISSING_PEOPLE and back == 3:
                    continue  # never started: overdue on the plan
                if Audit.objects.filter(kind=AuditKind.MONTHLY, area=area, month=month).exists():
                    continue
                stage = "in_progress" if back == 1 or (area == AuditArea.SEX_OFFENDER_MANAGEMENT and back == 2) else ""
                stage = stage or ("submitted" if back == 2 else "signed_off")
                quality = min(0.95, START_QUALITY[AuditArea(area)] + 0.3 * m_index / (len(months) - 1))
                _seed_audit(
                    kind=AuditKind.MONTHLY,
                    area=area,
                    theme="",
                    month=month,
                    question_set=sets[area],
                    stage=stage,
                    quality=quality,
                    learning=LEARNING[area],
                    context=context,
                    rng=random.Random(f"{area}-{month:%Y-%m}"),
                )
        _thematic_and_qatt(sets, today, context)
        _reaudit(today, context)
        _joint_dip(lead, today, context)
        # The current month: planned, ready for the demo journey.
        current = today.replace(day=1)
        if not Audit.objects.filter(kind=AuditKind.MONTHLY, area=AuditArea.RASSO, month=current).exists():
            services.audit_plan(
                actor=lead,
                kind=AuditKind.MONTHLY,
                area=AuditArea.RASSO,
                month=current,
                question_set=sets[AuditArea.RASSO],
                planned_sample_size=SAMPLE_SIZE,
            )
    total = Audit.objects.count()
    stdout.write(
        f"audits: {total - before} audits created ({total} in all); "
        f"{AuditSubject.objects.count()} pseudonymous subjects; {PlannedAudit.objects.count()} planned audits."
    )


def _thematic_and_qatt(sets: dict[str, QuestionSet], today: date, context: dict[str, Any]) -> None:
    thematic_month, qatt_month = months_later(today, -4).start, months_later(today, -2).start
    if not Audit.objects.filter(kind=AuditKind.THEMATIC, theme=THEMATIC_THEME).exists():
        withdrawn = list(
            Investigation.objects.filter(strand="rasso", outcome_type__in=("14", "16"), outcome_date__lt=thematic_month)
            .order_by("-outcome_date")
            .values_list("crime_reference", flat=True)[:8]
        )
        _seed_audit(
            kind=AuditKind.THEMATIC,
            area=AuditArea.RASSO,
            theme=THEMATIC_THEME,
            month=thematic_month,
            question_set=sets[AuditKind.THEMATIC],
            stage="signed_off",
            quality=0.6,
            learning=THEMATIC_LEARNING,
            context=context,
            rng=random.Random("thematic"),
            picks=withdrawn,
        )
    if not Audit.objects.filter(kind=AuditKind.QATT, theme=QATT_THEME).exists():
        _seed_audit(
            kind=AuditKind.QATT,
            area="",
            theme=QATT_THEME,
            month=qatt_month,
            question_set=sets[AuditKind.QATT],
            stage="submitted",
            quality=0.75,
            learning=[],
            context=context,
            rng=random.Random("qatt"),
            size=8,
        )


def _joint_dip(lead: Any, today: date, context: dict[str, Any]) -> None:
    """Last month's joint police/CPS dip sample of RASSO cases (seed 001), submitted for sign-off."""
    if Audit.objects.filter(kind=AuditKind.JOINT_DIP).exists():
        return
    month = months_later(today, -1).start
    question_set = _published(lead, *JOINT_DIP_SET[:2], AuditArea.RASSO, JOINT_DIP_SET[2])
    _plan_item(lead, financial_year_of(month).key, AuditKind.JOINT_DIP, month, area=AuditArea.RASSO, size=10)
    audit = services.audit_plan(
        actor=lead,
        kind=AuditKind.JOINT_DIP,
        area=AuditArea.RASSO,
        month=month,
        question_set=question_set,
        planned_sample_size=10,
    )
    rng = random.Random("joint-dip")
    try:
        services.audit_draw_dip_sample(
            audit=audit,
            actor=lead,
            sizes={DipFrame.UNREFERRED: 4, DipFrame.CPS_NFA: 3, DipFrame.FURTHER_EVIDENCE: 3},
            window_start=months_later(today, -12).start,
            window_end=month_of(month).end,
            seed=rng.randrange(2**31),
        )
    except ApplicationError:
        return  # a register without referrals: the audit stays planned
    _answer_and_close(audit, "submitted", 0.7, JOINT_DIP_LEARNING, context, rng)


def _reaudit(today: date, context: dict[str, Any]) -> None:
    """The RASSO audit of six months ago failed cases: they were audited again three months ago."""
    original = Audit.objects.filter(
        kind=AuditKind.MONTHLY, area=AuditArea.RASSO, month=months_later(today, -6).start
    ).first()
    if original is None or original.reaudits.exists() or original.status != AuditStatus.SIGNED_OFF:
        return
    lead, rng = context["lead"], random.Random("reaudit")
    reaudit = services.audit_schedule_reaudit(audit=original, actor=lead, month=months_later(today, -3).start)
    _answer_and_close(reaudit, "signed_off", 0.92, [], context, rng)


def _seed_audit(
    *,
    kind: str,
    area: str,
    theme: str,
    month: date,
    question_set: QuestionSet,
    stage: str,
    quality: float,
    learning: list[tuple[str, str, str]],
    context: dict[str, Any],
    rng: random.Random,
    picks: list[str] | None = None,
    size: int = SAMPLE_SIZE,
) -> None:
    lead = context["lead"]
    audit = services.audit_plan(
        actor=lead, kind=kind, area=area, theme=theme, month=month, question_set=question_set, planned_sample_size=size
    )
    window_end = month_of(month).end
    window_start = (month - timedelta(days=85)).replace(day=1)
    if picks:
        services.audit_add_cases(audit=audit, actor=lead, crime_references=picks)
    else:
        if area in AREA_STRANDS and area not in AREA_SUBJECTS:
            _ensure_candidates(area, window_start, window_end, rng)
        services.audit_draw_sample(
            audit=audit,
            actor=lead,
            size=size,
            window_start=window_start,
            window_end=window_end,
            seed=rng.randrange(2**31),
            stratify_by=STRATA.get(area, "") if kind == AuditKind.MONTHLY else "",
        )
    _answer_and_close(audit, stage, quality, learning, context, rng)


def _answer_and_close(
    audit: Audit,
    stage: str,
    quality: float,
    learning: list[tuple[str, str, str]],
    context: dict[str, Any],
    rng: random.Random,
) -> None:
    lead, signer, today = context["lead"], context["signer"], context["today"]
    questions = list(audit.question_set.questions.asked())
    reviews = list(audit.reviews.order_by("position"))
    for review in reviews:
        # An audit in progress still has its last two cases to review.
        if stage == "in_progress" and review.position > len(reviews) - 2:
            continue
        services.review_record_answers(
            review=review, actor=lead, answers={q.pk: (_value(rng, quality, q), "") for q in questions}
        )
    reviewed_on = min(today, month_of(audit.month).end + timedelta(days=12))
    points = []
    for kind, theme, text in rng.sample(learning, k=min(2, len(learning))):
        severity = "" if kind == LearningKind.GOOD_PRACTICE else rng.choice(("low", "medium", "medium", "high"))
        points.append(
            services.learning_point_create(
                audit=audit, actor=lead, kind=kind, theme=theme, severity=severity, text=text
            )
        )
    if stage == "in_progress" or not reviews:
        return
    services.audit_submit(audit=audit, actor=lead)
    sign = stage == "signed_off" and signer is not None
    if sign:
        services.audit_sign_off(audit=audit, actor=signer)
    Audit.objects.filter(pk=audit.pk).update(
        submitted_at=_aware(reviewed_on), signed_off_at=_aware(reviewed_on + timedelta(days=3)) if sign else None
    )
    _actions(audit, points, reviewed_on, context, rng)


def _actions(audit: Audit, points: list[Any], reviewed_on: date, context: dict[str, Any], rng: random.Random) -> None:
    lead, owners, opcc, today = context["lead"], context["owners"], context["opcc"], context["today"]
    for point in points:
        if point.kind != LearningKind.IMPROVEMENT:
            continue
        owner = owners[(audit.month.month + len(audit.area)) % len(owners)] if owners else lead
        if opcc is not None and audit.area == AuditArea.DOMESTIC_ABUSE and (today - reviewed_on).days < 45:
            owner = opcc  # shows an OPCC officer's "My actions"
        due = reviewed_on + timedelta(days=rng.choice((30, 45, 60)))
        action = services.action_raise(
            audit=audit,
            actor=lead,
            owner=owner,
            due_date=due,
            learning_point=point,
            today=reviewed_on,
            title=ACTION_TITLES.get(LearningTheme(point.theme), "Share the audit learning with the teams"),
            description=point.text,
        )
        type(action).objects.filter(pk=action.pk).update(created_at=_aware(reviewed_on))
        age = (today - due).days
        if age > 60 and rng.random() < 0.8:
            services.action_update_progress(
                action=action, actor=owner, note="Briefing delivered; evidence attached.", status="completed"
            )
            if owner != lead:
                services.action_verify(action=action, actor=lead, note="Dip sample of five files confirms the change.")
        elif age > 0:
            if rng.random() < 0.5:  # overdue: some started, some not
                services.action_update_progress(
                    action=action, actor=owner, note="Started; awaiting team dates.", status="in_progress"
                )
        elif rng.random() < 0.4:
            services.action_update_progress(
                action=action, actor=owner, note="Done ahead of the due date.", status="completed"
            )
