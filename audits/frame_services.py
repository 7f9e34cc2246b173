"""Writes for what audits sample: an area's sampling frame, and the pseudonymous subjects that are not
crimes (managed offenders, missing episodes). Same shape as ``services.py``: keyword-only, the acting
user checked inside (audit leads only), one transaction, validated before save, history kept.

The rules of a subject's values live here once (:func:`subject_errors`) and serve the pages and the
CSV import (``audits.subjects_import``) alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.choices import OffenceGroup, Strand
from cases.models import Flag, LocalPolicingArea, Team
from cases.outcomes import OUTCOME_GROUPS, OutcomeType
from cases.rules import future_error
from oversight.errors import ApplicationError, clean_or_raise
from oversight.history import save_with_actor
from oversight.roles import Cap, require_capability
from oversight.text import is_pseudonymous

from . import sampling
from .choices import MAX_WINDOW_MONTHS, AuditArea, RiskLevel, Stratum, SubjectKind, VisorCategory
from .models import AuditSubject, SamplingFrame

MAX_FRAME_SAMPLE_SIZE = 200
MAX_REFERENCE_LENGTH = 40

# The investigation filters of a frame, with the codes each accepts (reference data read when checked).
INVESTIGATION_FILTERS = ("strands", "offence_groups", "teams", "lpas", "outcome_groups", "outcome_types", "flags")
FILTER_LABELS = {
    "strands": "Strands",
    "offence_groups": "Offence groups",
    "teams": "Teams",
    "lpas": "Local policing areas",
    "outcome_groups": "Outcome groups",
    "outcome_types": "Outcome types",
    "flags": "Flags",
}


def filter_codes() -> dict[str, tuple[str, ...]]:
    """Every code each investigation filter accepts, in display order (three small queries)."""
    return {
        "strands": tuple(Strand.values),
        "offence_groups": tuple(OffenceGroup.values),
        "teams": tuple(Team.objects.order_by("name").values_list("code", flat=True)),
        "lpas": tuple(LocalPolicingArea.objects.order_by("name").values_list("code", flat=True)),
        "outcome_groups": tuple(key for key, _label, _codes in OUTCOME_GROUPS),
        "outcome_types": tuple(OutcomeType.values),
        "flags": tuple(Flag.objects.order_by("name").values_list("code", flat=True)),
    }


@transaction.atomic
def sampling_frame_save(
    *,
    area: str,
    actor: Any,
    subject_kind: str,
    filters: Mapping[str, Iterable[str]] | None = None,
    window_months: int = 12,
    sample_size: int = 10,
    stratify_by: str = "",
    description: str = "",
) -> SamplingFrame:
    """Create or change the sampling frame of ``area``: what its audits sample (investigations narrowed
    by ``filters``, or the area's managed offenders or missing episodes), the default window, sample
    size and stratum. Unknown codes, filters on subjects that are not investigations and strata that
    do not fit the subjects are refused; nothing is saved then."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    if area not in AuditArea.values:
        raise ApplicationError(f"'{area}' is not an audit area.", {"area": ["Unknown area."]})
    if subject_kind not in SubjectKind.values:
        raise ApplicationError("Choose what the area samples.", {"subject_kind": ["Unknown kind of subject."]})
    given = {
        name: list(dict.fromkeys(v.strip() for v in values if v.strip())) for name, values in (filters or {}).items()
    }
    unknown_filters = set(given) - set(INVESTIGATION_FILTERS)
    if unknown_filters:
        raise ApplicationError(f"Unknown filters: {', '.join(sorted(unknown_filters))}.")
    errors: dict[str, list[str]] = {}
    if subject_kind != SubjectKind.INVESTIGATIONS:
        noun = SubjectKind(subject_kind).label.split(" (")[0].lower()
        for name, values in given.items():
            if values:
                errors[name] = [f"{FILTER_LABELS[name]} filter investigations, not {noun}: clear them."]
    else:
        codes = filter_codes()
        for name, values in given.items():
            bad = [v for v in values if v not in codes[name]]
            if bad:
                errors[name] = [f"{FILTER_LABELS[name]}: {', '.join(bad)} not known."]
    if stratify_by and stratify_by not in sampling.allowed_strata(subject_kind):
        allowed = ", ".join(Stratum(s).label.lower() for s in sampling.allowed_strata(subject_kind))
        errors["stratify_by"] = [f"These subjects can be stratified by {allowed}."]
    if not 1 <= window_months <= MAX_WINDOW_MONTHS:
        errors["window_months"] = [f"The window is 1 to {MAX_WINDOW_MONTHS} months."]
    if not 1 <= sample_size <= MAX_FRAME_SAMPLE_SIZE:
        errors["sample_size"] = [f"The sample size is 1 to {MAX_FRAME_SAMPLE_SIZE} cases."]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors)

    frame = SamplingFrame.objects.select_for_update().filter(area=area).first() or SamplingFrame(area=area)
    frame.subject_kind = subject_kind
    for name in INVESTIGATION_FILTERS:
        setattr(frame, name, given.get(name, []))
    frame.window_months = window_months
    frame.sample_size = sample_size
    frame.stratify_by = stratify_by
    frame.description = description.strip()
    clean_or_raise(frame)
    save_with_actor(frame, actor=actor)
    return frame


