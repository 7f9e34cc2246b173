"""Police and Crime Plan commitments, quarterly RAG ratings, boards and inspection recommendations."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from audits.choices import AuditArea
from cases.choices import OffenceGroup, Strand, VictimAgeGroup
from cases.kpis import METRIC_LABELS, METRICS
from oversight.errors import ApplicationError
from oversight.history import save_with_actor
from oversight.periods import Period, fy_key, parse_quarter

from .choices import (
    QUERY_AWAITING_OWNER,
    AssessmentStatus,
    BoardActionStatus,
    Cadence,
    EvidenceKind,
    IndicatorDirection,
    QueryStatus,
    QuerySubject,
    Rating,
    RecommendationKind,
    RecommendationStatus,
)

User = settings.AUTH_USER_MODEL

if TYPE_CHECKING:
    from oversight.models import User as UserModel


def validate_strands(value: object) -> None:
    """A list of VAWG strand codes, each at most once."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Strands must be a list of strand codes.")
    unknown = sorted(set(value) - set(Strand.values))
    if unknown:
        raise ValidationError(f"Unknown strand: {', '.join(unknown)}.")
    if len(set(value)) != len(value):
        raise ValidationError("A strand is listed twice.")


def strand_labels(codes: list[str]) -> list[str]:
    labels = dict(Strand.choices)
    return [labels.get(code, code) for code in codes]


