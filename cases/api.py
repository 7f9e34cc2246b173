"""API of the investigation register (``/api/v1/investigations/``, ``cps-referrals/``, ``protective-orders/``,
``order-breaches/``). Same selectors, filters and role rules as the pages; no deletes."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Prefetch, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from oversight.accesslog import record_access
from oversight.concurrency import VersionSerializerField, expected_version, with_versions
from oversight.filters import IdFilter
from oversight.models import AccessKind
from oversight.parsers import JSONParser
from oversight.roles import Cap, capability_permission

from . import selectors, services
from .choices import CpsDecision, Ethnicity, Sex, YesNoUnknown
from .drilldown import drilldown_from
from .filters import InvestigationFilter
from .kpis import DRILLDOWN_MEASURES
from .models import (
    REGISTER_FIELDS,
    CpsReferral,
    Flag,
    HomeOfficeOffence,
    Investigation,
    LocalPolicingArea,
    OrderBreach,
    ProtectiveOrder,
    ReferenceDataQuerySet,
    Team,
)
from .pagination import RegisterPaginator


class InlineChoiceField(serializers.ChoiceField):
    """A choice field documented as a string with its codes in the description: shared code
    lists (yes/no, CPS decision) then make no enum component in the OpenAPI schema, whose
    names would collide with other apps' fields of the same name."""


def _inline_choices(choices: list[tuple[str, str]], **kwargs: Any) -> InlineChoiceField:
    codes = ", ".join(f"`{value}`" if value else "empty" for value, _label in choices)
    field_class = extend_schema_field({"type": "string", "description": f"One of: {codes}."})(
        type("InlineChoice", (InlineChoiceField,), {})
    )
    return field_class(choices=choices, **kwargs)


RegisterPermission = capability_permission(Cap.INVESTIGATIONS_VIEW, write=(Cap.INVESTIGATIONS_EDIT,))


class CodeOrNameField(serializers.SlugRelatedField):
    """Reference data written by code or name (case-insensitive), read as the code."""

    def to_internal_value(self, data: Any) -> Any:
        record = cast(ReferenceDataQuerySet, self.get_queryset()).by_code_or_name(data)
        if record is not None:
            return record
        self.fail("does_not_exist", slug_name="code or name", value=data)


class BreachSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderBreach
        fields = ("id", "order", "breach_date", "arrest_made")


class OrderSerializer(serializers.ModelSerializer):
    breaches = BreachSerializer(many=True, read_only=True)
    version = VersionSerializerField()

    class Meta:
        model = ProtectiveOrder
        fields: tuple[str, ...] = (
            "id",
            "investigation",
            "order_type",
            "applied_date",
            "granted_date",
            "expiry_date",
            "breaches",
            "version",
        )


class ReferralSerializer(serializers.ModelSerializer):
    decision = _inline_choices(CpsDecision.choices, required=False, allow_blank=True)
    version = VersionSerializerField()

    class Meta:
        model = CpsReferral
        fields: tuple[str, ...] = ("id", "investigation", "referral_date", "decision", "decision_date", "version")


class NestedReferralSerializer(ReferralSerializer):
    version = None  # type: ignore[assignment]  # read and edited at its own endpoint

    class Meta(ReferralSerializer.Meta):
        fields = ("id", "referral_date", "decision", "decision_date")


class NestedOrderSerializer(OrderSerializer):
    version = None  # type: ignore[assignment]  # read and edited at its own endpoint

    class Meta(OrderSerializer.Meta):
        fields = ("id", "order_type", "applied_date", "granted_date", "expiry_date", "breaches")


