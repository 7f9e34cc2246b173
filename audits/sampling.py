"""Sampling frames and the random draw: what an area samples, and how a (stratified) sample is chosen.

A draw is a pure function of the candidates (ordered by primary key), the size, the seed and the
stratum: the same register, window, seed and stratum give the same sample, so any sample can be
reproduced. Stratified draws allocate the sample to groups in proportion to their size (largest
remainder, ties to the group whose key sorts first), then draw at random within each group.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from cases.choices import OffenceGroup, Strand
from cases.models import Flag, Investigation, LocalPolicingArea, Team
from cases.outcomes import OUTCOME_GROUPS, outcome_group

from .choices import AREA_SUBJECTS, SUBJECT_STRATA, Stratum, SubjectKind, strands_for_area
from .models import AuditSubject, SamplingFrame

NONE_KEY = "none"


@dataclass(frozen=True)
class Candidate:
    pk: int
    stratum: str


def frame_for(area: str) -> SamplingFrame | None:
    return SamplingFrame.objects.filter(area=area).first() if area else None


def subject_kind_for(area: str, frame: SamplingFrame | None = None) -> str:
    """What the area samples: its frame's subject kind, else investigations (or the area's usual subjects)."""
    if frame is not None:
        return frame.subject_kind
    return AREA_SUBJECTS.get(area, SubjectKind.INVESTIGATIONS)


def describe(area: str, frame: SamplingFrame | None) -> list[str]:
    """The frame in words, one line per filter, for the sample page."""
    kind = subject_kind_for(area, frame)
    lines = [SubjectKind(kind).label]
    if kind != SubjectKind.INVESTIGATIONS:
        return lines + _defaults(frame)
    strands = (frame.strands if frame else None) or list(strands_for_area(area))
    lines.append("Strands: " + ", ".join(_labels(Strand.choices, strands)))
    if frame is not None:
        for label, values, names in (
            ("Offence groups", frame.offence_groups, OffenceGroup.choices),
            ("Teams", frame.teams, _names(Team, frame.teams)),
            ("LPAs", frame.lpas, _names(LocalPolicingArea, frame.lpas)),
            ("Outcome groups", frame.outcome_groups, [(key, label) for key, label, _codes in OUTCOME_GROUPS]),
            ("Outcome types", frame.outcome_types, []),
            ("Flags (any)", frame.flags, _names(Flag, frame.flags)),
        ):
            if values:
                lines.append(f"{label}: {', '.join(_labels(names, values))}")
    return lines + _defaults(frame)


def _labels(choices: Iterable[tuple[str, str]], codes: Iterable[str]) -> list[str]:
    """The label of each code, in the order given (the code itself when it has none)."""
    names = dict(choices)
    return [str(names.get(code, code)) for code in codes]


def _names(model: Any, codes: list[str]) -> list[tuple[str, str]]:
    """(code, name) of the reference-data records with ``codes`` (one query; none when no codes)."""
    return list(model.objects.filter(code__in=codes).values_list("code", "name")) if codes else []


def _defaults(frame: SamplingFrame | None) -> list[str]:
    if frame is None:
        return []
    lines = [
        f"Window: the {frame.window_months} months before the audited month, and that month",
        f"Default sample: {frame.sample_size} cases",
    ]
    if frame.stratify_by:
        lines.append(f"Stratified by {Stratum(frame.stratify_by).label.lower()}")
    return lines


def _outcome_codes(groups: Iterable[str]) -> tuple[set[str], bool]:
    """The outcome codes of the groups, and whether 'open' (no outcome yet) is included."""
    codes: set[str] = set()
    include_open = False
    for key, _label, group_codes in OUTCOME_GROUPS:
        if key in groups:
            if group_codes is None:
                include_open = True
            else:
                codes |= group_codes
    return codes, include_open


def investigation_candidates(
    *,
    area: str,
    frame: SamplingFrame | None,
    window_start: date,
    window_end: date,
    exclude: Iterable[int],
    stratify_by: str,
) -> list[Candidate]:
    """Investigations of the frame recorded in the window (one query), with their stratum key."""
    qs = Investigation.objects.filter(recorded_date__range=(window_start, window_end)).exclude(pk__in=list(exclude))
    qs = qs.filter(strand__in=(frame.strands if frame and frame.strands else strands_for_area(area)))
    if frame is not None:
        if frame.offence_groups:
            qs = qs.filter(offence_group__in=frame.offence_groups)
        if frame.teams:
            qs = qs.filter(team__code__in=frame.teams)
        if frame.lpas:
            qs = qs.filter(lpa__code__in=frame.lpas)
        if frame.outcome_groups or frame.outcome_types:
            codes, include_open = _outcome_codes(frame.outcome_groups)
            condition = Q(outcome_type__in=codes | set(frame.outcome_types))
            if include_open:
                condition |= Q(outcome_type="") | Q(outcome_type__isnull=True)
            qs = qs.filter(condition)
        if frame.flags:
            qs = qs.filter(flags__code__in=frame.flags).distinct()
    fields: dict[str, str] = {
        Stratum.TEAM: "team__code",
        Stratum.LPA: "lpa__code",
        Stratum.OUTCOME_GROUP: "outcome_type",
    }
    field = fields.get(stratify_by, "pk")
    rows = qs.order_by("pk").values_list("pk", field)
    if stratify_by == Stratum.OUTCOME_GROUP:
        return [Candidate(pk, outcome_group(value or None)) for pk, value in rows]
    return [Candidate(pk, str(value or NONE_KEY) if stratify_by else "") for pk, value in rows]


def subject_candidates(
    *, kind: str, window_start: date, window_end: date, exclude: Iterable[int], stratify_by: str
) -> list[Candidate]:
    """The area's pseudonymous subjects whose start date is in the window (one query)."""
    fields: dict[str, str] = {Stratum.TEAM: "team__code", Stratum.LPA: "lpa__code", Stratum.RISK: "risk_level"}
    field = fields.get(stratify_by, "pk")
    rows = (
        AuditSubject.objects.filter(kind=kind, start_date__range=(window_start, window_end))
        .exclude(pk__in=list(exclude))
        .order_by("pk")
        .values_list("pk", field)
    )
    return [Candidate(pk, str(value or NONE_KEY) if stratify_by else "") for pk, value in rows]