class Plan(models.Model):
    """A Police and Crime Plan (e.g. 2025–2029) whose commitments the force reports on each quarter.

    ``reporting_period`` is the quarter updates are being collected for (the OPCC opens each round);
    when empty, the quarter before today's is used.
    """

    title = models.CharField(max_length=200, unique=True)
    start_date = models.DateField()
    end_date = models.DateField()
    reporting_period = models.ForeignKey(
        "ReportingPeriod", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="plan_ends_after_it_starts",
                violation_error_message="A plan must end after it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Chapter(models.Model):
    """A chapter of a plan (e.g. "Preventing and Tackling Violence")."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="chapters")
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "title"]
        constraints = [models.UniqueConstraint(fields=["plan", "title"], name="chapter_title_unique_per_plan")]

    def __str__(self) -> str:
        return self.title


class Board(models.Model):
    """A governance board that oversees commitments; its chair endorses or challenges their RAG."""

    name = models.CharField(max_length=200, unique=True)
    chair = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="chaired_boards")
    chair_title = models.CharField(max_length=150, blank=True, help_text="e.g. ACC Crime")
    members: models.ManyToManyField[UserModel, Any] = models.ManyToManyField(
        User, blank=True, related_name="board_memberships"
    )
    remit = models.JSONField(default=list, blank=True, validators=[validate_strands], help_text="VAWG strands")
    cadence = models.CharField(max_length=16, choices=Cadence.choices, default=Cadence.MONTHLY)
    description = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def remit_labels(self) -> list[str]:
        return strand_labels(self.remit)


class Commitment(models.Model):
    """One commitment of a plan, identified by its action reference (e.g. "147")."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="commitments")
    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="commitments")
    action_ref = models.CharField("action reference", max_length=20)
    text = models.TextField()
    order = models.PositiveSmallIntegerField(help_text="Position in the plan (and in the report).")
    lead = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_commitments",
        verbose_name="lead officer",
    )
    board = models.ForeignKey(Board, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments")
    strands = models.JSONField(default=list, blank=True, validators=[validate_strands])
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "action_ref"], name="commitment_action_ref_unique_per_plan"),
            models.UniqueConstraint(fields=["plan", "order"], name="commitment_order_unique_per_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.action_ref} – {self.text}"

    def clean(self) -> None:
        if self.chapter_id and self.plan_id and self.chapter.plan_id != self.plan_id:
            raise ValidationError({"chapter": "The chapter belongs to another plan."})

    @property
    def strand_labels(self) -> list[str]:
        return strand_labels(self.strands)


class ReportingPeriodManager(models.Manager["ReportingPeriod"]):
    def for_key(self, key: str, *, actor: Any = None) -> ReportingPeriod:
        """The period for ``key`` (``2025-26-Q2``), created on first use (history names ``actor``).
        ApplicationError if malformed."""
        quarter = parse_quarter(key)
        period = self.filter(key=quarter.key).first()
        if period is not None:
            return period
        try:
            with transaction.atomic():  # a savepoint: another request may create it first
                return save_with_actor(
                    self.model(key=quarter.key, start_date=quarter.start, end_date=quarter.end), actor=actor
                )
        except IntegrityError:
            return self.get(key=quarter.key)


class ReportingPeriod(models.Model):
    """A financial quarter (``2025-26-Q2`` = 1 July – 30 September 2025); dates derive from the key."""

    key = models.CharField(max_length=10, unique=True)
    start_date = models.DateField(editable=False)
    end_date = models.DateField(editable=False)
    history = HistoricalRecords()
    objects = ReportingPeriodManager()

    class Meta:
        ordering = ["start_date"]

    def __str__(self) -> str:
        return self.key

    def save(self, *args: Any, **kwargs: Any) -> None:
        quarter = parse_quarter(self.key)
        self.start_date, self.end_date = quarter.start, quarter.end
        super().save(*args, **kwargs)

    def clean(self) -> None:
        try:
            parse_quarter(self.key)
        except ApplicationError as exc:
            raise ValidationError({"key": exc.message}) from exc

    @property
    def quarter(self) -> Period:
        return Period(self.start_date, self.end_date, self.key)

    @property
    def label(self) -> str:
        return period_label(self.key)


def period_label(key: str) -> str:
    """``2025-26-Q2`` → ``Q2 25/26`` (the force report's heading)."""
    return f"{key[-2:]} {key[2:4]}/{key[5:7]}"


class ProgressUpdate(models.Model):
    """The lead's narrative for a commitment in a quarter, with the RAG rating they propose."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="updates")
    narrative = models.TextField()
    proposed_rating = models.CharField(max_length=5, choices=Rating.choices)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="progress_updates")
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment", "-period__start_date"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "period"], name="progress_update_one_per_period"),
            models.CheckConstraint(condition=Q(proposed_rating__in=Rating.values), name="progress_update_rating_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.action_ref} {self.period.key}"


class RagAssessmentQuerySet(models.QuerySet["RagAssessment"]):
    def current(self) -> RagAssessmentQuerySet:
        """Only the latest version for each (commitment, period)."""
        later = RagAssessment.objects.filter(
            commitment=OuterRef("commitment"), period=OuterRef("period"), version__gt=OuterRef("version")
        )
        return self.filter(~Exists(later))


class RagAssessment(models.Model):
    """The RAG rating of a commitment for a quarter: proposed → endorsed/challenged → published.

    A published row never changes; a correction is a new row (``version`` + 1) with a reason,
    pointing at the version it corrects. The current rating is the highest version.
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="assessments")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="assessments")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.PROPOSED)

    proposed_rating = models.CharField(max_length=5, choices=Rating.choices)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()

    review_comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    rating = models.CharField(max_length=5, choices=Rating.choices, blank=True, help_text="The published rating.")
    rationale = models.TextField(blank=True)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    correction_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = RagAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["commitment", "period__start_date", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "period", "version"], name="rag_assessment_one_row_per_version"
            ),
            models.CheckConstraint(
                condition=~Q(status=AssessmentStatus.PUBLISHED)
                | (Q(rating__in=Rating.values) & ~Q(rationale="") & Q(published_by__isnull=False)),
                name="rag_assessment_published_has_rating_and_rationale",
                violation_error_message="A published rating needs a rating, a rationale and who published it.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[AssessmentStatus.ENDORSED, AssessmentStatus.CHALLENGED])
                | Q(reviewed_by__isnull=False),
                name="rag_assessment_review_has_reviewer",
            ),
            models.CheckConstraint(
                condition=Q(version=1) | (~Q(correction_reason="") & Q(corrects__isnull=False)),
                name="rag_assessment_correction_has_reason",
                violation_error_message="A correction needs a reason.",
            ),
            models.CheckConstraint(
                condition=Q(proposed_rating__in=Rating.values), name="rag_assessment_proposed_rating_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.action_ref} {self.period.key} v{self.version} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Immutability of a published rating, whoever saves (service, admin, shell).
        if self.pk and type(self).objects.filter(pk=self.pk, status=AssessmentStatus.PUBLISHED).exists():
            raise ApplicationError(
                "A published rating cannot be changed: record a correction with a reason instead.",
                {"rating": ["Published ratings are immutable."]},
            )
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == AssessmentStatus.PUBLISHED


class BoardMeeting(models.Model):
    """A meeting of a board: who attended, which commitments it reviewed, minutes and decisions."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    attendees: models.ManyToManyField[UserModel, Any] = models.ManyToManyField(
        User, blank=True, related_name="board_meetings_attended"
    )
    other_attendees = models.TextField(blank=True, help_text="People without an account, one per line.")
    commitments_reviewed = models.ManyToManyField(Commitment, blank=True, related_name="meetings")
    minutes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[attendees, commitments_reviewed])

    class Meta:
        ordering = ["board", "-date"]
        constraints = [models.UniqueConstraint(fields=["board", "date"], name="board_meeting_one_per_day")]

    def __str__(self) -> str:
        return f"{self.board.name} – {date_format(self.date)}"


class BoardAction(models.Model):
    """An action a board meeting set: owner, due date and status."""

    meeting = models.ForeignKey(BoardMeeting, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="board_actions")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=BoardActionStatus.choices, default=BoardActionStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "due_date", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class InspectionRecommendation(models.Model):
    """An item of the inspection tracker: a recommendation, area for improvement or cause of concern
    of an inspection report, the force's response, its owner and due date, and where it stands.

    The owner moves it up to *implemented* with dated evidence updates (:class:`RecommendationEvidence`);
    only the OPCC accepts the evidence (or returns it to *in progress*).
    """

    report = models.ForeignKey("InspectionReport", on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(
        max_length=24, choices=RecommendationKind.choices, default=RecommendationKind.RECOMMENDATION
    )
    text = models.TextField()
    response = models.TextField(blank=True, help_text="The force's response.")
    owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_recommendations",
        help_text="The force's owner, who reports progress and evidence.",
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=RecommendationStatus.choices, default=RecommendationStatus.NOT_STARTED
    )
    board = models.ForeignKey(Board, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations")
    commitments: models.ManyToManyField[Commitment, Any] = models.ManyToManyField(
        Commitment, blank=True, related_name="recommendations"
    )
    history = HistoricalRecords(m2m_fields=[commitments])

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="recommendation_number_unique_per_report"),
            models.CheckConstraint(
                condition=Q(status__in=RecommendationStatus.values), name="recommendation_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} – {self.report}"

    @property
    def short_label(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def is_overdue(self, today: date) -> bool:
        """Due before ``today`` and not yet implemented."""
        return bool(
            self.due_date
            and self.due_date < today
            and self.status in (RecommendationStatus.NOT_STARTED, RecommendationStatus.IN_PROGRESS)
        )


# --- the inspection tracker and scrutiny queries ----------------------------------------------------

# The PCC publishes a response to an inspection report within 56 days of its publication
# (Police Act 1996, section 55).
PCC_RESPONSE_DAYS = 56


class InspectionReport(models.Model):
    """An inspection report (e.g. HMICFRS) whose recommendations the force tracks, and the PCC's
    published response to it, due :data:`PCC_RESPONSE_DAYS` days after the report's publication."""

    title = models.CharField(max_length=300, unique=True)
    inspectorate = models.CharField(max_length=100, default="HMICFRS")
    published_on = models.DateField("publication date", null=True, blank=True)
    pcc_response = models.TextField("PCC's response", blank=True)
    pcc_response_published_on = models.DateField("PCC's response published on", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pcc_response_published_on__isnull=True)
                | Q(published_on__isnull=False, pcc_response_published_on__gte=models.F("published_on")),
                name="inspection_report_response_after_publication",
                violation_error_message="The PCC's response cannot be published before the report.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def response_deadline(self) -> date | None:
        """The statutory deadline of the PCC's response: 56 days after the report's publication."""
        return self.published_on + timedelta(days=PCC_RESPONSE_DAYS) if self.published_on else None

    def response_state(self, today: date) -> dict[str, Any]:
        """Where the PCC's response stands on ``today``: ``{"state", "days", "text"}``.

        ``state`` is ``published`` (``days`` early (+) or late (−)), ``due`` (``days`` remaining,
        0 on the deadline day), ``overdue`` (``days`` past the deadline) or ``unknown`` (no publication date).
        """
        deadline = self.response_deadline
        if deadline is None:
            return {"state": "unknown", "days": None, "text": "No publication date recorded"}
        if self.pcc_response_published_on:
            days = (deadline - self.pcc_response_published_on).days
            when = f"{abs(days)} day{'s' if abs(days) != 1 else ''}"
            text = "Published on the deadline" if days == 0 else f"Published {when} {'early' if days > 0 else 'late'}"
            return {"state": "published", "days": days, "text": text}
        days = (deadline - today).days
        if days >= 0:
            return {"state": "due", "days": days, "text": f"{days} day{'s' if days != 1 else ''} remaining"}
        return {"state": "overdue", "days": -days, "text": f"Overdue by {-days} day{'s' if days != -1 else ''}"}


class RecommendationEvidence(models.Model):
    """A dated entry of a tracker item's evidence trail: the owner's update, or the OPCC accepting or
    returning the evidence (with its reason)."""

    recommendation = models.ForeignKey(InspectionRecommendation, on_delete=models.PROTECT, related_name="evidence")
    date = models.DateField()
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.UPDATE)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "-date", "-created_at", "-pk"]
        verbose_name_plural = "recommendation evidence"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {date_format(self.date)}"


