"""Fixed code lists of the commitments app (DESIGN.md §2)."""

from django.db import models


class Rating(models.TextChoices):
    GREEN = "GREEN", "Green"
    AMBER = "AMBER", "Amber"
    RED = "RED", "Red"


# The force's RAG key, word for word (annex Table 2; DESIGN.md §2). En dashes are deliberate.
RAG_DEFINITIONS: dict[str, str] = {
    Rating.GREEN: "On track – can be delivered by lead",
    Rating.AMBER: "Not on track – requires support from SMT lead to resolve",
    Rating.RED: "Not on track – requires support from wider SMT to resolve",
}


class AssessmentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed by lead"
    ENDORSED = "endorsed", "Endorsed by board"
    CHALLENGED = "challenged", "Challenged by board"
    PUBLISHED = "published", "Published by OPCC"


class Cadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    BIMONTHLY = "bimonthly", "Every two months"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Every six months"


class BoardActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class RecommendationStatus(models.TextChoices):
    """The inspection tracker's workflow: the owner moves an item up to *implemented*; only the
    OPCC accepts the evidence (or returns it to *in progress*)."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    IMPLEMENTED = "implemented", "Implemented"
    EVIDENCE_ACCEPTED = "evidence_accepted", "Evidence accepted by the OPCC"


# Where the owner may take an item, in order (they may skip a step but never go back).
RECOMMENDATION_OWNER_STEPS: tuple[str, ...] = (
    RecommendationStatus.NOT_STARTED,
    RecommendationStatus.IN_PROGRESS,
    RecommendationStatus.IMPLEMENTED,
)

# What the owner may move an item to (from where it is).
RECOMMENDATION_OWNER_TARGETS: list[tuple[str, str]] = [
    (RecommendationStatus.IN_PROGRESS.value, RecommendationStatus.IN_PROGRESS.label),
    (RecommendationStatus.IMPLEMENTED.value, RecommendationStatus.IMPLEMENTED.label),
]


class RecommendationKind(models.TextChoices):
    """What the inspectorate asked of the force (HMICFRS wording)."""

    RECOMMENDATION = "recommendation", "Recommendation"
    AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"
    CAUSE_OF_CONCERN = "cause_of_concern", "Cause of concern"


class EvidenceKind(models.TextChoices):
    """An entry of a tracker item's evidence trail: the owner's update, or the OPCC's decision on it."""

    UPDATE = "update", "Evidence update"
    ACCEPTED = "accepted", "Evidence accepted"
    RETURNED = "returned", "Evidence returned"


class QueryStatus(models.TextChoices):
    """A scrutiny query: open → answered (by its owner) → closed (by the OPCC), or reopened by the OPCC."""

    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


# A query waits for its owner in these statuses: only these can be overdue (answering stops the clock).
QUERY_AWAITING_OWNER: tuple[str, ...] = (QueryStatus.OPEN, QueryStatus.REOPENED)


class QuerySubject(models.TextChoices):
    """What a scrutiny query is about (exactly one per query)."""

    COMMITMENT = "commitment", "Commitment"
    BOARD = "board", "Board"
    RECOMMENDATION = "recommendation", "Inspection recommendation"
    KPI = "kpi", "KPI"
    AUDIT_AREA = "audit_area", "Audit area"


class IndicatorDirection(models.TextChoices):
    """Which way an indicator should move: a value on the right side of its target is on track."""

    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