class InvestigationSerializer(serializers.ModelSerializer):
    """An investigation with its flags (codes), referrals and orders (read-only here: use their endpoints)."""

    lpa = CodeOrNameField(slug_field="code", queryset=LocalPolicingArea.objects.all(), allow_null=True, required=False)
    team = CodeOrNameField(slug_field="code", queryset=Team.objects.all(), allow_null=True, required=False)
    flags = serializers.SlugRelatedField(slug_field="code", queryset=Flag.objects.all(), many=True, required=False)
    phase = serializers.SerializerMethodField()
    vcop_compliant = _inline_choices(YesNoUnknown.choices, required=False, allow_blank=True)
    vps_offered = _inline_choices(YesNoUnknown.choices, required=False, allow_blank=True)
    advocate_referral = _inline_choices(YesNoUnknown.choices, required=False, allow_blank=True)
    # register v2: the Home Office classification by its code, as in the CSV
    ho_offence_code = serializers.SlugRelatedField(
        source="ho_offence",
        slug_field="code",
        queryset=HomeOfficeOffence.objects.filter(is_active=True),
        allow_null=True,
        required=False,
    )
    da_flag = _inline_choices(YesNoUnknown.choices, required=False, allow_blank=True)
    evidence_led_considered = _inline_choices(YesNoUnknown.choices, required=False, allow_blank=True)
    victim_sex = _inline_choices(Sex.choices, required=False, allow_blank=True)
    suspect_sex = _inline_choices(Sex.choices, required=False, allow_blank=True)
    victim_ethnicity = _inline_choices(Ethnicity.choices, required=False, allow_blank=True)
    suspect_ethnicity = _inline_choices(Ethnicity.choices, required=False, allow_blank=True)
    referrals = NestedReferralSerializer(many=True, read_only=True)
    orders = NestedOrderSerializer(many=True, read_only=True)
    version = VersionSerializerField()

    class Meta:
        model = Investigation
        fields = (
            "id",
            *(("ho_offence_code" if name == "ho_offence" else name) for name in REGISTER_FIELDS),
            "flags",
            "phase",
            "referrals",
            "orders",
            "created_at",
            "updated_at",
            "version",
        )
        read_only_fields = ("created_at", "updated_at")

    def get_phase(self, obj: Investigation) -> str:
        return getattr(obj, "phase_code", None) or obj.phase

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Model rules (constraints and ``clean``) are checked by the service's full_clean;
        # the crime reference is fixed once recorded.
        reference = attrs.get("crime_reference")
        if self.instance is not None and reference is not None and reference != self.instance.crime_reference:
            raise serializers.ValidationError({"crime_reference": "The crime reference cannot change."})
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Investigation:
        flags = validated_data.pop("flags", [])
        validated_data.pop("version", None)
        return services.investigation_create(actor=self.context["request"].user, data=validated_data, flags=flags)

    def update(self, instance: Investigation, validated_data: dict[str, Any]) -> Investigation:
        flags = validated_data.pop("flags", None)
        request = self.context["request"]
        return services.investigation_update(
            investigation=instance,
            actor=request.user,
            data=validated_data,
            flags=flags,
            expected_version=expected_version(request, validated_data),
        )


class _RegisterViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = (RegisterPermission,)
    parser_classes = (JSONParser, FormParser, MultiPartParser)


_DRILLDOWN_PARAMETERS = [
    OpenApiParameter(
        "measure",
        str,
        enum=list(DRILLDOWN_MEASURES),
        description=(
            "Drill-down: list exactly the investigations counted by this KPI for `from`–`to` and the KPI "
            "filters (`strand`, `offence_group`, `victim_age_group`, `lpa`, `team`, `flag`, as for "
            "`/api/v1/kpis/`), so `count` equals the KPI figure. Needs `from` and `to`; the other register "
            "filters are refused with it. `open_investigations` lists those open on `to`."
        ),
    ),
    OpenApiParameter("from", OpenApiTypes.DATE, description="Drill-down: first day of the period (YYYY-MM-DD)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Drill-down: last day of the period, inclusive."),
]


# Parameters that don't narrow the register (its total may then be estimated).
UNFILTERING_PARAMETERS = {"ordering", "page", "format"}


class RegisterPagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` as every list, read as :mod:`cases.pagination` reads
    the register; for the unfiltered full register on a large database ``count`` is the planner's
    estimate and ``"count_is_estimate": true`` is added. A page out of reach is a 404 saying why."""

    estimate = False
    invalid_page_message = "Page {page_number}: {message}"

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any] | None:
        self.estimate = bool(getattr(view, "full_register", False))
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, queryset: Any, page_size: int) -> RegisterPaginator:  # type: ignore[override]
        return RegisterPaginator(queryset, page_size, estimate=self.estimate)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        if self.page is not None and cast(RegisterPaginator, self.page.paginator).count_is_estimate:
            response.data["count_is_estimate"] = True
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": "Present (true) when `count` is an estimate: only for the unfiltered full register.",
        }
        return result


@extend_schema_view(list=extend_schema(parameters=_DRILLDOWN_PARAMETERS))
class InvestigationViewSet(_RegisterViewSet):
    """Investigations: list (filters as on the register page, or the drill-down behind a KPI figure),
    retrieve, create, update. No delete."""

    queryset = Investigation.objects.none()  # for the schema; requests use get_queryset
    serializer_class = InvestigationSerializer
    filter_backends = (filters.DjangoFilterBackend,)
    filterset_class = InvestigationFilter
    pagination_class = RegisterPagination
    full_register = False  # set by ``filter_queryset``: no filter narrows the list

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The register's filters, or with ``measure``/``from``/``to`` the drill-down (400 naming bad parameters)."""
        if self.action == "list":
            drilldown = drilldown_from(self.request.query_params)
            if drilldown is not None:
                return selectors.register_ordered(drilldown.investigations(queryset).order_by())
            filtered = super().filter_queryset(queryset)  # refused values: 400 naming them
            self.full_register = not (set(self.request.query_params) - UNFILTERING_PARAMETERS)
            return selectors.register_ordered(filtered)
        return super().filter_queryset(queryset)

    def get_queryset(self) -> QuerySet[Investigation]:
        if getattr(self, "swagger_fake_view", False):
            return Investigation.objects.none()
        queryset = (
            selectors.investigation_queryset(user=self.request.user)
            .select_related("ho_offence")  # read as its code: one join, not a query per row
            .prefetch_related(
                "flags", "referrals", Prefetch("orders", queryset=ProtectiveOrder.objects.prefetch_related("breaches"))
            )
        )
        return with_versions(queryset)

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        record_access(request, AccessKind.INVESTIGATION_LIST)
        return response

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        record_access(
            request, AccessKind.INVESTIGATION, object_id=response.data["id"], reference=response.data["crime_reference"]
        )
        return response

    def perform_update(self, serializer: Any) -> None:
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


class ReferralFilter(filters.FilterSet):
    investigation = IdFilter(field_name="investigation_id")
    crime_reference = filters.CharFilter(field_name="investigation__crime_reference")
    referral_from = filters.DateFilter(field_name="referral_date", lookup_expr="gte")
    referral_to = filters.DateFilter(field_name="referral_date", lookup_expr="lte")
    decision = filters.CharFilter()

    class Meta:
        model = CpsReferral
        fields: list[str] = []


class ReferralViewSet(_RegisterViewSet):
    """CPS referrals (one investigation has many)."""

    queryset = CpsReferral.objects.none()
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter

    def get_queryset(self) -> QuerySet[CpsReferral]:
        if getattr(self, "swagger_fake_view", False):
            return CpsReferral.objects.none()
        selectors.investigation_queryset(user=self.request.user)  # role check
        return with_versions(CpsReferral.objects.order_by("-referral_date", "id"))

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.referral_save(referral=CpsReferral(**data), actor=self.request.user)

    def perform_update(self, serializer: Any) -> None:
        referral, data = serializer.instance, dict(serializer.validated_data)
        expected = expected_version(self.request, data)
        for name, value in data.items():
            setattr(referral, name, value)
        services.referral_save(referral=referral, actor=self.request.user, expected_version=expected)


class OrderFilter(filters.FilterSet):
    investigation = IdFilter(field_name="investigation_id")
    crime_reference = filters.CharFilter(field_name="investigation__crime_reference")
    order_type = filters.CharFilter()

    class Meta:
        model = ProtectiveOrder
        fields: list[str] = []


class OrderViewSet(_RegisterViewSet):
    """Protective orders with their breaches."""

    queryset = ProtectiveOrder.objects.none()
    serializer_class = OrderSerializer
    filterset_class = OrderFilter

    def get_queryset(self) -> QuerySet[ProtectiveOrder]:
        if getattr(self, "swagger_fake_view", False):
            return ProtectiveOrder.objects.none()
        selectors.investigation_queryset(user=self.request.user)
        return with_versions(ProtectiveOrder.objects.prefetch_related("breaches").order_by("-applied_date", "id"))

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.order_save(order=ProtectiveOrder(**data), actor=self.request.user)

    def perform_update(self, serializer: Any) -> None:
        order, data = serializer.instance, dict(serializer.validated_data)
        expected = expected_version(self.request, data)
        for name, value in data.items():
            setattr(order, name, value)
        services.order_save(order=order, actor=self.request.user, expected_version=expected)


class BreachViewSet(_RegisterViewSet):
    """Breaches of protective orders."""

    queryset = OrderBreach.objects.none()
    serializer_class = BreachSerializer
    filterset_fields = ("order",)

    def get_queryset(self) -> QuerySet[OrderBreach]:
        if getattr(self, "swagger_fake_view", False):
            return OrderBreach.objects.none()
        selectors.investigation_queryset(user=self.request.user)
        return OrderBreach.objects.order_by("-breach_date", "id")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.breach_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        breach = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(breach, name, value)
        services.breach_save(breach=breach, actor=self.request.user)