def _only_subject(subject: str) -> Q:
    """The one subject field of ``subject`` is set and the others are empty."""
    fields: dict[str, Q] = {
        QuerySubject.COMMITMENT: Q(commitment__isnull=False),
        QuerySubject.BOARD: Q(board__isnull=False),
        QuerySubject.RECOMMENDATION: Q(recommendation__isnull=False),
        QuerySubject.KPI: ~Q(kpi_metric="") & ~Q(kpi_period=""),
        QuerySubject.AUDIT_AREA: ~Q(audit_area=""),
    }
    empty: dict[str, Q] = {
        QuerySubject.COMMITMENT: Q(commitment__isnull=True),
        QuerySubject.BOARD: Q(board__isnull=True),
        QuerySubject.RECOMMENDATION: Q(recommendation__isnull=True),
        QuerySubject.KPI: Q(kpi_metric="", kpi_period="", kpi_filters={}),
        QuerySubject.AUDIT_AREA: Q(audit_area=""),
    }
    condition = Q(subject_type=subject) & fields[subject]
    for other, none in empty.items():
        if other != subject:
            condition &= none
    return condition


class ScrutinyQueryQuerySet(models.QuerySet["ScrutinyQuery"]):
    def overdue(self, today: date) -> ScrutinyQueryQuerySet:
        """Due before ``today`` and still waiting for the owner (open or reopened): answering stops the clock."""
        return self.filter(due_date__lt=today, status__in=QUERY_AWAITING_OWNER)

    def with_overdue(self, today: date) -> ScrutinyQueryQuerySet:
        return self.annotate(
            is_overdue=models.Case(
                models.When(Q(due_date__lt=today) & Q(status__in=QUERY_AWAITING_OWNER), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )


class ScrutinyQuery(models.Model):
    """A question the OPCC raises about a commitment, a board, an inspection recommendation, a KPI
    slice (metric, filter codes and quarter) or an audit area, for an owner to answer by a due date.

    Open → answered (by the owner) → closed (by the OPCC); the OPCC may reopen an answered or closed
    query. It carries no case-level data: no link to an investigation, and no crime reference in its text.
    """

    subject_type = models.CharField(max_length=16, choices=QuerySubject.choices)
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, null=True, blank=True, related_name="scrutiny_queries"
    )
    board = models.ForeignKey(Board, on_delete=models.PROTECT, null=True, blank=True, related_name="scrutiny_queries")
    recommendation = models.ForeignKey(
        InspectionRecommendation, on_delete=models.PROTECT, null=True, blank=True, related_name="scrutiny_queries"
    )
    kpi_metric = models.CharField("KPI", max_length=40, blank=True, choices=list(METRIC_LABELS.items()))
    kpi_filters = models.JSONField(
        "KPI filters", default=dict, blank=True, help_text='Filter codes, e.g. {"strand": "cse"}.'
    )
    kpi_period = models.CharField("KPI quarter", max_length=10, blank=True, help_text="e.g. 2025-26-Q2")
    audit_area = models.CharField(max_length=32, blank=True, choices=AuditArea.choices)

    question = models.TextField()
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="owned_scrutiny_queries")
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=QueryStatus.choices, default=QueryStatus.OPEN)
    response = models.TextField("owner's response", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    opcc_comment = models.TextField("OPCC's comment", blank=True, help_text="Given on closing or reopening.")
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="raised_scrutiny_queries")
    raised_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()
    objects = ScrutinyQueryQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name_plural = "scrutiny queries"
        constraints = [
            models.CheckConstraint(
                condition=_only_subject(QuerySubject.COMMITMENT)
                | _only_subject(QuerySubject.BOARD)
                | _only_subject(QuerySubject.RECOMMENDATION)
                | _only_subject(QuerySubject.KPI)
                | _only_subject(QuerySubject.AUDIT_AREA),
                name="scrutiny_query_has_one_subject",
                violation_error_message="A query is about exactly one subject.",
            ),
            models.CheckConstraint(condition=Q(status__in=QueryStatus.values), name="scrutiny_query_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=QueryStatus.ANSWERED) | ~Q(response=""),
                name="scrutiny_query_answer_has_response",
                violation_error_message="An answered query needs the owner's response.",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="scrutiny_query_status_due_idx")]

    def __str__(self) -> str:
        return f"Query {self.pk or 'new'} on {self.subject_label}"

    @property
    def subject_label(self) -> str:
        """What the query is about, in words: ``Commitment 147``, ``KPI: … (CSE, 2025-26-Q2)``."""
        if self.subject_type == QuerySubject.COMMITMENT and self.commitment:
            return f"Commitment {self.commitment.action_ref}"
        if self.subject_type == QuerySubject.BOARD and self.board:
            return f"Board: {self.board.name}"
        if self.subject_type == QuerySubject.RECOMMENDATION and self.recommendation:
            return f"{self.recommendation.short_label}: {self.recommendation.report.title}"
        if self.subject_type == QuerySubject.KPI:
            slice_ = ", ".join(f"{name} {value}" for name, value in sorted(self.kpi_filters.items()))
            return f"KPI: {self.get_kpi_metric_display()} ({slice_ + '; ' if slice_ else ''}{self.kpi_period})"
        if self.subject_type == QuerySubject.AUDIT_AREA:
            return f"Audit area: {self.get_audit_area_display()}"
        return self.get_subject_type_display()

    @property
    def awaiting_owner(self) -> bool:
        return self.status in QUERY_AWAITING_OWNER

    def overdue_on(self, today: date) -> bool:
        """Waiting for the owner after the due date (selectors annotate the same as ``is_overdue``)."""
        return self.awaiting_owner and self.due_date < today


