"""The investigation register: pseudonymous, one row per recorded crime under oversight.

No names, addresses or free-text narrative about victims or suspects are stored
anywhere in this app: only references, codes, dates and process facts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import rules
from .choices import (
    BailStatus,
    CourtOutcome,
    CpsDecision,
    Ethnicity,
    FunnelStage,
    OffenceGroup,
    OrderType,
    Phase,
    Relationship,
    Sex,
    Strand,
    SuspectStatus,
    VictimAgeGroup,
    WithdrawalReason,
    YesNoUnknown,
)
from .outcomes import CHARGED, OutcomeType


def reference_key(text: object) -> str:
    """How a code or name is compared: surrounding spaces ignored, case-insensitive."""
    return str(text or "").strip().lower()


def _pks_by_key(rows: Iterable[tuple[int, str, str]]) -> dict[str, int]:
    """(pk, code, name) rows → pk by :func:`reference_key`; a code wins over another record's name."""
    rows = list(rows)
    keys = {reference_key(name): pk for pk, _code, name in rows}
    keys.update({reference_key(code): pk for pk, code, _name in rows})
    return keys


class ReferenceDataQuerySet(models.QuerySet):
    """Reference data as CSV files, filters, the API and the KPIs name it: by code or by name, case-insensitive."""

    def pks_by_code_or_name(self) -> dict[str, int]:
        """Every record's primary key under its code and its name (:func:`reference_key`), for bulk lookups."""
        return _pks_by_key(self.values_list("pk", "code", "name"))

    def by_code_or_name(self, value: object) -> ReferenceData | None:
        """The record whose code or name is ``value`` (case-insensitive), or ``None``. One query."""
        wanted = reference_key(value)
        if not wanted:
            return None
        records: dict[int, ReferenceData] = {record.pk: record for record in cast("Iterable[ReferenceData]", self)}
        pk = _pks_by_key((r.pk, r.code, r.name) for r in records.values()).get(wanted)
        return records.get(pk) if pk is not None else None


