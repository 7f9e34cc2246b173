"""Demo data for the ``audits`` app, called by ``manage.py seed_demo``.

Three question sets (RASSO, domestic abuse, child abuse) drawn from the practices
in the force's reports (Operation Soteria, Victims' Code, VPS, supervision,
victim-blaming language), and twelve months of monthly audits for each area
with answers, learning points and actions (some overdue). Samples are drawn from
the investigation register; where it holds too few matching cases, clearly
synthetic ``DEMO-AUDIT/...`` investigations are created. Idempotent: an audit
that exists is left alone. Everything goes through the services, so history is recorded.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.models import Investigation
from oversight.periods import month_of, months_later
from oversight.seeding import register_seed

from . import services
from .choices import AREA_STRANDS, AnswerValue, AuditArea, AuditKind, LearningKind, LearningTheme
from .models import Audit, QuestionSet

SAMPLE_SIZE = 6

QUESTION_SETS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    AuditArea.RASSO: (
        "rasso-monthly",
        "RASSO monthly case-file audit",
        [
            ("Victim contacted within 24 hours of the report", "First contact recorded with date and time."),
            ("Victim needs assessment completed and Victims' Code (VCOP) entitlements explained", ""),
            ("Referral to an ISVA offered and recorded", ""),
            (
                "Suspect-focused investigation plan recorded (Operation Soteria)",
                "Plan addresses suspect behaviour, not victim credibility.",
            ),
            ("Suspect arrested or interviewed without unnecessary delay", ""),
            ("Bail with conditions considered before release under investigation", "Rationale recorded if RUI."),
            ("Bad character and other offending by the suspect considered", ""),
            ("Early investigative advice sought from the CPS where appropriate", ""),
            ("Victim personal statement (VPS) offered", ""),
            ("Supervisory review within 7 days and then at least every 28 days", ""),
            ("No victim-blaming language in the record", "Language matters: no 'alleged victim', 'claims', 'regrets'."),
            ("Victim updated at each key stage and told of the outcome", ""),
        ],
    ),
    AuditArea.DOMESTIC_ABUSE: (
        "domestic-abuse-monthly",
        "Domestic abuse monthly case-file audit",
        [
            ("DASH risk assessment completed at first contact", ""),
            ("Safeguarding referral made (MARAC for high risk)", ""),
            ("Referral to an IDVA offered and recorded", ""),
            ("Body-worn video and 999 call secured as evidence", "Evidence-led prosecution considered."),
            ("Suspect arrested or outstanding suspect actively pursued", ""),
            ("Bail with conditions used rather than release under investigation", ""),
            ("DVPN/DVPO considered where no charge", ""),
            ("Coercive control, stalking and honour-based abuse considered", ""),
            ("Victim personal statement (VPS) offered", ""),
            ("Supervisory review within 7 days", ""),
        ],
    ),
    AuditArea.CHILD_ABUSE: (
        "child-abuse-monthly",
        "Child abuse monthly case-file audit",
        [
            ("Strategy discussion held with children's social care within 24 hours", ""),
            ("Child's voice captured and needs recorded (AWARE principles)", ""),
            ("Achieving Best Evidence (ABE) interview planned and conducted promptly", ""),
            ("Suspect-focused investigation plan recorded", ""),
            ("Digital devices seized and examined, including online and AI-generated imagery", ""),
            ("Other children at risk identified and safeguarded", ""),
            ("SHPO or Sexual Risk Order considered", ""),
            ("Specialist support referral made for the child and family", ""),
            ("Supervisory review within 7 days", ""),
            ("No victim-blaming language in the record", ""),
        ],
    ),
}

LEARNING: dict[str, list[tuple[str, str, str]]] = {
    AuditArea.RASSO: [
        (
            LearningKind.GOOD_PRACTICE,
            LearningTheme.INVESTIGATION_PLAN,
            "Investigation plans consistently followed suspect-focused Soteria principles, including prior behaviour.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.SUPERVISION,
            "Supervisory reviews at 28 days were missing in several files.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.VICTIM_CARE,
            "VPS not offered or not recorded as offered before the charging decision.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.BAIL,
            "Release under investigation used without a recorded rationale where conditions were needed.",
        ),
    ],
    AuditArea.DOMESTIC_ABUSE: [
        (
            LearningKind.GOOD_PRACTICE,
            LearningTheme.SAFEGUARDING,
            "DASH completed at first contact with timely MARAC referrals for high-risk victims.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.EVIDENCE,
            "Body-worn video not always secured, limiting evidence-led prosecutions.",
        ),
        (LearningKind.IMPROVEMENT, LearningTheme.ORDERS, "DVPN/DVPO not considered in cases closed without charge."),
    ],
    AuditArea.CHILD_ABUSE: [
        (
            LearningKind.GOOD_PRACTICE,
            LearningTheme.SAFEGUARDING,
            "Strategy discussions held promptly and other children at risk identified.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.LANGUAGE,
            "Victim-blaming language found in records of older children (e.g. 'putting themselves at risk').",
        ),
        (LearningKind.IMPROVEMENT, LearningTheme.CPS_FILE, "Device examination delays held up CPS early advice."),
    ],
}

ACTION_TITLES = {
    LearningTheme.SUPERVISION: "Reissue the supervisory review standard to RASSO sergeants",
    LearningTheme.VICTIM_CARE: "Add a VPS prompt to the pre-charge checklist",
    LearningTheme.BAIL: "Brief inspectors on bail versus RUI decision records",
    LearningTheme.EVIDENCE: "Remind response officers to upload body-worn video within 24 hours",
    LearningTheme.ORDERS: "Add DVPN/DVPO consideration to the closure checklist",
    LearningTheme.LANGUAGE: "Deliver 'language matters' CPD to child abuse teams",
    LearningTheme.CPS_FILE: "Agree a priority route for device examination in CSA cases",
}

# Compliance improves over the year (probability of compliant, partial), by area.
START_QUALITY = {AuditArea.RASSO: 0.55, AuditArea.DOMESTIC_ABUSE: 0.65, AuditArea.CHILD_ABUSE: 0.7}


def _months(today: date, n: int) -> list[date]:
    """The first days of the ``n`` months before ``today``'s, oldest first."""
    return [months_later(today, -back).start for back in range(n, 0, -1)]


