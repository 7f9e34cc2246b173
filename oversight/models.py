"""Users. Domain models live in the ``cases``, ``audits`` and ``commitments`` apps."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their work email. Roles are Django groups (see ``roles.py``)."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True, help_text="e.g. Detective Superintendent")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Legacy flag; admin access comes from the administrator role."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


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
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="summary_builds"
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
    """The overdue-actions digest sent to one owner on one day: at most one per owner per day."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="digest_deliveries")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    action_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-day"]
        verbose_name_plural = "digest deliveries"
        constraints = [models.UniqueConstraint(fields=["owner", "day"], name="digest_once_per_owner_per_day")]

    def __str__(self) -> str:
        return f"Digest to {self.owner} on {self.day}"


class BenchmarkMeasure(models.Model):
    """A measure compared across police forces, e.g. live Sexual Risk Orders (DESIGN.md §2)."""

    code = models.SlugField(max_length=60, unique=True, help_text="Used in the page address, e.g. live-sros.")
    name = models.CharField(max_length=200, unique=True)
    unit = models.CharField(max_length=60, blank=True, help_text="What is counted, e.g. 'live orders'.")
    description = models.TextField(blank=True)
    comparison_group = models.CharField(
        max_length=200, blank=True, help_text="Which forces are compared, e.g. 'Region and Most Similar Group'."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BenchmarkFigure(models.Model):
    """One force's published figure for a benchmark measure in a financial quarter, entered by hand."""

    measure = models.ForeignKey(BenchmarkMeasure, on_delete=models.PROTECT, related_name="figures")
    period = models.CharField(max_length=10, help_text="Financial quarter, e.g. 2025-26-Q2.")
    force = models.CharField(max_length=100, help_text="e.g. West Midlands Police.")
    is_own_force = models.BooleanField("this force", default=False)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.CharField(max_length=300, blank=True, help_text="Where the figure was published.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "-period", "-value", "force"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period", "force"], name="benchmark_figure_unique_force"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0),
                name="benchmark_figure_value_not_negative",
                violation_error_message="A benchmark figure cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.force} {self.period}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .errors import ApplicationError
        from .periods import parse_quarter

        try:
            parse_quarter(self.period)
        except ApplicationError as exc:
            raise ValidationError({"period": exc.message}) from None
