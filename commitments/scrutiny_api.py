"""API of the OPCC's scrutiny (DESIGN.md §4): scrutiny queries and the inspection tracker.

- ``GET/POST /api/v1/scrutiny-queries/`` (POST ``{"commitment": id, "question": "…", "due_date":
  "YYYY-MM-DD"}``; or ``board``, ``recommendation``, ``kpi_metric`` + ``kpi_period`` [+ ``kpi_filters``],
  ``audit_area``; ``owner`` optional), ``GET …/{id}/``, and ``POST …/{id}/answer/`` (the owner),
  ``…/close/`` and ``…/reopen/`` (the OPCC).
- ``/api/v1/inspection-reports/`` and ``/api/v1/inspection-recommendations/`` (list, read, create,
  update: the OPCC and administrators), with ``POST …/{id}/evidence/`` and ``…/status/`` (the item's
  owner) and ``…/accept/`` and ``…/return/`` (the OPCC).

Thin views: reads via :mod:`commitments.scrutiny_selectors`, writes via :mod:`commitments.scrutiny_services`.
Nothing is deleted. Queries carry no case-level data.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from audits.choices import AuditArea
from cases.kpis import METRIC_LABELS
from oversight.api_fields import RelatedText
from oversight.concurrency import VERSION_HELP, VersionSerializerField, request_version, versioned, with_versions
from oversight.filters import MAX_ID
from oversight.models import User
from oversight.roles import Cap, capability_permission

from . import rules
from . import scrutiny_selectors as selectors
from . import scrutiny_services as services
from .choices import RECOMMENDATION_OWNER_TARGETS
from .models import Board, Commitment, InspectionRecommendation, InspectionReport, ScrutinyQuery
from .scrutiny_forms import QueryFilter, RecommendationFilter


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A record by id; an id out of range is "does not exist", never a database overflow."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or (isinstance(data, int) and not 1 <= data <= MAX_ID):
            self.fail("does_not_exist", pk_value=data)
        if isinstance(data, str) and data.isdigit() and not 1 <= int(data) <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


def _user_field(**kwargs: Any) -> IdRelatedField:
    return IdRelatedField(queryset=User.objects.filter(is_active=True), **kwargs)


# --- scrutiny queries ------------------------------------------------------------------------------


class ScrutinyQuerySerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject_label", read_only=True)
    owner_name = serializers.CharField(source="owner.full_name", read_only=True)
    raised_by = serializers.CharField(source="raised_by.full_name", read_only=True)
    overdue = serializers.SerializerMethodField()
    # Empty unless the query is about a KPI slice / an audit area (the schema says so: "" is allowed).
    kpi_metric = serializers.ChoiceField(choices=list(METRIC_LABELS.items()), allow_blank=True, read_only=True)
    audit_area = serializers.ChoiceField(choices=AuditArea.choices, allow_blank=True, read_only=True)
    version = VersionSerializerField(read_only=True)

    class Meta:
        model = ScrutinyQuery
        fields = [
            "id",
            "subject_type",
            "subject",
            "commitment",
            "board",
            "recommendation",
            "kpi_metric",
            "kpi_filters",
            "kpi_period",
            "audit_area",
            "question",
            "owner",
            "owner_name",
            "due_date",
            "status",
            "overdue",
            "response",
            "answered_at",
            "opcc_comment",
            "raised_by",
            "raised_at",
            "closed_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_overdue(self, query: ScrutinyQuery) -> bool:
        annotated = getattr(query, "is_overdue", None)
        return bool(annotated) if annotated is not None else query.overdue_on(timezone.localdate())


class QueryRaiseSerializer(serializers.Serializer):
    commitment = IdRelatedField(queryset=Commitment.objects.select_related("lead"), required=False, allow_null=True)
    board = IdRelatedField(queryset=Board.objects.select_related("chair"), required=False, allow_null=True)
    recommendation = IdRelatedField(
        queryset=InspectionRecommendation.objects.select_related("owner", "report"), required=False, allow_null=True
    )
    kpi_metric = serializers.CharField(required=False, allow_blank=True, default="")
    kpi_filters = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    kpi_period = serializers.CharField(required=False, allow_blank=True, default="")
    audit_area = serializers.CharField(required=False, allow_blank=True, default="")
    question = serializers.CharField(help_text="No crime references.")
    owner = _user_field(required=False, allow_null=True, help_text="Default: the lead, chair or recommendation owner.")
    due_date = serializers.DateField()


class QueryAnswerSerializer(serializers.Serializer):
    response = serializers.CharField()
    version = serializers.CharField(required=False, max_length=100, help_text=VERSION_HELP)


class QueryCloseSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class QueryReopenSerializer(serializers.Serializer):
    reason = serializers.CharField()
    due_date = serializers.DateField(required=False, allow_null=True, default=None)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ScrutinyQueryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Scrutiny queries (filters: ``status``, ``subject``, ``owner``, ``commitment``, ``board``,
    ``recommendation``, ``overdue=yes``). Every role reads; the OPCC raises (201; others 403), closes
    and reopens; only the owner answers. Overdue = due before today while open or reopened."""

    serializer_class = ScrutinyQuerySerializer
    filterset_class = QueryFilter
    WRITE_CAPS = {
        "create": (Cap.SCRUTINY_QUERIES,),
        "close": (Cap.SCRUTINY_QUERIES,),
        "reopen": (Cap.SCRUTINY_QUERIES,),
    }

    def get_permissions(self) -> list[Any]:
        write = self.WRITE_CAPS.get(self.action or "", ())
        return [capability_permission(Cap.COMMITMENTS_VIEW, write=write or None)()]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ScrutinyQuery.objects.none()
        return with_versions(selectors.query_list(user=self.request.user, today=timezone.localdate()))

    def _respond(self, query: ScrutinyQuery, code: int = status.HTTP_200_OK) -> Response:
        query = selectors.query_queryset(timezone.localdate()).get(pk=query.pk)
        return Response(ScrutinyQuerySerializer(query).data, status=code)

    @extend_schema(request=QueryRaiseSerializer, responses={201: ScrutinyQuerySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(QueryRaiseSerializer, request)
        query = services.query_raise(actor=request.user, **data)
        return self._respond(query, status.HTTP_201_CREATED)

    @extend_schema(request=QueryAnswerSerializer, responses=ScrutinyQuerySerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """The query's owner answers it (403 for anyone else)."""
        query = self.get_object()
        rules.require_query_owner(request.user, query)
        data = _valid(QueryAnswerSerializer, request)
        expected = data.pop("version", None) or request_version(request)
        with versioned(query, expected, noun="scrutiny query"):
            answered = services.query_answer(query=query, actor=request.user, **data)
        return self._respond(answered)

    @extend_schema(request=QueryCloseSerializer, responses=ScrutinyQuerySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """The OPCC closes the query."""
        query = self.get_object()
        data = _valid(QueryCloseSerializer, request)
        return self._respond(services.query_close(query=query, actor=request.user, **data))

    @extend_schema(request=QueryReopenSerializer, responses=ScrutinyQuerySerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """The OPCC reopens an answered or closed query (a new due date when the old one has passed)."""
        query = self.get_object()
        data = _valid(QueryReopenSerializer, request)
        return self._respond(services.query_reopen(query=query, actor=request.user, **data))


# --- the inspection tracker ------------------------------------------------------------------------


class InspectionReportSerializer(serializers.ModelSerializer):
    published_on = serializers.DateField()
    response_deadline = serializers.DateField(read_only=True)
    response_state = serializers.SerializerMethodField()

    class Meta:
        model = InspectionReport
        fields = [
            "id",
            "title",
            "inspectorate",
            "published_on",
            "response_deadline",
            "response_state",
            "pcc_response",
            "pcc_response_published_on",
        ]
        validators: list = []  # uniqueness is checked by full_clean in the service, with a clear message

    def get_response_state(self, report: InspectionReport) -> dict[str, Any]:
        return report.response_state(timezone.localdate())


class EvidenceSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, allow_null=True, default=None)
    text = serializers.CharField()
    status = serializers.ChoiceField(
        choices=RECOMMENDATION_OWNER_TARGETS,
        required=False,
        allow_blank=True,
        default="",
    )


class RecommendationSerializer(serializers.ModelSerializer):
    report = IdRelatedField(queryset=InspectionReport.objects.all())
    report_title = serializers.CharField(source="report.title", read_only=True)
    owner = _user_field(required=False, allow_null=True)
    owner_name = RelatedText(source="owner.full_name")
    board = IdRelatedField(queryset=Board.objects.all(), required=False, allow_null=True)
    commitments = IdRelatedField(queryset=Commitment.objects.all(), many=True, required=False)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = InspectionRecommendation
        fields = [
            "id",
            "report",
            "report_title",
            "number",
            "kind",
            "text",
            "response",
            "owner",
            "owner_name",
            "due_date",
            "status",
            "board",
            "commitments",
            "evidence",
        ]
        read_only_fields = ["status"]
        validators: list = []

    def get_evidence(self, item: InspectionRecommendation) -> list[dict[str, Any]]:
        return [
            {"date": e.date, "kind": e.kind, "text": e.text, "author": e.author.full_name} for e in item.evidence.all()
        ]


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RECOMMENDATION_OWNER_TARGETS)


class NoDeleteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create, update — never delete."""


class InspectionReportViewSet(NoDeleteViewSet):
    """Inspection reports with the PCC's response and its 56-day deadline. The OPCC and administrators write."""

    serializer_class = InspectionReportSerializer
    permission_classes = [capability_permission(Cap.COMMITMENTS_VIEW, write=(Cap.INSPECTIONS_MANAGE,))]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return InspectionReport.objects.none()
        return selectors.report_list(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        report = InspectionReport(**serializer.validated_data)
        serializer.instance = services.inspection_report_save(report=report, actor=self.request.user)

    def perform_update(self, serializer: Any) -> None:
        report = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(report, name, value)
        serializer.instance = services.inspection_report_save(report=report, actor=self.request.user)


class InspectionRecommendationViewSet(NoDeleteViewSet):
    """Tracker items (filters: ``status``, ``kind``, ``owner``, ``report``). The OPCC and administrators
    create and edit them (never their status); the owner posts ``…/evidence/`` and ``…/status/``
    (up to implemented); the OPCC posts ``…/accept/`` or ``…/return/`` for an implemented item."""

    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter
    WRITE_CAPS = {
        "create": (Cap.INSPECTIONS_MANAGE,),
        "update": (Cap.INSPECTIONS_MANAGE,),
        "partial_update": (Cap.INSPECTIONS_MANAGE,),
        "accept": (Cap.INSPECTIONS_ACCEPT,),
        "return_evidence": (Cap.INSPECTIONS_ACCEPT,),
    }

    def get_permissions(self) -> list[Any]:
        write = self.WRITE_CAPS.get(self.action or "", ())
        return [capability_permission(Cap.COMMITMENTS_VIEW, write=write or None)()]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return InspectionRecommendation.objects.none()
        return selectors.recommendation_list(user=self.request.user).prefetch_related("evidence__author")

    def _respond(self, item: InspectionRecommendation, code: int = status.HTTP_200_OK) -> Response:
        return Response(RecommendationSerializer(self.get_queryset().get(pk=item.pk)).data, status=code)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        commitments = data.pop("commitments", None)
        serializer.instance = services.recommendation_save(
            recommendation=InspectionRecommendation(**data), commitments=commitments, actor=self.request.user
        )

    def perform_update(self, serializer: Any) -> None:
        item, data = serializer.instance, dict(serializer.validated_data)
        commitments = data.pop("commitments", None)
        for name, value in data.items():
            setattr(item, name, value)
        serializer.instance = services.recommendation_save(
            recommendation=item, commitments=commitments, actor=self.request.user
        )

    @extend_schema(request=EvidenceSerializer, responses={201: RecommendationSerializer})
    @action(detail=True, methods=["post"])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        """The owner adds a dated evidence update, optionally moving the item up (403 for anyone else)."""
        item = self.get_object()
        rules.require_recommendation_owner(request.user, item)
        data = _valid(EvidenceSerializer, request)
        services.recommendation_add_evidence(recommendation=item, actor=request.user, **data)
        return self._respond(item, status.HTTP_201_CREATED)

    @extend_schema(request=StatusSerializer, responses=RecommendationSerializer)
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        """The owner moves the item up: in progress, then implemented (which needs evidence)."""
        item = self.get_object()
        rules.require_recommendation_owner(request.user, item)
        data = _valid(StatusSerializer, request)
        return self._respond(services.recommendation_set_status(recommendation=item, actor=request.user, **data))

    @extend_schema(request=DecisionSerializer, responses=RecommendationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """The OPCC accepts the evidence of an implemented item."""
        item = self.get_object()
        rules.require_evidence_decider(request.user, item)
        data = _valid(DecisionSerializer, request)
        return self._respond(services.recommendation_accept(recommendation=item, actor=request.user, **data))

    @extend_schema(request=DecisionSerializer, responses=RecommendationSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_evidence(self, request: Request, pk: str | None = None) -> Response:
        """The OPCC returns the evidence of an implemented item to in progress (a comment is required)."""
        item = self.get_object()
        rules.require_evidence_decider(request.user, item)
        data = _valid(DecisionSerializer, request)
        return self._respond(services.recommendation_return(recommendation=item, actor=request.user, **data))
