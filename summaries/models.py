"""Stored summaries, their build log and the overdue-digest deliveries (DESIGN.md §2, Summaries)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class SummaryKind(models.TextChoices):
    MONTHLY_PERFORMANCE = "monthly_performance", "Monthly performance summary"
    QUARTERLY_RAG = "quarterly_rag", "Quarterly RAG summary"
    OVERDUE_DIGEST = "overdue_digest", "Daily overdue-actions digest"


class Summary(models.Model):
    """A stored summary for one (kind, period); rebuilding replaces it in place.

    Content is aggregate only: no crime references, so any role may read it.
    """

    kind = models.CharField(max_length=32, choices=SummaryKind.choices)
    period = models.CharField(max_length=16, help_text="2025-11 (month), 2025-26-Q2 (quarter) or 2025-11-25 (day).")
    period_start = models.DateField()
    period_end = models.DateField()
    built_at = models.DateTimeField()
    data = models.JSONField(default=dict)
    html = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "-period_start"]
        verbose_name_plural = "summaries"
        constraints = [models.UniqueConstraint(fields=["kind", "period"], name="summary_unique_kind_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"


class SummaryBuild(models.Model):
    """One (re)build of a summary: who or what triggered it, when, how long it took, how it ended."""

    class Status(models.TextChoices):
        UNSENT = "unsent", "Waiting to be sent"  # the task queue did not answer; the beat sweep sends it
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        MANUAL = "manual", "Rebuild by an administrator"
        SEED = "seed", "Demo seed"
        COMMAND = "command", "Management command"

    kind = models.CharField(max_length=32, choices=SummaryKind.choices)
    period = models.CharField(max_length=16)
    summary = models.ForeignKey(Summary, on_delete=models.SET_NULL, null=True, blank=True, related_name="builds")
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="summary_builds"
    )
    task_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at"]
        indexes = [models.Index(fields=["kind", "period"], name="summary_build_kind_period_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} ({self.status})"


class DigestDelivery(models.Model):
    """The overdue digest (audit actions and scrutiny queries) sent to one owner on one day: at most one per
    owner per day."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    action_count = models.PositiveIntegerField()
    query_count = models.PositiveIntegerField(default=0, help_text="Overdue scrutiny queries in the digest.")

    class Meta:
        ordering = ["-day"]
        verbose_name_plural = "digest deliveries"
        constraints = [models.UniqueConstraint(fields=["owner", "day"], name="digest_once_per_owner_per_day")]

    def __str__(self) -> str:
        return f"Digest to {self.owner} on {self.day}"