def allowed_strata(kind: str) -> tuple[str, ...]:
    return SUBJECT_STRATA[kind]


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Share ``n`` between groups in proportion to their sizes (largest remainder; never more than a group holds).

    E.g. sizes {a: 6, b: 3, c: 1}, n = 5 → quotas 3.0, 1.5, 0.5 → floors 3, 1, 0 → one left for the
    largest remainder (b and c tie at 0.5; b sorts first) → {a: 3, b: 2, c: 0}.
    """
    total = sum(sizes.values())
    n = min(n, total)
    if not total:
        return dict.fromkeys(sizes, 0)
    shares = {key: n * size / total for key, size in sizes.items()}
    alloc = {key: int(share) for key, share in shares.items()}
    left = n - sum(alloc.values())
    for key in sorted(sizes, key=lambda k: (-(shares[k] - alloc[k]), k)):
        if left <= 0:
            break
        if alloc[key] < sizes[key]:
            alloc[key] += 1
            left -= 1
    return alloc


def draw(candidates: list[Candidate], *, size: int, seed: int, stratified: bool) -> list[int]:
    """The chosen primary keys, reproducible from (candidates, size, seed, stratified)."""
    rng = random.Random(seed)
    if not stratified:
        pks = [c.pk for c in candidates]
        return rng.sample(pks, min(size, len(pks)))
    groups: dict[str, list[int]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.stratum, []).append(candidate.pk)
    shares = allocate({key: len(pks) for key, pks in groups.items()}, size)
    chosen: list[int] = []
    for key in sorted(groups):
        chosen += rng.sample(sorted(groups[key]), shares[key])
    return chosen


def strata_counts(candidates: list[Candidate], chosen: Iterable[int]) -> list[dict[str, Any]]:
    """Per stratum: candidates and chosen, for the sample page and tests."""
    picked = set(chosen)
    rows: dict[str, dict[str, Any]] = {}
    for candidate in candidates:
        row = rows.setdefault(candidate.stratum, {"stratum": candidate.stratum, "candidates": 0, "chosen": 0})
        row["candidates"] += 1
        row["chosen"] += candidate.pk in picked
    return [rows[key] for key in sorted(rows)]
