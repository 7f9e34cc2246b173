"""Case-file audits: question sets, audits, case reviews and answers, learning and actions.

An audit samples investigations from the register and grades each against a
frozen, versioned question set. Compliance and assurance are derived from the
answers (see ``selectors.py``); a signed-off audit is locked. Actions are owned
by any user and verified by an audit lead who is not the owner.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models import CpsReferral, Investigation

from .choices import (
    ACTION_OPEN_STATUSES,
    MAX_QUESTION_WEIGHT,
    MAX_WINDOW_MONTHS,
    REFERRAL_FRAMES,
    SCALE_VALUES,
    ActionStatus,
    AnswerScale,
    AnswerValue,
    AssuranceLevel,
    AuditArea,
    AuditKind,
    AuditStatus,
    DipFrame,
    FindingSeverity,
    LearningKind,
    LearningTheme,
    RiskLevel,
    SampleMethod,
    Stratum,
    SubjectKind,
    VisorCategory,
)
from .evidence import evidence_path


class QuestionSet(models.Model):
    """One version of the questions an audit asks. Published versions are frozen; edits make a new version."""

    code = models.SlugField(max_length=60, help_text="Shared by every version, e.g. rasso-monthly.")
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    area = models.CharField(max_length=32, choices=AuditArea.choices, blank=True)
    description = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="question_set_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="question_set_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


def new_question_key() -> str:
    return uuid.uuid4().hex[:12]


class QuestionQuerySet(models.QuerySet):
    def asked(self) -> QuestionQuerySet:
        """The questions an audit asks: not retired, in order."""
        return self.filter(is_retired=False).order_by("order")


class Question(models.Model):
    """One question of a question set, in display order.

    ``key`` is shared by the same question in every version of its set (a new version copies
    it), so compliance per question can be followed across versions. A retired question stays
    in the version for the record but is not asked; retired questions sort after the asked ones.
    """

    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=12, default=new_question_key, help_text="Same in every version of the set.")
    order = models.PositiveIntegerField()
    text = models.CharField(max_length=300)
    guidance = models.TextField(blank=True, help_text="What the auditor looks for in the case file.")
    answer_scale = models.CharField(max_length=8, choices=AnswerScale.choices, default=AnswerScale.GRADED)
    allow_not_applicable = models.BooleanField(default=True)
    weight = models.PositiveSmallIntegerField(
        default=1, help_text=f"1 to {MAX_QUESTION_WEIGHT}: how much the question counts in the weighted score."
    )
    standard = models.CharField(
        max_length=200, blank=True, help_text="The standard or policy it tests, e.g. Victims' Code right 6."
    )
    is_retired = models.BooleanField(default=False)

    history = HistoricalRecords()
    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["question_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "order"], name="question_unique_order"),
            models.UniqueConstraint(fields=["question_set", "key"], name="question_unique_key_per_set"),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=MAX_QUESTION_WEIGHT), name="question_weight_range"
            ),
            models.CheckConstraint(condition=Q(answer_scale__in=AnswerScale.values), name="question_scale_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"

    @property
    def allowed_values(self) -> tuple[str, ...]:
        """The answers this question accepts, in the order the keyboard keys 1-4 follow."""
        values = SCALE_VALUES[self.answer_scale]
        return (*values, AnswerValue.NOT_APPLICABLE) if self.allow_not_applicable else values


class AuditQuerySet(models.QuerySet):
    def with_answer_counts(self) -> AuditQuerySet:
        """Annotate answer counts per value and the number of sampled cases (one query, SQL counts)."""
        answers = "reviews__answers__value"
        return self.annotate(
            n_compliant=models.Count("reviews__answers", filter=Q(**{answers: AnswerValue.COMPLIANT})),
            n_partial=models.Count("reviews__answers", filter=Q(**{answers: AnswerValue.PARTIAL})),
            n_non_compliant=models.Count("reviews__answers", filter=Q(**{answers: AnswerValue.NON_COMPLIANT})),
            n_not_applicable=models.Count("reviews__answers", filter=Q(**{answers: AnswerValue.NOT_APPLICABLE})),
            n_reviews=models.Count("reviews", distinct=True),
        )


class Audit(models.Model):
    """A monthly, thematic or QATT case-file audit led by one audit lead."""

    kind = models.CharField(max_length=16, choices=AuditKind.choices, default=AuditKind.MONTHLY)
    area = models.CharField(max_length=32, choices=AuditArea.choices, blank=True)
    theme = models.CharField(
        max_length=200, blank=True, help_text="For a thematic audit, e.g. victim-blaming language."
    )
    month = models.DateField(help_text="The first day of the month audited.")
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="audits")
    lead_auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audits_led")
    status = models.CharField(max_length=16, choices=AuditStatus.choices, default=AuditStatus.PLANNED)
    planned_sample_size = models.PositiveIntegerField(default=10)

    # The last random draw, so that it can be reproduced.
    sample_seed = models.BigIntegerField(null=True, blank=True)
    sample_window_start = models.DateField(null=True, blank=True)
    sample_window_end = models.DateField(null=True, blank=True)
    sample_strata = models.CharField(max_length=16, choices=Stratum.choices, blank=True)
    reaudit_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reaudits",
        help_text="For a re-audit: the audit whose failed cases or area it looks at again.",
    )

    assurance_override = models.CharField(max_length=16, choices=AssuranceLevel.choices, blank=True)
    assurance_override_reason = models.TextField(blank=True)
    # The level in force when the audit was signed off (override or suggested); blank before.
    assurance_level = models.CharField(max_length=16, choices=AssuranceLevel.choices, blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Signed off by its own lead before independent sign-off was required: kept as recorded (set only
    # by the migration that introduced the rule, never by the app).
    signed_off_by_own_lead_before_rule = models.BooleanField(default=False, editable=False)
    # The last return for rework by an independent lead (earlier ones are in the history).
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "area", "theme", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=AuditKind.MONTHLY) | ~Q(area=""),
                name="audit_monthly_has_area",
                violation_error_message="A monthly audit needs an area.",
            ),
            models.CheckConstraint(
                condition=~Q(area="") | ~Q(theme=""),
                name="audit_has_area_or_theme",
                violation_error_message="Give the audit an area or a theme.",
            ),
            models.CheckConstraint(
                condition=Q(assurance_override="") | ~Q(assurance_override_reason=""),
                name="audit_override_has_reason",
                violation_error_message="Give a reason for overriding the suggested assurance level.",
            ),
            models.CheckConstraint(
                condition=~Q(status=AuditStatus.SIGNED_OFF) | (Q(signed_off_at__isnull=False) & ~Q(assurance_level="")),
                name="audit_signed_off_has_time_and_level",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_by__isnull=True)
                | ~Q(signed_off_by=F("lead_auditor"))
                | Q(signed_off_by_own_lead_before_rule=True),
                name="audit_not_signed_off_by_its_lead",
                violation_error_message="The lead auditor cannot sign off their own audit.",
            ),
            models.CheckConstraint(
                condition=Q(kind=AuditKind.REAUDIT, reaudit_of__isnull=False)
                | (~Q(kind=AuditKind.REAUDIT) & Q(reaudit_of__isnull=True)),
                name="audit_reaudit_links_its_original",
                violation_error_message="A re-audit names the audit it follows up, and only a re-audit does.",
            ),
            models.CheckConstraint(
                condition=Q(returned_by__isnull=True) | ~Q(return_reason=""),
                name="audit_return_has_reason",
                violation_error_message="Say why the audit is returned for rework.",
            ),
            models.UniqueConstraint(
                fields=["area", "month"],
                condition=Q(kind=AuditKind.MONTHLY),
                name="audit_one_monthly_per_area",
                violation_error_message="There is already a monthly audit for this area and month.",
            ),
            models.CheckConstraint(
                condition=Q(sample_window_start__isnull=True)
                | Q(sample_window_end__isnull=True)
                | Q(sample_window_end__gte=F("sample_window_start")),
                name="audit_sample_window_ordered",
            ),
        ]
        indexes = [models.Index(fields=["month", "area"], name="audit_month_area_idx")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "Use the first day of the month."})
        if self.kind == AuditKind.THEMATIC and not self.theme:
            raise ValidationError({"theme": "A thematic audit needs a theme."})

    @property
    def title(self) -> str:
        subject = self.theme or self.get_area_display()
        kind = {
            AuditKind.MONTHLY: "audit",
            AuditKind.THEMATIC: "thematic audit",
            AuditKind.QATT: "QATT",
            AuditKind.REAUDIT: "re-audit",
            AuditKind.JOINT_DIP: "joint police/CPS dip sample",
        }[AuditKind(self.kind)]
        return f"{subject} {kind} – {self.month:%B %Y}"

    @property
    def is_locked(self) -> bool:
        """Signed off: answers, sample, learning and assurance can no longer change."""
        return self.status == AuditStatus.SIGNED_OFF

    @property
    def is_editable(self) -> bool:
        """Sample and answers may change (before submission)."""
        return self.status in (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS)


class AuditPlan(models.Model):
    """The audit plan of one financial year (April to March): which audits are due in which months."""

    financial_year = models.CharField(max_length=7, unique=True, help_text="e.g. 2026-27")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-financial_year"]

    def __str__(self) -> str:
        return f"Audit plan {self.financial_year}"


class PlannedAudit(models.Model):
    """One audit in the annual plan: kind, area or theme, month and sample size. Linked to the
    audit that carries it out once that audit is planned (``audit``)."""

    plan = models.ForeignKey(AuditPlan, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(max_length=16, choices=AuditKind.choices, default=AuditKind.MONTHLY)
    area = models.CharField(max_length=32, choices=AuditArea.choices, blank=True)
    theme = models.CharField(max_length=200, blank=True)
    month = models.DateField(help_text="The first day of the month audited.")
    sample_size = models.PositiveIntegerField(default=10)
    audit = models.OneToOneField("Audit", on_delete=models.SET_NULL, null=True, blank=True, related_name="plan_item")

    history = HistoricalRecords()

    class Meta:
        ordering = ["month", "kind", "area", "theme", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "area", "theme", "month"],
                name="planned_audit_unique",
                violation_error_message="This audit is already in the plan for that month.",
            ),
            models.CheckConstraint(
                condition=~Q(area="") | ~Q(theme=""),
                name="planned_audit_has_area_or_theme",
                violation_error_message="Give the planned audit an area or a theme.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AuditKind.MONTHLY) | ~Q(area=""),
                name="planned_monthly_audit_has_area",
                violation_error_message="A monthly audit needs an area.",
            ),
            models.CheckConstraint(
                condition=Q(sample_size__gte=1) & Q(sample_size__lte=200), name="planned_audit_sample_size_range"
            ),
        ]

    def __str__(self) -> str:
        subject = self.theme or self.get_area_display()
        return f"{subject} ({self.get_kind_display().lower()}) – {self.month:%B %Y}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "Use the first day of the month."})


class SamplingFrame(models.Model):
    """What an area's audits sample: investigations of the register narrowed by filters, or the
    pseudonymous subjects of the area (managed offenders, missing episodes). Empty filter lists
    mean "any". Without a frame an area samples the strands of ``AREA_STRANDS``."""

    area = models.CharField(max_length=32, choices=AuditArea.choices, unique=True)
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices, default=SubjectKind.INVESTIGATIONS)
    strands = models.JSONField(default=list, blank=True)
    offence_groups = models.JSONField(default=list, blank=True)
    teams = models.JSONField(default=list, blank=True, help_text="Team codes.")
    lpas = models.JSONField(default=list, blank=True, help_text="LPA codes.")
    outcome_groups = models.JSONField(default=list, blank=True, help_text="Outcome-group keys; 'open' for none yet.")
    flags = models.JSONField(default=list, blank=True, help_text="Flag codes: any of them.")
    outcome_types = models.JSONField(
        default=list, blank=True, help_text="Home Office outcome codes (with outcome groups: either matches)."
    )
    window_months = models.PositiveSmallIntegerField(
        default=12, help_text="The sample window reaches back this many months before the audited month."
    )
    sample_size = models.PositiveSmallIntegerField(
        default=10, help_text="The default number of cases an audit samples."
    )
    stratify_by = models.CharField(
        max_length=16, choices=Stratum.choices, blank=True, help_text="The default stratum of a random draw."
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["area"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_months__gte=1) & Q(window_months__lte=MAX_WINDOW_MONTHS),
                name="sampling_frame_window_range",
            ),
            models.CheckConstraint(
                condition=Q(sample_size__gte=1) & Q(sample_size__lte=200), name="sampling_frame_sample_size_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Sampling frame: {self.get_area_display()}"


class AuditSubject(models.Model):
    """A pseudonymous subject an area audits that is not a crime: a managed offender (Sex Offender
    Management) or a missing episode (Missing People). A reference and categories only, no names."""

    kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    reference = models.CharField(max_length=40, help_text="The records system's pseudonymous reference.")
    visor_category = models.CharField(max_length=16, choices=VisorCategory.choices, blank=True)
    risk_level = models.CharField(max_length=16, choices=RiskLevel.choices, blank=True)
    team = models.ForeignKey("cases.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lpa = models.ForeignKey(
        "cases.LocalPolicingArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField(help_text="Registration (managed offender) or the episode's start (missing).")
    end_date = models.DateField(
        null=True, blank=True, help_text="Deregistration (managed offender) or the episode's end (found or returned)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "reference"], name="audit_subject_unique_reference"),
            models.CheckConstraint(
                condition=~Q(kind=SubjectKind.INVESTIGATIONS), name="audit_subject_is_not_an_investigation"
            ),
            models.CheckConstraint(
                condition=Q(kind=SubjectKind.MANAGED_OFFENDERS) | Q(visor_category=""),
                name="audit_subject_visor_only_for_offenders",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="audit_subject_end_after_start",
                violation_error_message="The end date is before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseReview(models.Model):
    """One sampled investigation within an audit, graded question by question."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="reviews")
    investigation = models.ForeignKey(
        Investigation, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_reviews"
    )
    subject = models.ForeignKey(AuditSubject, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews")
    dip_frame = models.CharField(
        max_length=20, choices=DipFrame.choices, blank=True, help_text="Joint dip samples: the frame it was drawn from."
    )
    referral = models.ForeignKey(
        CpsReferral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_reviews",
        help_text="Joint dip samples: the CPS decision or request looked at.",
    )
    position = models.PositiveIntegerField(help_text="Order in the sample (case 1, 2, …).")
    method = models.CharField(max_length=12, choices=SampleMethod.choices, default=SampleMethod.RANDOM)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "investigation"], name="review_unique_case_per_audit"),
            models.UniqueConstraint(fields=["audit", "subject"], name="review_unique_subject_per_audit"),
            models.CheckConstraint(
                condition=Q(investigation__isnull=False, subject__isnull=True)
                | Q(investigation__isnull=True, subject__isnull=False),
                name="review_is_one_investigation_or_one_subject",
            ),
            models.UniqueConstraint(fields=["audit", "position"], name="review_unique_position"),
            models.CheckConstraint(
                condition=Q(dip_frame__in=REFERRAL_FRAMES, referral__isnull=False)
                | (~Q(dip_frame__in=REFERRAL_FRAMES) & Q(referral__isnull=True)),
                name="review_referral_only_for_referral_frames",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.position} of {self.audit}"

    @property
    def label(self) -> str:
        """A name for the case that carries no crime reference."""
        return f"Case {self.position}"

    @property
    def reference(self) -> str:
        """The crime reference, or the subject's pseudonymous reference (case-level: never for OPCC)."""
        if self.investigation_id is not None:
            return self.investigation.crime_reference  # type: ignore[union-attr]  # set when the id is
        return self.subject.reference if self.subject else ""