# --- evidence: indicators on commitments and the figures frozen at publication -------------------

METRIC_CHOICES = [(name, METRIC_LABELS[name]) for name in METRICS]


def validate_audit_areas(value: object) -> None:
    """A list of audit area codes (``rasso``, ``child_abuse``…), each at most once."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Audit areas must be a list of area codes.")
    unknown = sorted(set(value) - set(AuditArea.values))
    if unknown:
        raise ValidationError(f"Unknown audit area: {', '.join(unknown)}.")
    if len(set(value)) != len(value):
        raise ValidationError("An audit area is listed twice.")


def validate_baseline_period(value: str) -> None:
    """A financial quarter (``2024-25-Q4``) or a financial year (``2024-25``)."""
    if len(value) == 7 and value[:4].isdigit() and fy_key(int(value[:4])) == value:
        return
    try:
        parse_quarter(value)
    except ApplicationError as exc:
        raise ValidationError("Give a quarter such as 2024-25-Q4 or a financial year such as 2024-25.") from exc


class CommitmentIndicator(models.Model):
    """A measure a commitment is judged by: a KPI of DESIGN.md §3 on a slice of the register.

    The value for a quarter is always computed by the KPI engine (``cases.kpis``) with these
    filters, never typed in. ``target`` and ``direction`` say what "on track" means; the baseline
    is where the commitment started from. Linked audit areas and board actions are shown with
    the evidence for every quarter.
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="indicators")
    name = models.CharField(max_length=200, help_text="As people say it, e.g. “CSE positive outcome rate”.")
    metric = models.CharField(max_length=32, choices=METRIC_CHOICES)
    strand = models.CharField(max_length=24, choices=Strand.choices, blank=True)
    offence_group = models.CharField(max_length=24, choices=OffenceGroup.choices, blank=True)
    victim_age_group = models.CharField(max_length=12, choices=VictimAgeGroup.choices, blank=True)
    lpa = models.ForeignKey(
        "cases.LocalPolicingArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="LPA"
    )
    team = models.ForeignKey("cases.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    flag = models.ForeignKey("cases.Flag", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    baseline_period = models.CharField(
        max_length=10, blank=True, validators=[validate_baseline_period], help_text="e.g. 2024-25 or 2024-25-Q4"
    )
    baseline_value = models.DecimalField(max_digits=9, decimal_places=1, null=True, blank=True)
    target = models.DecimalField(max_digits=9, decimal_places=1)
    direction = models.CharField(max_length=6, choices=IndicatorDirection.choices, default=IndicatorDirection.HIGHER)
    order = models.PositiveSmallIntegerField(default=1, help_text="Position among the commitment's indicators.")
    is_active = models.BooleanField("shown with the evidence", default=True)
    audit_areas = models.JSONField(default=list, blank=True, validators=[validate_audit_areas])
    board_actions: models.ManyToManyField[BoardAction, Any] = models.ManyToManyField(
        BoardAction, blank=True, related_name="indicators"
    )
    history = HistoricalRecords(m2m_fields=[board_actions])

    class Meta:
        ordering = ["commitment", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "name"], name="indicator_name_unique_per_commitment"),
            models.CheckConstraint(condition=Q(metric__in=METRICS), name="indicator_metric_valid"),
            models.CheckConstraint(
                condition=Q(direction__in=IndicatorDirection.values), name="indicator_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | ~Q(baseline_period=""),
                name="indicator_baseline_has_period",
                violation_error_message="Give the period of the baseline value.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.action_ref}: {self.name}"

    def clean(self) -> None:
        if self.baseline_value is not None and not self.baseline_period:
            raise ValidationError({"baseline_period": "Give the period of the baseline value."})

    def kpi_filters(self) -> dict[str, Any]:
        """The KPI engine's filters for this slice (codes for fixed lists, ids for reference data)."""
        return {
            "strand": self.strand or None,
            "offence_group": self.offence_group or None,
            "victim_age_group": self.victim_age_group or None,
            "lpa_id": self.lpa_id,
            "team_id": self.team_id,
            "flag_id": self.flag_id,
        }


class PublishedEvidence(models.Model):
    """The evidence shown with a published rating, stored when it was published (one per version).

    The published report and the RAG API read these figures, so correcting the register later
    never changes what was published; a correction (a new version) stores its own.
    ``indicators``: ``[{"name", "metric", "value", "target", "direction", "same_quarter_last_year",
    "on_track"}]``; ``conflicts``: what the evidence said against the rating, and
    ``conflict_acknowledged`` whether the publisher confirmed they had seen it.
    """

    assessment = models.OneToOneField(RagAssessment, on_delete=models.PROTECT, related_name="published_evidence")
    indicators = models.JSONField(default=list, blank=True)
    audit_compliance = models.JSONField(default=list, blank=True)
    board_actions = models.JSONField(default=dict, blank=True)
    conflicts = models.JSONField(default=list, blank=True)
    conflict_acknowledged = models.BooleanField(default=False)
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "published evidence"

    def __str__(self) -> str:
        return f"Evidence for {self.assessment}"
