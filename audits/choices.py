"""Fixed code lists of the audits app (DESIGN.md §2, Audits)."""

from __future__ import annotations

from django.db import models

from cases.choices import Strand


class AuditKind(models.TextChoices):
    MONTHLY = "monthly", "Monthly case-file audit"
    THEMATIC = "thematic", "Thematic audit"
    QATT = "qatt", "Quality-assurance thematic testing (QATT)"
    REAUDIT = "reaudit", "Re-audit"
    JOINT_DIP = "joint_dip", "Joint police/CPS dip sample"


class DipFrame(models.TextChoices):
    """The three sampling frames of a joint police/CPS dip sample (seed 001)."""

    UNREFERRED = "unreferred", "Closed without a CPS referral, suspect identified"
    CPS_NFA = "cps_nfa", "CPS no-further-action decisions"
    FURTHER_EVIDENCE = "further_evidence", "CPS requests for further evidence"


# Frames whose subject is one CPS referral decision (the review names the referral).
REFERRAL_FRAMES = (DipFrame.CPS_NFA, DipFrame.FURTHER_EVIDENCE)


class AuditArea(models.TextChoices):
    """The PPU portfolio an audit covers (a thematic audit may have none and a theme instead)."""

    RASSO = "rasso", "RASSO"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    CHILD_ABUSE = "child_abuse", "Child abuse"
    SEX_OFFENDER_MANAGEMENT = "sex_offender_management", "Sex offender management"
    MISSING_PEOPLE = "missing_people", "Missing people"


# Which investigation strands an area's sample is drawn from. Missing people and
# sex offender management are not strands of the register: they are audited
# through the investigations most often linked to them (exploitation for missing
# children; sexual offending for managed offenders).
AREA_STRANDS: dict[str, tuple[str, ...]] = {
    AuditArea.RASSO: (Strand.RASSO,),
    AuditArea.DOMESTIC_ABUSE: (
        Strand.DOMESTIC_ABUSE,
        Strand.STALKING_HARASSMENT,
        Strand.HONOUR_BASED_ABUSE,
        Strand.FORCED_MARRIAGE,
        Strand.FGM,
    ),
    AuditArea.CHILD_ABUSE: (Strand.CSE, Strand.CSA),
    AuditArea.SEX_OFFENDER_MANAGEMENT: (Strand.RASSO, Strand.CSA, Strand.SEXUAL_HARASSMENT),
    AuditArea.MISSING_PEOPLE: (Strand.CSE, Strand.MODERN_SLAVERY, Strand.SEX_WORK),
}


def strands_for_area(area: str) -> tuple[str, ...]:
    """The strands sampled for ``area``; every strand when the audit has no area (a cross-cutting theme)."""
    return AREA_STRANDS.get(area, tuple(Strand.values))


class SubjectKind(models.TextChoices):
    """What an area's audits sample."""

    INVESTIGATIONS = "investigations", "Investigations from the register"
    MANAGED_OFFENDERS = "managed_offenders", "Managed offenders (pseudonymous references)"
    MISSING_EPISODES = "missing_episodes", "Missing episodes (pseudonymous references)"


# The subjects each area samples unless its sampling frame says otherwise.
AREA_SUBJECTS: dict[str, str] = {
    AuditArea.SEX_OFFENDER_MANAGEMENT: SubjectKind.MANAGED_OFFENDERS,
    AuditArea.MISSING_PEOPLE: SubjectKind.MISSING_EPISODES,
}


class VisorCategory(models.TextChoices):
    """How a managed offender is held on VISOR (MAPPA categories)."""

    RSO = "rso", "Registered sex offender (MAPPA category 1)"
    VIOLENT = "violent", "Violent offender (MAPPA category 2)"
    OTHER_DANGEROUS = "other_dangerous", "Other dangerous offender (MAPPA category 3)"
    PDP = "pdp", "Potentially dangerous person"


class RiskLevel(models.TextChoices):
    """Risk of serious harm (managed offenders) or the risk grading of a missing episode."""

    NO_APPARENT_RISK = "no_apparent_risk", "No apparent risk"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class Stratum(models.TextChoices):
    """How a random draw may be stratified (proportional allocation within each group)."""

    OUTCOME_GROUP = "outcome_group", "Outcome group"
    TEAM = "team", "Team"
    LPA = "lpa", "Local policing area"
    RISK = "risk", "Risk level or grading"


