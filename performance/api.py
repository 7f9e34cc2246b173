"""API of the ``performance`` app: KPIs (DESIGN.md §3 and §4).

Thin views: query parameters are validated by :class:`KpiQuerySerializer` (the same bounds as the
dashboard form, from :mod:`cases.kpis`), figures come from :func:`cases.kpis.kpi_rows` /
:func:`cases.kpis.soteria`, the same functions the dashboards use.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.analytics import FUNNEL_STAGES, attrition_funnel, outcome_breakdown
from cases.kpis import FILTER_PARAMS, GROUP_BY_CHOICES, kpi_rows, parse_kpi_date, resolve_filters, soteria
from cases.outcomes import OUTCOME_GROUPS, OutcomeType
from oversight.disclosure import sees_small_groups
from oversight.errors import ApplicationError, errors_message
from oversight.roles import Cap, capability_permission

from .people import bail_summary, disproportionality

_DATES = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First day of the period (YYYY-MM-DD)."),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last day of the period, inclusive."),
]
_FILTERS = [
    OpenApiParameter("strand", str, description="VAWG strand code, e.g. `rasso`."),
    OpenApiParameter("offence_group", str, description="Offence group code, e.g. `rape`."),
    OpenApiParameter("victim_age_group", str, description="`adult`, `child` or `unknown`."),
    OpenApiParameter("lpa", str, description="Local Policing Area by code or name (any case)."),
    OpenApiParameter("team", str, description="Team by code or name (any case)."),
    OpenApiParameter("flag", str, description="Flag code, e.g. `spiking`."),
]
_GROUP_BY = OpenApiParameter(
    "group_by",
    str,
    enum=list(GROUP_BY_CHOICES),
    description=(
        "`month` (key `2025-11`), `quarter` (financial, `2025-26-Q3`), `year` (financial, `2025-26`), "
        "`strand` or `lpa` (codes). Period groups: every period touching the range, empty ones included, "
        "ascending. Strand/LPA groups: those with any figure, ascending by code; investigations without an "
        "LPA form the last row with `group: null`. Without `group_by`: one row, `group: null`."
    ),
)

_RATE: dict[str, Any] = {
    "allow_null": True,
    "help_text": "Percentage, half-up to one decimal; null when the denominator is 0.",
}
_DAYS: dict[str, Any] = {"allow_null": True, "help_text": "Whole days, half-up; null when nothing was counted."}


# --------------------------------------------------------------------------- input


class KpiDateField(serializers.DateField):
    """A date written exactly ``YYYY-MM-DD``, within the KPI bounds (:func:`cases.kpis.parse_kpi_date`)."""

    default_error_messages = {"required": "a date is required (YYYY-MM-DD)."}

    def to_internal_value(self, value: Any) -> date:
        try:
            return parse_kpi_date(value)
        except ApplicationError as exc:
            raise serializers.ValidationError(exc.message) from exc


class KpiQuerySerializer(serializers.Serializer):
    """The query parameters of the KPI endpoints: ``from``, ``to``, ``group_by`` and the filters.

    Every bad parameter is reported at once, by name. Unknown parameters (other than ``format`` and
    ``page``) are refused too, so a misspelt filter never silently widens the figures. With
    ``context={"group_by": False}`` (Soteria) a grouping is refused.
    """

    from_ = KpiDateField()
    to = KpiDateField()
    group_by = serializers.CharField(required=False, allow_blank=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        for name in FILTER_PARAMS:
            fields[name] = serializers.CharField(required=False, allow_blank=True)
        return fields

    def validate_group_by(self, value: str) -> str | None:
        value = value.strip()
        if not value:
            return None
        if not self.context.get("group_by", True):
            raise serializers.ValidationError("This endpoint does not group.")
        if value not in GROUP_BY_CHOICES:
            raise serializers.ValidationError(f"'{value}' is not a grouping: use one of {', '.join(GROUP_BY_CHOICES)}.")
        return value

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """The fields' own checks, then the period's order, unknown parameters and the filter codes."""
        errors: dict[str, Any] = {}
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors.update(cast(dict[str, Any], exc.detail))  # a Serializer's errors are by field
            values = {}
        start, end = values.get("from"), values.get("to")
        if start and end and start > end:
            errors["from"] = [f"'from' ({start}) is after 'to' ({end})."]
        allowed = {"from", "to", "group_by", "format", "page", *FILTER_PARAMS}
        for param in sorted(set(data) - allowed):
            errors[param] = ["Unknown parameter."]
        try:
            filters = resolve_filters({name: data.get(name) for name in FILTER_PARAMS})
        except ApplicationError as exc:
            errors.update(exc.extra)
        if errors:
            raise serializers.ValidationError(errors)
        return {"date_from": start, "date_to": end, "group_by": values.get("group_by"), "filters": filters}


def _query(request: Request, *, group_by: bool = True) -> dict[str, Any]:
    """The validated query, or a 400 naming every bad parameter."""
    serializer = KpiQuerySerializer(data=request.query_params, context={"group_by": group_by})
    if not serializer.is_valid():
        errors = {name: [str(m) for m in messages] for name, messages in serializer.errors.items()}
        raise ApplicationError(errors_message(errors), errors)
    return serializer.validated_data


# --------------------------------------------------------------------------- output


class KpiRowSerializer(serializers.Serializer):
    """One row of figures (documentation of the response shape)."""

    group = serializers.CharField(allow_null=True)
    recorded_offences = serializers.IntegerField(help_text="Investigations recorded in the period.")
    outcomes_assigned = serializers.IntegerField(help_text="Investigations with an outcome date in the period.")
    charged = serializers.IntegerField(help_text="Outcome 1 or 1A, outcome date in the period.")
    charged_pct = serializers.FloatField(**_RATE)
    positive_outcomes = serializers.IntegerField(help_text="Outcomes 1, 1A, 2, 3, 4, 6, 7, 8 in the period.")
    positive_outcome_rate = serializers.FloatField(**_RATE)
    victim_withdrawal = serializers.IntegerField(help_text="Outcomes 14 and 16 in the period.")
    victim_withdrawal_pct = serializers.FloatField(**_RATE)
    cps_referrals = serializers.IntegerField(help_text="CPS referrals with a referral date in the period.")
    cps_charge_rate = serializers.FloatField(
        allow_null=True,
        help_text="100 × charge / (charge + NFA) decisions dated in the period; null when there were none.",
    )
    cps_action_plans = serializers.IntegerField(
        help_text="CPS further-evidence decisions (action plans) in the period."
    )
    cps_advice = serializers.IntegerField(help_text="CPS early-advice decisions in the period.")
    avg_days_to_charge = serializers.IntegerField(**_DAYS)
    avg_days_to_outcome = serializers.IntegerField(**_DAYS)
    open_investigations = serializers.IntegerField(
        help_text=(
            "Recorded on or before the date and without an outcome on or before it. The date is `to`, "
            "or for a period group the end of that group (`to` for a partial last group)."
        )
    )
    rui_pct = serializers.FloatField(**_RATE)
    conviction_rate = serializers.FloatField(**_RATE)
    vcop_compliance_pct = serializers.FloatField(
        allow_null=True, help_text="Victims' Code compliant: 100 × yes / (yes + no), outcome date in the period."
    )
    vcop_not_recorded = serializers.IntegerField(help_text="Outcomes in the period with Victims' Code not recorded.")
    vps_offered_pct = serializers.FloatField(
        allow_null=True,
        help_text="Victim personal statement offered: 100 × yes / (yes + no), outcome date in the period.",
    )
    vps_not_recorded = serializers.IntegerField(help_text="Outcomes in the period with VPS not recorded.")
    advocate_referral_pct = serializers.FloatField(
        allow_null=True, help_text="ISVA/IDVA referral: 100 × yes / (yes + no), outcome date in the period."
    )
    advocate_not_recorded = serializers.IntegerField(
        help_text="Outcomes in the period with ISVA/IDVA referral not recorded."
    )
    repeat_victims = serializers.IntegerField(
        help_text="Distinct victims with two or more investigations recorded in the period (or its group's part)."
    )
    repeat_suspects = serializers.IntegerField(
        help_text="Distinct suspects with two or more investigations recorded in the period (or its group's part)."
    )


class KpiResponseSerializer(serializers.Serializer):
    from_ = serializers.DateField()
    to = serializers.DateField()
    rows = KpiRowSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class SoteriaResponseSerializer(serializers.Serializer):
    from_ = serializers.DateField()
    to = serializers.DateField()
    recorded_offences = serializers.IntegerField()
    outcomes_assigned = serializers.IntegerField()
    charged = serializers.IntegerField()
    charged_pct = serializers.FloatField(**_RATE)
    victim_withdrawal = serializers.IntegerField()
    victim_withdrawal_pct = serializers.FloatField(**_RATE)
    cps_referrals = serializers.IntegerField()
    avg_days_to_charge = serializers.IntegerField(**_DAYS)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class _PeriodSerializer(serializers.Serializer):
    from_ = serializers.DateField()
    to = serializers.DateField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class OutcomeRowSerializer(serializers.Serializer):
    outcome_type = serializers.ChoiceField(choices=OutcomeType.values, help_text="Home Office outcome code.")
    # A declared field: DRF's metaclass takes it off the class, so the serializer's own label is unaffected.
    label = serializers.CharField(help_text="The outcome's name, without its code.")  # type: ignore[assignment]
    outcome_group = serializers.ChoiceField(
        choices=[key for key, _label, _codes in OUTCOME_GROUPS], help_text="Home Office outcome group (DESIGN.md §3)."
    )
    count = serializers.IntegerField()
    pct = serializers.FloatField(help_text="Percentage of `total`, half-up to one decimal.")


class OutcomesResponseSerializer(_PeriodSerializer):
    total = serializers.IntegerField(help_text="Outcomes assigned in the period (any type).")
    rows = OutcomeRowSerializer(many=True)


class FunnelStageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=[stage for stage, _label in FUNNEL_STAGES])
    count = serializers.IntegerField()
    pct_of_recorded = serializers.FloatField(allow_null=True, help_text="Half-up to one decimal; null for no cohort.")


class FunnelResponseSerializer(_PeriodSerializer):
    stages = FunnelStageSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="Names the bad parameter(s).")
    # A declared field: DRF's metaclass takes it off the class, so Serializer.errors is unaffected.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


class KpiView(APIView):
    """KPI figures for a period, optionally grouped and filtered (DESIGN.md §3)."""

    permission_classes = [capability_permission(Cap.KPIS_VIEW)]

    @extend_schema(
        operation_id="kpis",
        summary="KPI figures for a period",
        parameters=[*_DATES, _GROUP_BY, *_FILTERS],
        responses={200: KpiResponseSerializer, 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        query = _query(request)
        return Response({"from": query["date_from"], "to": query["date_to"], "rows": kpi_rows(**query)})


class SoteriaView(APIView):
    """The Operation Soteria figures for a period, with exactly the filters given.

    The national table's "recorded adult rape offences" is `offence_group=rape&victim_age_group=adult`.
    """

    permission_classes = [capability_permission(Cap.KPIS_VIEW)]

    @extend_schema(
        operation_id="kpis_soteria",
        summary="Operation Soteria figures for a period",
        parameters=[*_DATES, *_FILTERS],
        responses={200: SoteriaResponseSerializer, 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        query = _query(request, group_by=False)
        return Response(soteria(date_from=query["date_from"], date_to=query["date_to"], filters=query["filters"]))


class OutcomesView(APIView):
    """Every Home Office outcome type assigned in the period (by outcome date), in code order."""

    permission_classes = [capability_permission(Cap.KPIS_VIEW)]

    @extend_schema(
        operation_id="kpis_outcomes",
        summary="Outcome types assigned in a period",
        parameters=[*_DATES, *_FILTERS],
        responses={200: OutcomesResponseSerializer, 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        query = _query(request, group_by=False)
        return Response(
            outcome_breakdown(date_from=query["date_from"], date_to=query["date_to"], filters=query["filters"])
        )


class FunnelView(APIView):
    """The attrition funnel of the investigations recorded in the period, each stage as of today:
    `recorded`, `arrested`, `referred_to_cps`, `charged` (1/1A), `court_outcome`, `convicted`."""

    permission_classes = [capability_permission(Cap.KPIS_VIEW)]

    @extend_schema(
        operation_id="kpis_funnel",
        summary="Attrition funnel of the investigations recorded in a period",
        parameters=[*_DATES, *_FILTERS],
        responses={200: FunnelResponseSerializer, 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        query = _query(request, group_by=False)
        return Response(
            attrition_funnel(date_from=query["date_from"], date_to=query["date_to"], filters=query["filters"])
        )


class DisproportionalityView(APIView):
    """For victims and for suspects by sex, age band and ethnicity: recorded offences, positive outcome
    rate, charge rate and victim withdrawal rate, each with its 95 % Wilson interval and its ratio to
    the overall rate. Groups of fewer than 10 investigations are withheld (`suppressed: true`, no
    figures) from roles that may not see investigations; other roles see every group."""

    permission_classes = [capability_permission(Cap.KPIS_VIEW)]

    @extend_schema(
        operation_id="kpis_disproportionality",
        summary="Outcomes by victims' and suspects' sex, age band and ethnicity",
        parameters=[*_DATES, *_FILTERS],
        responses={200: OpenApiTypes.OBJECT, 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        query = _query(request, group_by=False)
        return Response(
            disproportionality(
                date_from=query["date_from"],
                date_to=query["date_to"],
                filters=query["filters"],
                full=sees_small_groups(request.user),
            )
        )


def bail_query(params: Any, today: date) -> dict[str, Any]:
    """``on`` (a date, today by default) and the KPI filters from query parameters; ``ApplicationError``
    naming every bad or unknown parameter."""
    errors: dict[str, list[str]] = {}
    on = today
    if str(params.get("on") or "").strip():
        try:
            on = parse_kpi_date(params.get("on"))
        except ApplicationError as exc:
            errors["on"] = [exc.message]
    for name in sorted(set(params) - {"on", "format", *FILTER_PARAMS}):
        errors[name] = ["Unknown parameter."]
    filters = None
    try:
        filters = resolve_filters({name: params.get(name) for name in FILTER_PARAMS})
    except ApplicationError as exc:
        errors.update(exc.extra)
    if errors:
        raise ApplicationError(errors_message(errors), errors)
    return {"on": on, "filters": filters}


class BailView(APIView):
    """Pre-charge bail and RUI on a day (`on`, today by default): how many, the median and 90th
    percentile of days since it started, how many for over 3, 6 and 12 months, and how many bails
    expire within the next 14 days."""

    permission_classes = [capability_permission(Cap.KPIS_VIEW)]

    @extend_schema(
        operation_id="kpis_bail",
        summary="Pre-charge bail and RUI on a day",
        parameters=[
            OpenApiParameter("on", OpenApiTypes.DATE, description="The day (YYYY-MM-DD); today by default."),
            *_FILTERS,
        ],
        responses={200: OpenApiTypes.OBJECT, 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(bail_summary(**bail_query(request.query_params, timezone.localdate())))
