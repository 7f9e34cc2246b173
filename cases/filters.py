"""The investigation filters, shared by the register page and the API (same names, same codes)."""

from __future__ import annotations

import copy
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Value
from django.http import QueryDict

from oversight.caching import forget, remembered

from .choices import (
    BailStatus,
    Ethnicity,
    OffenceGroup,
    Phase,
    Relationship,
    Sex,
    Strand,
    SuspectStatus,
    VictimAgeGroup,
    WithdrawalReason,
)
from .models import REFERENCE_FILTERS, Flag, HomeOfficeOffence, Investigation, LocalPolicingArea, ReferenceData, Team
from .outcomes import OutcomeType

DATE = {"class": "govuk-input--width-10", "type": "date"}
INPUT = {"class": "govuk-input--width-20"}  # the GOV.UK base class is the form renderer's


class ReferenceCodeField(forms.CharField):
    """A reference-data record given by code or name, case-insensitive (as in the CSV)."""

    def __init__(self, *, model: type[ReferenceData], **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def clean(self, value: Any) -> ReferenceData | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        record = self.model.objects.by_code_or_name(text)
        if record is not None:
            return record
        raise forms.ValidationError(
            "'%(text)s' is not a known %(name)s code or name.",
            params={"text": text, "name": self.model._meta.verbose_name},
        )


class ReferenceCodeFilter(django_filters.Filter):
    field_class = ReferenceCodeField


CODE_CHOICES_KEY = "cases:filters:code-choices"


def _code_choices() -> dict[str, list[tuple[str, str]]]:
    """Each of :data:`REFERENCE_FILTERS`' drop-down choices ("Any", then the active records by name), from
    the cache (``REFERENCE_CHOICES_SECONDS``; a query every register page and API list was 1 ms of a page's
    12 ms of CPU). A save or delete of an LPA, team or flag retires them (:func:`forget_code_choices`), so a
    renamed or retired one shows on the next page; a cache that does not answer is read around."""
    return remembered(CODE_CHOICES_KEY, settings.REFERENCE_CHOICES_SECONDS, _read_code_choices)


def _read_code_choices() -> dict[str, list[tuple[str, str]]]:
    """The choices, read in one query."""
    parts = [
        model._default_manager.filter(is_active=True).annotate(kind=Value(name)).values_list("kind", "code", "name")
        for name, model in REFERENCE_FILTERS.items()
    ]
    choices: dict[str, list[tuple[str, str]]] = {name: [("", "Any")] for name in REFERENCE_FILTERS}
    for kind, code, name in (
        parts[0].order_by().union(*(part.order_by() for part in parts[1:]), all=True).order_by("name")
    ):
        choices[kind].append((code, name))
    return choices


def forget_code_choices(**_: Any) -> None:
    """Retire the cached choices: at once (this process's next page) and again once the change is
    committed (a page read in between may have cached the old ones). Connected to the saves and deletes of
    :data:`REFERENCE_FILTERS`' models (:mod:`cases.signals`)."""

    forget(CODE_CHOICES_KEY)
    transaction.on_commit(lambda: forget(CODE_CHOICES_KEY))


class HomeOfficeCodeField(forms.CharField):
    """A Home Office offence classification by its code (``19C``), case-insensitive."""

    def clean(self, value: Any) -> HomeOfficeOffence | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        record = HomeOfficeOffence.objects.filter(code__iexact=text).first()
        if record is None:
            raise forms.ValidationError("'%(text)s' is not a known Home Office offence code.", params={"text": text})
        return record


class HomeOfficeCodeFilter(django_filters.Filter):
    field_class = HomeOfficeCodeField


YES_NO = [("yes", "Yes"), ("no", "No")]

# The register v2 filters (issue: widen the register), each served by a partial index on the field.
V2_FILTERS = (
    "suspect_status",
    "da_flag",
    "victim_sex",
    "victim_ethnicity",
    "relationship",
    "ho_offence_code",
    "bail_status",
    "withdrawal_reason",
)

# What the register may be sorted by (the ``ordering`` parameter) → the model field. Every sort is
# served by an index on (field, crime_reference), read forwards or backwards; LPA and team sort by
# their codes' ids (reference data is seeded in the order it is listed), not by a join to the names.
SORTS = {
    "crime_reference": "crime_reference",
    "recorded_date": "recorded_date",
    "outcome_date": "outcome_date",
    "strand": "strand",
    "offence_group": "offence_group",
    "lpa": "lpa_id",
    "team": "team_id",
    "outcome_type": "outcome_type",
}


class InvestigationFilter(django_filters.FilterSet):
    """Filters of the register: strand, offence group, victim age, LPA, team, outcome, phase, flag, dates,
    and the register v2 facts (suspect status, domestic-abuse flag, victim, relationship, Home Office
    code, bail or RUI, withdrawal reason)."""

    q = django_filters.CharFilter(
        field_name="crime_reference", lookup_expr="icontains", label="Crime reference contains"
    )
    strand = django_filters.ChoiceFilter(choices=Strand.choices, empty_label="Any")
    offence_group = django_filters.ChoiceFilter(choices=OffenceGroup.choices, empty_label="Any")
    victim_age_group = django_filters.ChoiceFilter(
        choices=VictimAgeGroup.choices, empty_label="Any", label="Victim age group"
    )
    lpa = ReferenceCodeFilter(field_name="lpa", model=LocalPolicingArea, label="LPA")
    team = ReferenceCodeFilter(field_name="team", model=Team, label="Team")
    outcome_type = django_filters.ChoiceFilter(
        choices=[("open", "No outcome yet"), *OutcomeType.choices], empty_label="Any", method="filter_outcome"
    )
    phase = django_filters.ChoiceFilter(
        choices=Phase.choices, empty_label="Any", field_name="phase_code", label="Phase"
    )
    flag = ReferenceCodeFilter(model=Flag, label="Flag", method="filter_flag")
    # a person's investigations (from the repeat victims and suspects list): the pseudonymous reference, exactly
    victim_id = django_filters.CharFilter(field_name="victim_id", label="Victim reference")
    suspect_id = django_filters.CharFilter(field_name="suspect_id", label="Suspect reference")
    recorded_from = django_filters.DateFilter(field_name="recorded_date", lookup_expr="gte", label="Recorded from")
    recorded_to = django_filters.DateFilter(field_name="recorded_date", lookup_expr="lte", label="Recorded to")
    outcome_from = django_filters.DateFilter(field_name="outcome_date", lookup_expr="gte", label="Outcome from")
    outcome_to = django_filters.DateFilter(field_name="outcome_date", lookup_expr="lte", label="Outcome to")
    suspect_status = django_filters.ChoiceFilter(
        choices=SuspectStatus.choices, empty_label="Any", label="Suspect status"
    )
    da_flag = django_filters.ChoiceFilter(choices=YES_NO, empty_label="Any", label="Domestic-abuse flag")
    victim_sex = django_filters.ChoiceFilter(choices=Sex.choices, empty_label="Any", label="Victim sex")
    victim_ethnicity = django_filters.ChoiceFilter(
        choices=Ethnicity.choices, empty_label="Any", label="Victim ethnicity"
    )
    relationship = django_filters.ChoiceFilter(
        choices=Relationship.choices, empty_label="Any", label="Relationship to the victim"
    )
    ho_offence_code = HomeOfficeCodeFilter(field_name="ho_offence", label="Home Office offence code")
    bail_status = django_filters.ChoiceFilter(
        choices=BailStatus.choices, empty_label="Any", label="On bail or released under investigation"
    )
    withdrawal_reason = django_filters.ChoiceFilter(
        choices=WithdrawalReason.choices, empty_label="Any", label="Withdrawal reason"
    )
    ordering = django_filters.OrderingFilter(
        fields=tuple((field, name) for name, field in SORTS.items()),
        label="Sort by",
    )

    class Meta:
        model = Investigation
        fields: list[str] = []

    def __init__(
        self, data: Any = None, queryset: QuerySet | None = None, *, request: Any = None, prefix: str | None = None
    ) -> None:
        # django-filter's own __init__ (26.2), but each filter shallow-copied: it deep-copies every filter,
        # choice lists and all (1.8 ms of a register page's 12 ms of CPU). An instance needs its own filter
        # objects (they point back to it), not its own copies of their settings: nothing changes those
        # once the class is built.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(base) for name, base in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self
            if filter_.method is not None:  # the copy's own method proxy: the one copied calls the class's filter
                filter_.method = filter_.method
        widgets = self.form.fields
        for name, choices in _code_choices().items():
            widgets[name].widget = forms.Select(choices=choices)
        for name, field in widgets.items():
            if name.endswith(("_from", "_to")):
                field.widget.attrs.update(DATE)
            elif name in ("q", "ho_offence_code", "victim_id", "suspect_id"):
                field.widget.attrs.update(INPUT)

    def get_form_class(self) -> type[forms.Form]:
        """The filter form's class, built once per process: django-filter builds a class (and every
        field) per request, 1 ms of a register page. Each form still gets its own copies of the fields
        (Django deep-copies a form class's fields per instance), so the widgets set above stay per page."""
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._form_class = form_class  # a race builds two equal classes; either is right
        return form_class

    def filter_outcome(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "open":
            return queryset.filter(outcome_type="")
        return queryset.filter(outcome_type=value)

    def filter_flag(self, queryset: QuerySet, name: str, value: Flag) -> QuerySet:
        """``EXISTS`` over the flags table: no join that multiplies rows, so no ``DISTINCT`` over every column."""
        through = Investigation.flags.through.objects.filter(investigation_id=OuterRef("pk"), flag_id=value.pk)
        return queryset.filter(Exists(through))

    def is_full_register(self) -> bool:
        """True when no filter narrows the list (the sort order may be set): its total may be estimated."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return not any(value not in (None, "", []) for name, value in data.items() if name != "ordering")