def _question_sets(lead: Any) -> dict[str, QuestionSet]:
    sets = {}
    for area, (code, title, questions) in QUESTION_SETS.items():
        existing = QuestionSet.objects.filter(code=code, published_at__isnull=False).order_by("-version").first()
        if existing is None:
            draft = services.question_set_create(actor=lead, code=code, title=title, area=area, questions=questions)
            existing = services.question_set_publish(question_set=draft, actor=lead)
        sets[area] = existing
    return sets


def _ensure_candidates(area: str, start: date, end: date, rng: random.Random) -> None:
    """Create synthetic investigations when the register has too few for a sample in the window."""
    strands = AREA_STRANDS[area]
    have = Investigation.objects.filter(strand__in=strands, recorded_date__range=(start, end)).count()
    if have >= SAMPLE_SIZE:
        return
    offence = {"rasso": "rape", "domestic_abuse": "coercive_control", "child_abuse": "other_sexual"}[area]
    span = (end - start).days
    for i in range(SAMPLE_SIZE * 2):
        ref = f"DEMO-AUDIT/{area}/{start:%Y%m}/{i + 1:02d}"
        Investigation.objects.get_or_create(
            crime_reference=ref,
            defaults={
                "strand": strands[i % len(strands)],
                "offence_group": offence,
                "victim_age_group": "child" if area == AuditArea.CHILD_ABUSE else "adult",
                "recorded_date": start + timedelta(days=rng.randint(0, span)),
            },
        )