class ReferenceData(models.Model):
    """A code with a display name; codes are what CSV files and the API use."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)

    objects = ReferenceDataQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LocalPolicingArea(ReferenceData):
    """A Local Policing Area (LPA), e.g. Birmingham."""

    history = HistoricalRecords()

    class Meta(ReferenceData.Meta):
        verbose_name = "local policing area"


class Team(ReferenceData):
    """An investigating team, e.g. RASSO or OCSET."""

    history = HistoricalRecords()


class Flag(ReferenceData):
    """A flag on an investigation, e.g. honour-based abuse, spiking, AI-generated imagery."""

    history = HistoricalRecords()


# The filters (register, API, KPIs) that name a reference table's record by code: filter name -> table.
REFERENCE_FILTERS: dict[str, type[LocalPolicingArea | Team | Flag]] = {
    "lpa": LocalPolicingArea,
    "team": Team,
    "flag": Flag,
}


class HomeOfficeOffence(models.Model):
    """A Home Office offence classification (Counting Rules), e.g. ``19C`` rape of a female aged 16 or over.

    ``offence_group`` is the register's group the classification falls in (a guide, not a rule).
    """

    code = models.CharField(max_length=8, unique=True)
    description = models.CharField(max_length=200)
    offence_group = models.CharField(max_length=32, choices=OffenceGroup.choices, blank=True)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = "Home Office offence classification"

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


# The register's own facts about an investigation, in the order forms, the API, the CSV
# import and the synthetic writer list them (flags, referrals and orders live elsewhere).
REGISTER_FIELDS: tuple[str, ...] = (
    "crime_reference",
    "strand",
    "offence_group",
    "victim_age_group",
    "lpa",
    "team",
    "recorded_date",
    "offence_date",
    "arrest_date",
    "bail_status",
    "outcome_type",
    "outcome_date",
    "court_outcome",
    "court_outcome_date",
    "vcop_compliant",
    "vps_offered",
    "advocate_referral",
    # register v2
    "reported_date",
    "ho_offence",
    "da_flag",
    "victim_id",
    "suspect_id",
    "victim_sex",
    "suspect_sex",
    "victim_age",
    "suspect_age",
    "victim_ethnicity",
    "suspect_ethnicity",
    "relationship",
    "suspect_status",
    "bail_start_date",
    "bail_expiry_date",
    "rui_start_date",
    "withdrawal_reason",
    "evidence_led_considered",
    "cps_file_submitted_date",
    "cps_action_plans",
    "first_hearing_date",
    "trial_date",
    "sentence_date",
)


class InvestigationQuerySet(models.QuerySet):
    def with_phase(self) -> InvestigationQuerySet:
        """Annotate ``phase_code`` (pre_charge / post_charge / finalised), usable in filters."""
        return self.annotate(
            phase_code=Case(
                When(outcome_type="", then=Value(Phase.PRE_CHARGE.value)),
                When(Q(outcome_type__in=CHARGED) & Q(court_outcome=""), then=Value(Phase.POST_CHARGE.value)),
                default=Value(Phase.FINALISED.value),
                output_field=models.CharField(),
            )
        )


# The KPI rollup's dimensions (cases.rollups), also carried in the person indexes (PostgreSQL).
ROLLUP_DIMENSIONS = ("strand", "offence_group", "victim_age_group", "lpa_id", "team_id")


class Investigation(models.Model):
    """One recorded crime under oversight, identified by its records-system reference."""

    _history_user: Any  # set before a save: django-simple-history records it as the change's author

    crime_reference = models.CharField(max_length=40, unique=True)
    strand = models.CharField(max_length=32, choices=Strand.choices)
    offence_group = models.CharField(max_length=32, choices=OffenceGroup.choices)
    victim_age_group = models.CharField(max_length=16, choices=VictimAgeGroup.choices, default=VictimAgeGroup.UNKNOWN)
    lpa = models.ForeignKey(
        LocalPolicingArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investigations",
        verbose_name="LPA",
        db_index=False,  # inv_lpa_ref_idx (lpa, crime_reference) serves every look-up by LPA
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investigations",
        db_index=False,  # inv_team_ref_idx (team, crime_reference) serves every look-up by team
    )

    recorded_date = models.DateField()
    offence_date = models.DateField(null=True, blank=True)
    arrest_date = models.DateField(null=True, blank=True)
    bail_status = models.CharField(max_length=8, choices=BailStatus.choices, blank=True)

    outcome_type = models.CharField(max_length=3, choices=OutcomeType.choices, blank=True)
    outcome_date = models.DateField(null=True, blank=True)
    court_outcome = models.CharField(max_length=16, choices=CourtOutcome.choices, blank=True)
    court_outcome_date = models.DateField(null=True, blank=True)

    vcop_compliant = models.CharField("Victims' Code compliant", max_length=3, choices=YesNoUnknown.choices, blank=True)
    vps_offered = models.CharField("VPS offered", max_length=3, choices=YesNoUnknown.choices, blank=True)
    advocate_referral = models.CharField("ISVA/IDVA referral", max_length=3, choices=YesNoUnknown.choices, blank=True)

    # register v2 (all optional): the offence as classified, the people (pseudonymous), bail, CPS and court
    reported_date = models.DateField(null=True, blank=True, help_text="Reported to the police.")
    ho_offence = models.ForeignKey(
        HomeOfficeOffence,
        on_delete=models.PROTECT,
        to_field="code",
        db_column="ho_offence_code",
        null=True,
        blank=True,
        related_name="investigations",
        verbose_name="Home Office offence code",
        db_index=False,  # inv_ho_offence_idx (the rows that have one); Django's would add a LIKE index too
    )
    da_flag = models.CharField(
        "domestic-abuse flag",
        max_length=3,
        choices=YesNoUnknown.choices,
        blank=True,
        help_text="The Home Office domestic-abuse flag, whatever the strand.",
    )
    victim_id = models.CharField(
        "victim reference", max_length=40, blank=True, help_text="The records system's person reference, never a name."
    )
    suspect_id = models.CharField(
        "suspect reference", max_length=40, blank=True, help_text="The records system's person reference, never a name."
    )
    victim_sex = models.CharField(max_length=8, choices=Sex.choices, blank=True)
    suspect_sex = models.CharField(max_length=8, choices=Sex.choices, blank=True)
    victim_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(rules.MAX_AGE)], help_text="Whole years at the offence."
    )
    suspect_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(rules.MAX_AGE)], help_text="Whole years at the offence."
    )
    victim_ethnicity = models.CharField(max_length=32, choices=Ethnicity.choices, blank=True)
    suspect_ethnicity = models.CharField(max_length=32, choices=Ethnicity.choices, blank=True)
    relationship = models.CharField(
        max_length=16, choices=Relationship.choices, blank=True, help_text="The suspect's relationship to the victim."
    )
    suspect_status = models.CharField(max_length=16, choices=SuspectStatus.choices, blank=True)
    bail_start_date = models.DateField(null=True, blank=True)
    bail_expiry_date = models.DateField(null=True, blank=True)
    rui_start_date = models.DateField("RUI start date", null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=24, choices=WithdrawalReason.choices, blank=True)
    evidence_led_considered = models.CharField(
        "evidence-led prosecution considered", max_length=3, choices=YesNoUnknown.choices, blank=True
    )
    cps_file_submitted_date = models.DateField("CPS file submitted", null=True, blank=True)
    cps_action_plans = models.PositiveSmallIntegerField(
        "CPS action plans", null=True, blank=True, validators=[MaxValueValidator(rules.MAX_ACTION_PLANS)]
    )
    first_hearing_date = models.DateField(null=True, blank=True)
    trial_date = models.DateField(null=True, blank=True)
    sentence_date = models.DateField(null=True, blank=True)

    flags = models.ManyToManyField(Flag, blank=True, related_name="investigations")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # History is read by record (``id``); simple-history's indexes on each foreign key and on the
    # reference (two, with its LIKE twin) would cost every imported row five index insertions for no query.
    history = HistoricalRecords(m2m_fields=[flags], no_db_index=["lpa", "team", "ho_offence", "crime_reference"])
    objects = InvestigationQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_date", "crime_reference"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome_type="") & Q(outcome_date__isnull=True))
                | (~Q(outcome_type="") & Q(outcome_date__isnull=False)),
                name="investigation_outcome_type_and_date_together",
                violation_error_message="An outcome needs both a type and a date.",
            ),
            models.CheckConstraint(
                condition=Q(outcome_date__isnull=True) | Q(outcome_date__gte=F("recorded_date")),
                name="investigation_outcome_not_before_recorded",
                violation_error_message="The outcome date cannot be before the recorded date.",
            ),
            models.CheckConstraint(
                condition=(Q(court_outcome="") & Q(court_outcome_date__isnull=True))
                | (~Q(court_outcome="") & Q(court_outcome_date__isnull=False)),
                name="investigation_court_outcome_and_date_together",
                violation_error_message="A court outcome needs both a result and a date.",
            ),
            models.CheckConstraint(
                condition=Q(victim_age__isnull=True) | Q(victim_age__lte=rules.MAX_AGE),
                name="investigation_victim_age_range",
                violation_error_message="An age is a whole number of years from 0 to 120.",
            ),
            models.CheckConstraint(
                condition=Q(suspect_age__isnull=True) | Q(suspect_age__lte=rules.MAX_AGE),
                name="investigation_suspect_age_range",
                violation_error_message="An age is a whole number of years from 0 to 120.",
            ),
        ]
        indexes = [
            # The register's sorts: (sort field, crime reference), read forwards or backwards
            # (cases.pagination); they also serve the date-range and code filters.
            models.Index(fields=["recorded_date", "crime_reference"], name="inv_recorded_ref_idx"),
            models.Index(fields=["outcome_date", "crime_reference"], name="inv_outcome_date_ref_idx"),
            models.Index(fields=["strand", "crime_reference"], name="inv_strand_ref_idx"),
            models.Index(fields=["offence_group", "crime_reference"], name="inv_offence_ref_idx"),
            models.Index(fields=["outcome_type", "crime_reference"], name="inv_outcome_type_ref_idx"),
            models.Index(fields=["lpa", "crime_reference"], name="inv_lpa_ref_idx"),
            models.Index(fields=["team", "crime_reference"], name="inv_team_ref_idx"),
            models.Index(fields=["arrest_date"], name="inv_arrest_date_idx", condition=Q(arrest_date__isnull=False)),
            models.Index(
                fields=["court_outcome_date"], name="inv_court_date_idx", condition=Q(court_outcome_date__isnull=False)
            ),
            models.Index(fields=["strand", "recorded_date"], name="inv_strand_recorded_idx"),
            models.Index(fields=["offence_group", "recorded_date"], name="inv_offence_recorded_idx"),
            # register v2: repeat victims and suspects, and the data-quality checks on bail and RUI
            # (person, recorded date) with the rollup's dimensions: the repeat-people counts, whatever they
            # filter or group by, read these indexes alone (kpis.repeat_people), not the register's rows.
            models.Index(
                fields=["victim_id", "recorded_date"],
                name="inv_victim_recorded_idx",
                condition=~Q(victim_id=""),
                include=ROLLUP_DIMENSIONS,
            ),
            models.Index(
                fields=["suspect_id", "recorded_date"],
                name="inv_suspect_recorded_idx",
                condition=~Q(suspect_id=""),
                include=ROLLUP_DIMENSIONS,
            ),
            models.Index(
                fields=["bail_expiry_date"], name="inv_bail_expiry_idx", condition=Q(bail_expiry_date__isnull=False)
            ),
            models.Index(
                fields=["rui_start_date"], name="inv_rui_start_idx", condition=Q(rui_start_date__isnull=False)
            ),
            models.Index(fields=["ho_offence"], name="inv_ho_offence_idx", condition=Q(ho_offence__isnull=False)),
            # Who is on bail or RUI on a day (cases.analytics.on_bail_at / on_rui_at): the few with a bail or
            # RUI start, by outcome date (the open ones: no outcome, or one after the day).
            models.Index(
                fields=["outcome_date"],
                name="inv_bail_rui_open_idx",
                condition=Q(bail_start_date__isnull=False) | Q(rui_start_date__isnull=False),
            ),
            # register filters on the v2 facts (most rows leave them empty)
            *(
                models.Index(fields=[name], name=f"inv_{name}_idx", condition=~Q(**{name: ""}))
                for name in (
                    "suspect_status",
                    "da_flag",
                    "victim_sex",
                    "victim_ethnicity",
                    "relationship",
                    "bail_status",
                    "withdrawal_reason",
                )
            ),
        ]

    def __str__(self) -> str:
        return self.crime_reference

    def clean(self) -> None:
        """Rules a form or the API checks beyond the field types, as the CSV import does
        (:func:`cases.rules.investigation_date_errors`): no date in the future; no outcome, court
        or arrest fact dated before the crime was recorded; an outcome type and a court outcome
        each with its date, and the reverse."""
        values = {name: getattr(self, name) for name in rules.CHECKED_FIELDS}
        errors = rules.investigation_date_errors(values, today=timezone.localdate())
        if self.victim_age is not None and "victim_age_group" not in errors:
            message = rules.age_group_error(self.victim_age_group, age=self.victim_age)
            if message:
                errors["victim_age_group"] = message
            else:
                self.victim_age_group = rules.age_group_of(self.victim_age)
        if errors:
            raise ValidationError(errors)

    @property
    def phase(self) -> str:
        if not self.outcome_type:
            return Phase.PRE_CHARGE
        if self.outcome_type in CHARGED and not self.court_outcome:
            return Phase.POST_CHARGE
        return Phase.FINALISED


def register_columns() -> tuple[str, ...]:
    """``REGISTER_FIELDS`` as database column names (``lpa`` → ``lpa_id``) for bulk writers."""
    fields = [Investigation._meta.get_field(name) for name in REGISTER_FIELDS]
    return tuple(field.attname for field in fields if isinstance(field, models.Field))


class CpsReferral(models.Model):
    """A referral of an investigation to the Crown Prosecution Service for a charging decision."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="referrals")
    referral_date = models.DateField()
    decision = models.CharField(max_length=20, choices=CpsDecision.choices, blank=True)
    decision_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["referral_date"]
        verbose_name = "CPS referral"
        constraints = [
            models.UniqueConstraint(fields=["investigation", "referral_date"], name="cps_referral_unique_date"),
            models.CheckConstraint(
                condition=(Q(decision="") & Q(decision_date__isnull=True))
                | (~Q(decision="") & Q(decision_date__isnull=False)),
                name="cps_referral_decision_and_date_together",
                violation_error_message="A CPS decision needs both a decision and a date.",
            ),
            models.CheckConstraint(
                condition=Q(decision_date__isnull=True) | Q(decision_date__gte=F("referral_date")),
                name="cps_referral_decision_not_before_referral",
                violation_error_message="The decision date cannot be before the referral date.",
            ),
        ]
        indexes = [
            models.Index(fields=["referral_date"], name="cps_referral_date_idx"),
            models.Index(fields=["decision_date"], name="cps_decision_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.investigation} referral {self.referral_date:%Y-%m-%d}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_in_future(self, ("referral_date", "decision_date"), errors)
        recorded = self.investigation.recorded_date if self.investigation_id else None
        for name in ("referral_date", "decision_date"):
            message = rules.before_recorded_error(getattr(self, name), recorded=recorded)
            if message and name not in errors:
                errors[name] = message
        if errors:
            raise ValidationError(errors)


class ProtectiveOrder(models.Model):
    """A protective order (SHPO, SRO, DVPO …) applied for in an investigation; its expiry keeps to the
    legal duration of its type (:func:`cases.rules.order_duration_error`)."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="orders")
    order_type = models.CharField(max_length=20, choices=OrderType.choices)
    applied_date = models.DateField()
    granted_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["applied_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_date__isnull=True) | Q(granted_date__gte=F("applied_date")),
                name="order_granted_not_before_applied",
                violation_error_message="An order cannot be granted before it was applied for.",
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | (Q(granted_date__isnull=False) & Q(expiry_date__gte=F("granted_date"))),
                name="order_expiry_after_grant",
                violation_error_message="An expiry date needs a grant date and cannot be before it.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_order_type_display()} ({self.investigation})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_in_future(self, ("applied_date", "granted_date"), errors)
        message = rules.order_duration_error(self.order_type, made=self.granted_date, expiry=self.expiry_date)
        if message:
            errors["expiry_date"] = message
        if errors:
            raise ValidationError(errors)


class OrderBreach(models.Model):
    """A breach of a protective order."""

    order = models.ForeignKey(ProtectiveOrder, on_delete=models.CASCADE, related_name="breaches")
    breach_date = models.DateField()
    arrest_made = models.BooleanField(null=True, blank=True, help_text="Blank when not recorded.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["breach_date"]
        verbose_name_plural = "order breaches"

    def __str__(self) -> str:
        return f"Breach {self.breach_date:%Y-%m-%d} of {self.order}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_in_future(self, ("breach_date",), errors)
        order = self.order if self.order_id else None
        if order and self.breach_date and "breach_date" not in errors:
            message = rules.breach_error(self.breach_date, granted=order.granted_date, expiry=order.expiry_date)
            if message:
                errors["breach_date"] = message
        if errors:
            raise ValidationError(errors)


def _not_in_future(instance: models.Model, names: tuple[str, ...], errors: dict[str, str]) -> None:
    today = timezone.localdate()
    for name in names:
        message = rules.future_error(getattr(instance, name), today=today)
        if message:
            errors[name] = message


# The counts a KPI rollup row holds (:class:`KpiRollup`), each keyed by its own date.
ROLLUP_MEASURES: tuple[str, ...] = (
    "recorded",  # by recorded_date
    "outcomes",  # by outcome_date: every outcome, then one count per outcome type
    *(f"outcome_{code.lower()}" for code in OutcomeType.values),
    "days_to_outcome",  # sums of whole days from recorded to outcome date, all outcomes and charges
    "days_to_charge",
    *(f"{field}_{answer}" for field in ("vcop", "vps", "advocate") for answer in ("yes", "no")),
    "arrests",  # by arrest_date, then by bail status
    *(f"arrest_{code}" for code in (BailStatus.RUI, BailStatus.BAIL)),
    *(f"court_{code}" for code in CourtOutcome.values),  # by court_outcome_date
    "referrals",  # CPS referrals by referral_date, decisions by decision_date
    *(f"decision_{code}" for code in CpsDecision.values),
    # The attrition funnel (cases.analytics): the investigations counted under ``recorded`` that have
    # reached each stage now, so also by recorded_date.
    *(f"funnel_{stage}" for stage in FunnelStage.values[1:]),
)


class _Rollup(models.Model):
    """A rollup row's period (a month's first day, or a day); the tables below add their dimensions."""

    period = models.DateField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.period:%Y-%m-%d}"


class _ForceRollup(_Rollup):
    """The key of a force-wide rollup row: period × strand × offence group × victim age group."""

    strand = models.CharField(max_length=32)
    offence_group = models.CharField(max_length=32)
    victim_age_group = models.CharField(max_length=16)

    class Meta:
        abstract = True


class _LpaRollup(_ForceRollup):
    """The key of a rollup row per LPA: the force-wide key × LPA (0 when not recorded)."""

    lpa_id = models.IntegerField()

    class Meta:
        abstract = True


class KpiRollup(_LpaRollup):
    """Derived counts behind the KPI engine (:mod:`cases.rollups`), not a record of its own.

    One row per period × strand × offence group × victim age group × LPA × team, holding every
    count of :data:`ROLLUP_MEASURES` (each keyed by its own date: recorded, outcome, arrest, court
    outcome, CPS referral or decision date). ``lpa_id``/``team_id`` are 0 when not recorded (not
    foreign keys: the unique key needs a value). Maintained on every write in the writer's
    transaction; ``manage.py verify_rollups`` recounts from the base tables and ``rebuild_rollups``
    rebuilds. Months (:class:`KpiRollupMonth`) and days (:class:`KpiRollupDay`), so the month rows
    a request mostly reads are few and together. The months are also summed over teams (per LPA:
    :class:`KpiRollupLpaMonth`), and both over LPAs and teams (force-wide: :class:`KpiRollupForceMonth`,
    :class:`KpiRollupForceDay`), for the requests that neither filter nor group by team (or LPA), the
    dashboard's default view among them; and, months and days, per LPA with everything else summed away
    (:class:`KpiRollupLpaTotalMonth`, :class:`KpiRollupLpaTotalDay`: seven rows a day), for the requests
    that filter or group by nothing but LPA. (No days per LPA *with* strand, offence and age group: they
    would add 60 % to every write's rollup statement, measured, and hold almost as many rows as the days.)
    """

    team_id = models.IntegerField()

    class Meta:
        abstract = True


_ROLLUP_KEY = ["period", *ROLLUP_DIMENSIONS]


class KpiRollupMonth(KpiRollup):
    """KPI counts per month (``period`` = its first day)."""

    class Meta:
        verbose_name = "KPI rollup month"
        constraints = [models.UniqueConstraint(fields=_ROLLUP_KEY, name="kpi_rollup_month_key")]
        # An LPA's or a team's months (the key's leading period reads every LPA's: 33 → 2 ms at 1M).
        indexes = [
            models.Index(fields=["lpa_id", "period"], name="kpi_rollup_month_lpa_idx"),
            models.Index(fields=["team_id", "period"], name="kpi_rollup_month_team_idx"),
        ]


class KpiRollupDay(KpiRollup):
    """KPI counts per day: the partial months at the edges of a period."""

    class Meta:
        verbose_name = "KPI rollup day"
        constraints = [models.UniqueConstraint(fields=_ROLLUP_KEY, name="kpi_rollup_day_key")]


class KpiRollupLpaMonth(_LpaRollup):
    """KPI counts per month and LPA: :class:`KpiRollupMonth` summed over teams (a sixth of its rows once
    every LPA has every team), for the requests that filter or group by LPA but not by team."""

    class Meta:
        verbose_name = "KPI rollup month (per LPA)"
        constraints = [models.UniqueConstraint(fields=_ROLLUP_KEY[:5], name="kpi_rollup_lpa_month_key")]
        indexes = [models.Index(fields=["lpa_id", "period"], name="kpi_rollup_lpa_month_lpa_idx")]


class KpiRollupForceMonth(_ForceRollup):
    """KPI counts per month force-wide: :class:`KpiRollupMonth` summed over LPAs and teams."""

    class Meta:
        verbose_name = "KPI rollup month (force-wide)"
        constraints = [models.UniqueConstraint(fields=_ROLLUP_KEY[:4], name="kpi_rollup_force_month_key")]


class KpiRollupForceDay(_ForceRollup):
    """KPI counts per day force-wide: :class:`KpiRollupDay` summed over LPAs and teams."""

    class Meta:
        verbose_name = "KPI rollup day (force-wide)"
        constraints = [models.UniqueConstraint(fields=_ROLLUP_KEY[:4], name="kpi_rollup_force_day_key")]


class _LpaTotalRollup(_Rollup):
    """The key of a rollup row of LPA totals: period × LPA (0 when not recorded), every strand, offence group
    and victim age group together."""

    lpa_id = models.IntegerField()

    class Meta:
        abstract = True


class KpiRollupLpaTotalMonth(_LpaTotalRollup):
    """KPI counts per month and LPA, over every strand, offence group and victim age group: a request that
    filters or groups by nothing but LPA (the dashboard's and the API's by-LPA views) reads 7 rows a month."""

    class Meta:
        verbose_name = "KPI rollup month (LPA totals)"
        constraints = [models.UniqueConstraint(fields=["period", "lpa_id"], name="kpi_rollup_lpa_total_month_key")]


class KpiRollupLpaTotalDay(_LpaTotalRollup):
    """KPI counts per day and LPA, over every strand, offence group and victim age group: the partial months
    at the edges of those requests (the days per LPA *and team* hold about 700 rows a day at 10,000,000
    investigations; these, 7)."""

    class Meta:
        verbose_name = "KPI rollup day (LPA totals)"
        constraints = [models.UniqueConstraint(fields=["period", "lpa_id"], name="kpi_rollup_lpa_total_day_key")]


# Each rollup table by its grain (cases.rollups): month and day ("m", "d"), months per LPA ("l"), months
# and days force-wide ("f", "fd"), months and days of LPA totals ("t", "td").
ROLLUP_GRAINS: dict[str, type[models.Model]] = {
    "m": KpiRollupMonth,
    "d": KpiRollupDay,
    "l": KpiRollupLpaMonth,
    "f": KpiRollupForceMonth,
    "fd": KpiRollupForceDay,
    "t": KpiRollupLpaTotalMonth,
    "td": KpiRollupLpaTotalDay,
}
ROLLUP_MODELS: tuple[type[models.Model], ...] = tuple(ROLLUP_GRAINS.values())
for _model in ROLLUP_MODELS:
    for _measure in ROLLUP_MEASURES:
        # int4: a row counts one month (or day) of one combination of dimensions.
        _model.add_to_class(_measure, models.IntegerField(default=0))


class ImportProfile(models.Model):
    """How one source's export maps onto the register's CSV columns (DESIGN.md §4).

    ``columns``: ``[{"source": "Crime Number", "field": "crime_reference"}, …]`` (a source column may
    fill several fields, e.g. an offence description giving both the offence group and the Home
    Office code); ``values``: field → {source value → code}, compared without case or surrounding
    spaces; ``ignored``: source columns left out. Names are compared the same way. The rules are
    checked by :func:`cases.profiles.profile_errors`.
    """

    name = models.CharField(max_length=60, unique=True, help_text="Given at upload or with --profile NAME.")
    source = models.CharField(max_length=200, blank=True, help_text="The records system and export it is for.")
    date_format = models.CharField(
        max_length=20,
        blank=True,
        help_text="How the export writes dates, e.g. DD/MM/YYYY; empty for YYYY-MM-DD.",
    )
    columns = models.JSONField(default=list, blank=True)
    values = models.JSONField(default=dict, blank=True)
    ignored = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """A large investigation import run by a Celery task rather than in the web request (DESIGN.md §4):
    the upload waits in a spool file (deleted when the job ends), the job records how far it got and
    how it ended. Still all-or-nothing: a failed job has written nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        VALIDATING = "validating", "Checking rows"
        WRITING = "writing", "Writing rows"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    FINISHED = frozenset({Status.DONE, Status.FAILED})

    file_name = models.CharField(max_length=255)
    profile = models.ForeignKey(ImportProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="import_jobs"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    spool_name = models.CharField(max_length=100, blank=True, help_text="The upload's spool file until the job ends.")
    task_id = models.CharField(max_length=64, blank=True)
    rows_expected = models.PositiveIntegerField(default=0, help_text="Lines in the file after the header (estimate).")
    rows_validated = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True, help_text="Counts of what changed, when imported.")
    message = models.TextField(blank=True)
    errors = models.JSONField(default=list, blank=True, help_text="The first errors, as 'row N, column C: message'.")
    error_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED


class ExportJob(models.Model):
    """A large register download built in the background (XLSX), kept for a few hours for its owner.

    ``query`` is the register's query string (filters, sort, drill-down) as the owner asked for it;
    the file is rebuilt from it with the owner's permissions, so it holds nothing the owner may not read.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being built"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"

    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    query = models.TextField(blank=True)
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    path = models.CharField(max_length=300, blank=True, help_text="The file, relative to MEDIA_ROOT.")
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="exportjob_created_idx")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