# Strata that make sense for each kind of subject.
SUBJECT_STRATA: dict[str, tuple[str, ...]] = {
    SubjectKind.INVESTIGATIONS: (Stratum.OUTCOME_GROUP, Stratum.TEAM, Stratum.LPA),
    SubjectKind.MANAGED_OFFENDERS: (Stratum.RISK, Stratum.TEAM, Stratum.LPA),
    SubjectKind.MISSING_EPISODES: (Stratum.RISK, Stratum.TEAM, Stratum.LPA),
}


# The longest sample window a sampling frame may set, in months.
MAX_WINDOW_MONTHS = 36


class AuditStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    SIGNED_OFF = "signed_off", "Signed off"


class AnswerValue(models.TextChoices):
    COMPLIANT = "compliant", "Compliant"
    PARTIAL = "partial", "Partially compliant"
    NON_COMPLIANT = "non_compliant", "Not compliant"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class AnswerScale(models.TextChoices):
    """Which grades a question accepts (not applicable is allowed or not separately)."""

    GRADED = "graded", "Compliant, partially compliant or not compliant"
    YES_NO = "yes_no", "Compliant or not compliant"


SCALE_VALUES: dict[str, tuple[str, ...]] = {
    AnswerScale.GRADED: (AnswerValue.COMPLIANT, AnswerValue.PARTIAL, AnswerValue.NON_COMPLIANT),
    AnswerScale.YES_NO: (AnswerValue.COMPLIANT, AnswerValue.NON_COMPLIANT),
}

MAX_QUESTION_WEIGHT = 5


class AssuranceLevel(models.TextChoices):
    SUBSTANTIAL = "substantial", "Substantial"
    REASONABLE = "reasonable", "Reasonable"
    LIMITED = "limited", "Limited"
    MINIMAL = "minimal", "Minimal"


# (lowest compliance rate, level), highest first: DESIGN.md §2.
ASSURANCE_THRESHOLDS: tuple[tuple[float, str], ...] = (
    (90.0, AssuranceLevel.SUBSTANTIAL),
    (75.0, AssuranceLevel.REASONABLE),
    (50.0, AssuranceLevel.LIMITED),
)


class SampleMethod(models.TextChoices):
    RANDOM = "random", "Random sample"
    STRATIFIED = "stratified", "Stratified random sample"
    PICKED = "picked", "Picked by reference"


class LearningKind(models.TextChoices):
    GOOD_PRACTICE = "good_practice", "Good practice"
    IMPROVEMENT = "improvement", "Area for improvement"


class FindingSeverity(models.TextChoices):
    """How serious an area for improvement is (good practice has no severity)."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


SEVERITY_DEFINITIONS: dict[str, str] = {
    FindingSeverity.LOW: (
        "A minor departure from the standard, such as a late or incomplete record, with no effect on the victim, "
        "the evidence or the outcome. Share with the team."
    ),
    FindingSeverity.MEDIUM: (
        "The standard was not met in a way that could weaken the investigation or the victim's experience if it "
        "is repeated. Put right within the next audit cycle."
    ),
    FindingSeverity.HIGH: (
        "The standard was not met with a likely effect on safeguarding, evidence or the victim's entitlements. "
        "Needs an action with an owner and a due date."
    ),
    FindingSeverity.CRITICAL: (
        "A current risk of serious harm to a victim or the public, or of a miscarriage of justice. Escalate to the "
        "PPU senior leadership team the same day."
    ),
}


class LearningTheme(models.TextChoices):
    VICTIM_CARE = "victim_care", "Victim care and Victims' Code"
    INVESTIGATION_PLAN = "investigation_plan", "Investigation plan and suspect focus"
    SUPERVISION = "supervision", "Supervision"
    SAFEGUARDING = "safeguarding", "Safeguarding and risk"
    EVIDENCE = "evidence", "Evidence gathering"
    CPS_FILE = "cps_file", "CPS file quality and early advice"
    BAIL = "bail", "Bail and released under investigation"
    ORDERS = "orders", "Protective orders"
    LANGUAGE = "language", "Victim-blaming language"
    RECORDING = "recording", "Crime recording and record keeping"
    OTHER = "other", "Other"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    VERIFIED = "verified", "Verified"


ACTION_OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