# --- Pseudonymous subjects -------------------------------------------------------------------------


def reference_error(reference: str) -> str | None:
    """Why a subject's reference is refused, or ``None``: required, at most 40 characters, and
    pseudonymous (it holds a digit: a name is never a reference)."""
    if not reference:
        return "is required"
    if len(reference) > MAX_REFERENCE_LENGTH:
        return f"must be {MAX_REFERENCE_LENGTH} characters or fewer"
    if not is_pseudonymous(reference):
        return f"'{reference}' is not a pseudonymous reference (it has no digit): names are never stored"
    return None


def subject_errors(kind: str, values: Mapping[str, Any], *, today: date) -> dict[str, str]:
    """Field → why it is refused, for a subject of ``kind`` with ``values`` (reference, visor_category,
    risk_level, start_date, end_date). The one home of these rules: pages and the CSV import use it."""
    errors: dict[str, str] = {}
    if message := reference_error(values.get("reference") or ""):
        errors["reference"] = message
    visor = values.get("visor_category") or ""
    if kind == SubjectKind.MANAGED_OFFENDERS:
        if not visor:
            errors["visor_category"] = "is required for a managed offender"
        elif visor not in VisorCategory.values:
            errors["visor_category"] = f"'{visor}' is not a known code (use one of: {', '.join(VisorCategory.values)})"
    elif visor:
        errors["visor_category"] = "only a managed offender has a VISOR category"
    risk = values.get("risk_level") or ""
    if not risk:
        errors["risk_level"] = "is required"
    elif risk not in RiskLevel.values:
        errors["risk_level"] = f"'{risk}' is not a known code (use one of: {', '.join(RiskLevel.values)})"
    start, end = values.get("start_date"), values.get("end_date")
    if start is None:
        errors["start_date"] = "is required"
    elif message := future_error(start, today=today):
        errors["start_date"] = message
    if end is not None:
        if message := future_error(end, today=today):
            errors["end_date"] = message
        elif start is not None and end < start:
            errors["end_date"] = f"is before the start date ({start:%Y-%m-%d})"
    return errors


SUBJECT_FIELDS = ("reference", "visor_category", "risk_level", "team", "lpa", "start_date", "end_date")
SUBJECT_LABELS = {
    "reference": "Reference",
    "visor_category": "VISOR category",
    "risk_level": "Risk level",
    "start_date": "Start date",
    "end_date": "End date",
}


@transaction.atomic
def subject_save(
    *, actor: Any, kind: str, values: Mapping[str, Any], subject: AuditSubject | None = None
) -> AuditSubject:
    """Create a managed offender or missing episode (``subject`` None) or change one. ``values`` holds
    :data:`SUBJECT_FIELDS` (``team`` and ``lpa`` as records or None). A reference already used by
    another subject of the kind is refused."""
    require_capability(actor, Cap.AUDITS_MANAGE)
    if kind not in (SubjectKind.MANAGED_OFFENDERS, SubjectKind.MISSING_EPISODES):
        raise ApplicationError("Only managed offenders and missing episodes are entered here.")
    if subject is not None:
        subject = AuditSubject.objects.select_for_update().get(pk=subject.pk)
        if subject.kind != kind:
            raise ApplicationError("This subject is of another kind.")
    data = {name: values.get(name) for name in SUBJECT_FIELDS}
    data["reference"] = (data["reference"] or "").strip()
    data["visor_category"] = data["visor_category"] or ""
    data["risk_level"] = data["risk_level"] or ""
    errors = subject_errors(kind, data, today=timezone.localdate())
    taken = AuditSubject.objects.filter(kind=kind, reference=data["reference"])
    if subject is not None:
        taken = taken.exclude(pk=subject.pk)
    if "reference" not in errors and taken.exists():
        errors["reference"] = f"{data['reference']} is already recorded"
    if errors:
        labelled = {field: [f"{SUBJECT_LABELS[field]} {message}."] for field, message in errors.items()}
        raise ApplicationError(next(iter(labelled.values()))[0], labelled)
    subject = subject or AuditSubject(kind=kind)
    for name, value in data.items():
        setattr(subject, name, value)
    clean_or_raise(subject)
    save_with_actor(subject, actor=actor)
    return subject