class Answer(models.Model):
    """The grade of one case against one question, with the auditor's comment."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(max_length=16, choices=AnswerValue.choices)
    comment = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "question"], name="answer_unique_per_question"),
            models.CheckConstraint(condition=Q(value__in=AnswerValue.values), name="answer_value_valid"),
        ]
        indexes = [models.Index(fields=["value"], name="answer_value_idx")]

    def __str__(self) -> str:
        return f"{self.review.label} Q{self.question.order}: {self.get_value_display()}"


class LearningPoint(models.Model):
    """Good practice or an area for improvement found by an audit, tagged with a theme."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="learning_points")
    review = models.ForeignKey(
        CaseReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="learning_points"
    )
    kind = models.CharField(max_length=16, choices=LearningKind.choices)
    theme = models.CharField(max_length=32, choices=LearningTheme.choices)
    severity = models.CharField(
        max_length=8,
        choices=FindingSeverity.choices,
        blank=True,
        help_text="Areas for improvement only (blank on good practice, and on findings recorded before grading).",
    )
    text = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "kind", "pk"]
        indexes = [models.Index(fields=["theme"], name="learning_theme_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=LearningKind.IMPROVEMENT) | Q(severity=""),
                name="learning_good_practice_has_no_severity",
                violation_error_message="Good practice has no severity.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class ActionQuerySet(models.QuerySet):
    def overdue(self, today: date) -> ActionQuerySet:
        """Due before ``today`` and not completed or verified (DESIGN.md §2)."""
        return self.filter(due_date__lt=today, status__in=ACTION_OPEN_STATUSES)

    def with_overdue(self, today: date) -> ActionQuerySet:
        return self.annotate(
            is_overdue=models.Case(
                models.When(Q(due_date__lt=today) & Q(status__in=ACTION_OPEN_STATUSES), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )


class Action(models.Model):
    """A remedial action raised from an audit (optionally from one of its learning points)."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="actions")
    learning_point = models.ForeignKey(
        LearningPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_actions")
    due_date = models.DateField()
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True) | ~Q(verified_by=F("owner")),
                name="action_not_verified_by_owner",
                violation_error_message="An action cannot be verified by its owner.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.VERIFIED)
                | (Q(verified_by__isnull=False) & Q(verified_at__isnull=False)),
                name="action_verified_has_verifier",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="action_status_due_idx"),
            models.Index(fields=["owner", "status"], name="action_owner_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue_on(self, today: date) -> bool:
        return self.due_date < today and self.status in ACTION_OPEN_STATUSES


class ActionNote(models.Model):
    """A progress note on an action, with the status it moved to (if any)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    status_to = models.CharField(max_length=16, choices=ActionStatus.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Note on {self.action}"


class EvidenceAttachment(models.Model):
    """A file of evidence attached to a case review, a finding (learning point) or an action.

    Stored through Django's storage API under a random name (``audits.evidence.evidence_path``);
    ``original_name`` is the sanitised name the user gave, for display and download. Case-level:
    downloaded only through the audits download view, never from ``MEDIA_URL``.
    """

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="evidence")
    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence")
    learning_point = models.ForeignKey(
        LearningPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    action = models.ForeignKey(Action, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review__isnull=False, learning_point__isnull=True, action__isnull=True)
                | Q(review__isnull=True, learning_point__isnull=False, action__isnull=True)
                | Q(review__isnull=True, learning_point__isnull=True, action__isnull=False),
                name="evidence_attached_to_one_record",
                violation_error_message="Evidence is attached to one case review, finding or action.",
            ),
            models.CheckConstraint(condition=Q(size__gte=1), name="evidence_not_empty"),
        ]

    def __str__(self) -> str:
        return self.original_name