def _value(rng: random.Random, quality: float) -> str:
    roll = rng.random()
    if roll < 0.08:
        return AnswerValue.NOT_APPLICABLE
    if roll < 0.08 + quality * 0.92:
        return AnswerValue.COMPLIANT
    if roll < 0.08 + (quality + (1 - quality) / 2) * 0.92:
        return AnswerValue.PARTIAL
    return AnswerValue.NON_COMPLIANT


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@register_seed(order=30)
def run(*, stdout: Any, users: dict[str, Any]) -> None:
    """Create this app's demo data (idempotent). ``users`` maps role → demo user."""
    lead = users["audit_lead"]
    signer = users.get("audit_lead_2")  # sign-off is independent of the lead auditor
    owners = [users[r] for r in ("case_editor", "commitment_lead", "board_chair", "administrator") if r in users]
    opcc = users.get("opcc_scrutiny")
    today = timezone.localdate()
    created = 0
    with transaction.atomic():
        sets = _question_sets(lead)
        months = _months(today, 12)
        for m_index, month in enumerate(months):
            for area in (AuditArea.RASSO, AuditArea.DOMESTIC_ABUSE, AuditArea.CHILD_ABUSE):
                if Audit.objects.filter(kind=AuditKind.MONTHLY, area=area, month=month).exists():
                    continue
                created += 1
                rng = random.Random(f"{area}-{month:%Y-%m}")
                _seed_audit(area, month, m_index, len(months), sets[area], lead, signer, owners, opcc, rng, today)
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
            created += 1
    stdout.write(f"audits: {created} audits created ({Audit.objects.count()} in all).")


def _seed_audit(
    area: str,
    month: date,
    m_index: int,
    n_months: int,
    question_set: QuestionSet,
    lead: Any,
    signer: Any,
    owners: list[Any],
    opcc: Any,
    rng: random.Random,
    today: date,
) -> None:
    audit = services.audit_plan(
        actor=lead,
        kind=AuditKind.MONTHLY,
        area=area,
        month=month,
        question_set=question_set,
        planned_sample_size=SAMPLE_SIZE,
    )
    window_end = month_of(month).end
    window_start = (month - timedelta(days=85)).replace(day=1)
    _ensure_candidates(area, window_start, window_end, rng)
    services.audit_draw_sample(
        audit=audit,
        actor=lead,
        size=SAMPLE_SIZE,
        window_start=window_start,
        window_end=window_end,
        seed=rng.randrange(2**31),
    )
    quality = min(0.95, START_QUALITY[AuditArea(area)] + 0.3 * m_index / max(1, n_months - 1))
    questions = list(question_set.questions.order_by("order"))
    is_latest = m_index == n_months - 1
    for review in audit.reviews.order_by("position"):
        # The latest month is part-way through: its last two cases are still to review.
        if is_latest and review.position > SAMPLE_SIZE - 2:
            continue
        services.review_record_answers(
            review=review,
            actor=lead,
            answers={q.pk: (_value(rng, quality), "") for q in questions},
        )
    reviewed_on = min(today, month_of(month).end + timedelta(days=12))
    points = []
    for kind, theme, text in rng.sample(LEARNING[area], k=2):
        severity = "" if kind == LearningKind.GOOD_PRACTICE else rng.choice(("low", "medium", "medium", "high"))
        points.append(
            services.learning_point_create(
                audit=audit, actor=lead, kind=kind, theme=theme, severity=severity, text=text
            )
        )
    if is_latest:
        return
    services.audit_submit(audit=audit, actor=lead)
    sign = signer is not None and m_index < n_months - 2
    if sign:
        services.audit_sign_off(audit=audit, actor=signer)
    Audit.objects.filter(pk=audit.pk).update(
        submitted_at=_aware(reviewed_on),
        signed_off_at=_aware(reviewed_on + timedelta(days=3)) if sign else None,
    )
    for point in points:
        if point.kind != LearningKind.IMPROVEMENT:
            continue
        owner = owners[(m_index + len(area)) % len(owners)] if owners else lead
        if opcc is not None and area == AuditArea.DOMESTIC_ABUSE and m_index == n_months - 2:
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
            # Overdue: some started, some not.
            if rng.random() < 0.5:
                services.action_update_progress(
                    action=action, actor=owner, note="Started; awaiting team dates.", status="in_progress"
                )
        elif rng.random() < 0.4:
            services.action_update_progress(
                action=action, actor=owner, note="Done ahead of the due date.", status="completed"
            )
