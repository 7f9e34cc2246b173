"""Joint police/CPS dip samples (seed 001): the three sampling frames and the shareable report.

Frames, each over a window of dates and the audit's area (its strands; every strand without one):

- ``unreferred``: investigations given an outcome in the window with no CPS referral at all while
  a suspect was identified. The register has no "suspect identified" field, so the proxy is: an
  arrest date is recorded, *or* the outcome is not 14 or 18 (the two outcomes that say no suspect
  was identified). Charged outcomes (1, 1A) are left out: a police charge is not a decision
  against prosecution, which is what the panel examines.
- ``cps_nfa``: CPS referrals with a ``nfa`` decision dated in the window.
- ``further_evidence``: CPS referrals with a ``further_evidence`` decision (an action plan of
  requests to the police) dated in the window.

An investigation is sampled at most once per audit: a later frame skips cases an earlier one chose.
The report carries no more case detail than the register holds (reference, strand, offence group,
outcome, referral and decision dates) plus the panel's grades, findings and agreed actions; free-text
comments on answers stay in the audit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from cases.choices import CpsDecision
from cases.models import CpsReferral, Investigation
from cases.outcomes import CHARGED

from .choices import DipFrame, strands_for_area
from .models import Answer, Audit, CaseReview
from .sampling import Candidate
from .selectors import ANSWER_KEYS, _answer_counts, _with_rate

NO_SUSPECT_OUTCOMES = frozenset({"14", "18"})
FRAME_DECISIONS = {DipFrame.CPS_NFA: CpsDecision.NFA, DipFrame.FURTHER_EVIDENCE: CpsDecision.FURTHER_EVIDENCE}


def unreferred_candidates(*, area: str, window_start: date, window_end: date, exclude: set[int]) -> list[Candidate]:
    """Investigations closed in the window without a referral while a suspect was identified (one query).
    ``Candidate.pk`` is the investigation's id."""
    referred = CpsReferral.objects.filter(investigation=OuterRef("pk"))
    rows = (
        Investigation.objects.filter(strand__in=strands_for_area(area), outcome_date__range=(window_start, window_end))
        .exclude(outcome_type="")
        .exclude(outcome_type__in=CHARGED)
        .filter(Q(arrest_date__isnull=False) | ~Q(outcome_type__in=NO_SUSPECT_OUTCOMES))
        .filter(~Exists(referred))
        .exclude(pk__in=exclude)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [Candidate(pk, "") for pk in rows]


def referral_candidates(
    *, frame: str, area: str, window_start: date, window_end: date, exclude: set[int]
) -> list[tuple[Candidate, int]]:
    """Referrals of the frame's decision dated in the window (one query), as (candidate by referral id,
    investigation id)."""
    rows = (
        CpsReferral.objects.filter(
            decision=FRAME_DECISIONS[DipFrame(frame)],
            decision_date__range=(window_start, window_end),
            investigation__strand__in=strands_for_area(area),
        )
        .exclude(investigation_id__in=exclude)
        .order_by("pk")
        .values_list("pk", "investigation_id")
    )
    return [(Candidate(pk, ""), investigation_id) for pk, investigation_id in rows]


def frame_sizes(*, area: str, window_start: date, window_end: date) -> dict[str, int]:
    """How many cases each frame holds in the window (three queries), for the sample page."""
    sizes = {
        DipFrame.UNREFERRED.value: len(
            unreferred_candidates(area=area, window_start=window_start, window_end=window_end, exclude=set())
        )
    }
    for frame in (DipFrame.CPS_NFA, DipFrame.FURTHER_EVIDENCE):
        sizes[frame.value] = len(
            referral_candidates(frame=frame, area=area, window_start=window_start, window_end=window_end, exclude=set())
        )
    return sizes


def dip_report(*, audit: Audit) -> dict[str, Any]:
    """The figures of a joint dip sample by frame, by frame and question, and per case (three queries).

    Rates follow DESIGN.md §2 (not applicable left out, partial not compliant).
    """
    by_frame = {
        row["review__dip_frame"]: _with_rate(dict(row))
        for row in Answer.objects.filter(review__audit=audit)
        .values("review__dip_frame")
        .annotate(**_answer_counts(""))
        .order_by()
    }
    sampled = dict(
        CaseReview.objects.filter(audit=audit)
        .values("dip_frame")
        .annotate(n=Count("pk"))
        .values_list("dip_frame", "n")
        .order_by()
    )
    frames = []
    for frame in DipFrame:
        counts = by_frame.get(frame.value) or _with_rate({})
        frames.append({"key": frame.value, "label": frame.label, "sampled": sampled.get(frame.value, 0), **counts})
    frame_order = {frame.value: index for index, frame in enumerate(DipFrame)}
    questions = sorted(
        (
            {**_with_rate(dict(row)), "frame_label": DipFrame(row["review__dip_frame"]).label}
            for row in Answer.objects.filter(review__audit=audit)
            .exclude(review__dip_frame="")
            .values("review__dip_frame", "question__order", "question__text")
            .annotate(**_answer_counts(""))
            .order_by()
        ),
        key=lambda q: (frame_order[q["review__dip_frame"]], q["question__order"]),
    )
    cases = []
    for review in (
        CaseReview.objects.filter(audit=audit)
        .select_related("investigation", "referral")
        .annotate(**{key: Count("answers", filter=Q(answers__value=key)) for key in ANSWER_KEYS})
        .order_by("position")
    ):
        investigation = review.investigation
        referral = review.referral
        row = _with_rate({key: getattr(review, key) for key in ANSWER_KEYS})
        row.update(
            position=review.position,
            frame=review.get_dip_frame_display(),
            crime_reference=investigation.crime_reference if investigation else review.reference,
            strand=investigation.get_strand_display() if investigation else "",
            offence_group=investigation.get_offence_group_display() if investigation else "",
            outcome=investigation.get_outcome_type_display() if investigation and investigation.outcome_type else "",
            outcome_date=investigation.outcome_date if investigation else None,
            referral_date=referral.referral_date if referral else None,
            decision=referral.get_decision_display() if referral else "",
            decision_date=referral.decision_date if referral else None,
        )
        cases.append(row)
    return {"frames": frames, "questions": questions, "cases": cases}
