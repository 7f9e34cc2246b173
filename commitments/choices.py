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
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    IMPLEMENTED = "implemented", "Implemented"
    CLOSED = "closed", "Closed"


class IndicatorDirection(models.TextChoices):
    """Which way an indicator should move: a value on the right side of its target is on track."""

    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
