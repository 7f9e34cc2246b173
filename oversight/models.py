"""Users. Domain models live in the apps (``cases``, ``audits``, ``commitments``, ``performance``, ``summaries``)."""

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


class AccessKind(models.TextChoices):
    """What kind of case-level read an access-log entry records."""

    INVESTIGATION = "investigation", "Investigation opened"
    INVESTIGATION_LIST = "investigation_list", "Investigation list"
    INVESTIGATION_EXPORT = "investigation_export", "Investigation export"
    CASE_REVIEW = "case_review", "Case review opened"
    CASE_REVIEW_LIST = "case_review_list", "Case review list"
    AUDIT_CASES = "audit_cases", "Audit's sampled cases"
    AUDIT_EXPORT = "audit_export", "Audit case export"
    AUDIT_SUBJECTS = "audit_subjects", "Managed offenders or missing episodes listed or opened"


class AppendOnly(Exception):
    """An access-log entry cannot be changed or deleted (only pruned after the retention period)."""


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnly("The access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("The access log is append-only: rows leave it only through prune_access_log.")


class AccessLogEntry(models.Model):
    """One read of case-level data: who opened which investigation or case review, or listed or
    exported them (with the filter used), when and from which address.

    Append-only: ``save`` refuses updates, ``delete`` refuses, the admin is read-only, the only
    Django permission is ``view``; on PostgreSQL a trigger refuses UPDATE and DELETE too, except the
    retention prune (``oversight.accesslog.prune``). No simple-history: nothing here ever changes.
    """

    at = models.DateTimeField(default=timezone.now, editable=False)
    # Indexed with ``at`` below (a lone user_id index would only slow the one insert per read).
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False)
    kind = models.CharField(max_length=32, choices=AccessKind.choices, editable=False)
    object_id = models.BigIntegerField(
        null=True, blank=True, editable=False, help_text="The investigation, case review or audit opened."
    )
    crime_reference = models.CharField(max_length=64, blank=True, editable=False)
    query = models.CharField(max_length=2000, blank=True, editable=False, help_text="The filter of a list or export.")
    path = models.CharField(max_length=500, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        verbose_name = "access log entry"
        verbose_name_plural = "access log"
        # The search page reads the newest 50 matching entries: each filter has an index ending in
        # ``at``, so the page is read in order from the index (scripts/bench_access_log.py).
        indexes = [
            models.Index(fields=["-at", "-id"], name="accesslog_at"),
            models.Index(fields=["user", "-at"], name="accesslog_user_at"),
            models.Index(fields=["kind", "-at"], name="accesslog_kind_at"),
            models.Index(
                fields=["crime_reference", "-at"], name="accesslog_ref_at", condition=~models.Q(crime_reference="")
            ),
            models.Index(
                fields=["object_id", "-at"], name="accesslog_object_at", condition=models.Q(object_id__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.kind} {self.crime_reference or self.object_id or ''}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnly("The access log is append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # passes Django's own arguments on

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnly("The access log is append-only.")
