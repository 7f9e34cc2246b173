"""API of the audits app: thin serializers and views over the same selectors and services as the pages.

Crime references appear only for users who may see them (``can_see_case_references``);
the overview endpoint returns aggregates only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oversight.accesslog import record_access
from oversight.concurrency import VERSION_HELP, request_version, versioned
from oversight.errors import ApplicationError
from oversight.models import AccessKind, User
from oversight.periods import parse_month
from oversight.roles import Cap, can_see_case_references, capability_permission, require_capability

from . import rules, selectors, services
from .choices import (
    ActionStatus,
    AnswerValue,
    AssuranceLevel,
    AuditArea,
    AuditKind,
    FindingSeverity,
    LearningKind,
    LearningTheme,
    Stratum,
)
from .filters import ActionFilter, AuditFilter, AuditIdFilter
from .models import Action, Audit, CaseReview, LearningPoint, QuestionSet

# --- Serializers -------------------------------------------------------------------------------------


class ReturnInput(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class AuditOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    kind = serializers.CharField()
    area = serializers.CharField()
    theme = serializers.CharField()
    month = serializers.SerializerMethodField()
    question_set = serializers.IntegerField(source="question_set_id")
    question_set_version = serializers.IntegerField(source="question_set.version")
    lead_auditor = serializers.CharField(source="lead_auditor.__str__")
    status = serializers.CharField()
    planned_sample_size = serializers.IntegerField()
    sample_seed = serializers.IntegerField(allow_null=True)
    sample_window_start = serializers.DateField(allow_null=True)
    sample_window_end = serializers.DateField(allow_null=True)
    assurance_override = serializers.CharField()
    assurance_override_reason = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    signed_off_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    return_reason = serializers.CharField()
    compliance = serializers.SerializerMethodField()

    def get_month(self, audit: Audit) -> str:
        return audit.month.strftime("%Y-%m")

    def get_compliance(self, audit: Audit) -> dict[str, Any]:
        if hasattr(audit, "n_compliant"):
            row = selectors.audit_rows([audit])[0]
            counts = {k: row[k] for k in (*selectors.ANSWER_KEYS, "compliance_rate")}
            counts["cases"] = row["reviews"]
        else:
            counts = selectors.audit_compliance(audit_id=audit.pk)
            counts.pop("assessed", None)
        counts["suggested_assurance"] = selectors.suggested_assurance(counts["compliance_rate"])
        counts["assurance"] = selectors.effective_assurance(audit, counts["compliance_rate"])
        return counts


class AuditPlanInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AuditKind.choices)
    area = serializers.ChoiceField(choices=AuditArea.choices, required=False, allow_blank=True, default="")
    theme = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    month = serializers.CharField(help_text="YYYY-MM")
    question_set = serializers.PrimaryKeyRelatedField(queryset=QuestionSet.objects.all())
    planned_sample_size = serializers.IntegerField(min_value=1, max_value=200, default=10)

    def validate_month(self, value: str) -> date:
        return parse_month(value).start


class SampleInput(serializers.Serializer):
    size = serializers.IntegerField(min_value=1, max_value=200)
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    seed = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    stratify_by = serializers.ChoiceField(choices=Stratum.choices, required=False, allow_blank=True, default="")


class PickInput(serializers.Serializer):
    crime_references = serializers.ListField(child=serializers.CharField(max_length=40), min_length=1)


class AssuranceInput(serializers.Serializer):
    assurance_override = serializers.ChoiceField(choices=[("", "none"), *AssuranceLevel.choices], allow_blank=True)
    assurance_override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class AnswerOutput(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    value = serializers.CharField()
    comment = serializers.CharField()


class ReviewOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    audit = serializers.IntegerField(source="audit_id")
    position = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    method = serializers.CharField()
    crime_reference = serializers.SerializerMethodField()
    strand = serializers.CharField(source="investigation.strand", default="")
    subject_kind = serializers.CharField(source="subject.kind", default="")
    reviewed_at = serializers.DateTimeField(allow_null=True)
    answers = AnswerOutput(many=True)
    version = serializers.SerializerMethodField(help_text=VERSION_HELP)

    def get_version(self, review: CaseReview) -> str:
        return selectors.review_version(review)

    def get_crime_reference(self, review: CaseReview) -> str | None:
        return review.reference if self.context["show_refs"] else None


class AnswerInput(serializers.Serializer):
    question = serializers.IntegerField()
    value = serializers.ChoiceField(choices=AnswerValue.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AnswersInput(serializers.Serializer):
    answers = AnswerInput(many=True, allow_empty=False)
    version = serializers.CharField(required=False, max_length=100, help_text=VERSION_HELP)


class LearningOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    audit = serializers.IntegerField(source="audit_id")
    review = serializers.IntegerField(source="review_id", allow_null=True)
    kind = serializers.CharField()
    theme = serializers.CharField()
    severity = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class LearningInput(serializers.Serializer):
    audit = serializers.PrimaryKeyRelatedField(queryset=Audit.objects.all())
    review = serializers.PrimaryKeyRelatedField(queryset=CaseReview.objects.all(), required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=LearningKind.choices)
    theme = serializers.ChoiceField(choices=LearningTheme.choices)
    severity = serializers.ChoiceField(
        choices=FindingSeverity.choices, required=False, default="", help_text="Required for an area for improvement."
    )
    text = serializers.CharField(max_length=4000)


class ActionOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    audit = serializers.IntegerField(source="audit_id")
    audit_title = serializers.CharField(source="audit.title")
    learning_point = serializers.IntegerField(source="learning_point_id", allow_null=True)
    title = serializers.CharField()
    description = serializers.CharField()
    owner = serializers.IntegerField(source="owner_id")
    owner_name = serializers.CharField(source="owner.__str__")
    due_date = serializers.DateField()
    status = serializers.CharField()
    is_overdue = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    verified_by = serializers.IntegerField(source="verified_by_id", allow_null=True)


class ActionInput(serializers.Serializer):
    audit = serializers.PrimaryKeyRelatedField(queryset=Audit.objects.all())
    learning_point = serializers.PrimaryKeyRelatedField(
        queryset=LearningPoint.objects.all(), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    due_date = serializers.DateField()


class ProgressInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False, allow_null=True, default=None)


class VerifyInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Views -------------------------------------------------------------------------------------------

AuditPermission = capability_permission(Cap.AUDITS_VIEW, write=(Cap.AUDITS_MANAGE,))


class AuditViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Audits with their compliance. Audit leads plan, sample, submit and sign off their own."""

    permission_classes = [AuditPermission]
    serializer_class = AuditOutput
    filterset_class = AuditFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Audit.objects.none()
        return selectors.audit_list(user=self.request.user)

    def _audit(self) -> Audit:
        return get_object_or_404(Audit, pk=self.kwargs["pk"])

    def _out(self, audit: Audit, code: int = status.HTTP_200_OK) -> Response:
        audit = selectors.audit_list(user=self.request.user).get(pk=audit.pk)
        return Response(AuditOutput(audit).data, status=code)

    @extend_schema(request=AuditPlanInput, responses=AuditOutput)
    def create(self, request: Request) -> Response:
        data = _valid(AuditPlanInput, request)
        audit = services.audit_plan(actor=request.user, **data)
        return self._out(audit, status.HTTP_201_CREATED)

    @extend_schema(request=SampleInput, responses=AuditOutput)
    @action(detail=True, methods=["post"])
    def sample(self, request: Request, pk: int) -> Response:
        data = _valid(SampleInput, request)
        audit = self._audit()
        services.audit_draw_sample(audit=audit, actor=request.user, **data)
        return self._out(audit)

    @extend_schema(request=PickInput, responses=AuditOutput)
    @action(detail=True, methods=["post"], url_path="add-cases")
    def add_cases(self, request: Request, pk: int) -> Response:
        data = _valid(PickInput, request)
        audit = self._audit()
        services.audit_add_cases(audit=audit, actor=request.user, crime_references=data["crime_references"])
        return self._out(audit)

    @extend_schema(request=AssuranceInput, responses=AuditOutput)
    @action(detail=True, methods=["post"])
    def assurance(self, request: Request, pk: int) -> Response:
        data = _valid(AssuranceInput, request)
        audit = services.audit_set_assurance(
            audit=self._audit(),
            actor=request.user,
            override=data["assurance_override"],
            reason=data["assurance_override_reason"],
        )
        return self._out(audit)

    @extend_schema(request=None, responses=AuditOutput)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: int) -> Response:
        return self._out(services.audit_submit(audit=self._audit(), actor=request.user))

    @extend_schema(request=None, responses=AuditOutput)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: int) -> Response:
        return self._out(services.audit_sign_off(audit=self._audit(), actor=request.user))

    @extend_schema(request=ReturnInput, responses=AuditOutput)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_rework(self, request: Request, pk: int) -> Response:
        """An independent audit lead returns a submitted audit for rework with a reason."""
        data = _valid(ReturnInput, request)
        return self._out(services.audit_return_for_rework(audit=self._audit(), actor=request.user, **data))


class CaseReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sampled cases with their answers (``?audit=<id>``). Crime references only for roles that see them."""

    permission_classes = [AuditPermission]
    serializer_class = ReviewOutput
    filterset_class = AuditIdFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return CaseReview.objects.none()
        if not rules.can_view_audits(self.request.user):
            raise PermissionDenied("Your role sees the audit overview only.")
        return selectors.with_review_versions(
            CaseReview.objects.select_related("investigation", "subject")
            .prefetch_related("answers")
            .order_by("audit_id", "position")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "show_refs": can_see_case_references(self.request.user)}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        record_access(request, AccessKind.CASE_REVIEW_LIST)
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        review = self.get_object()
        record_access(request, AccessKind.CASE_REVIEW, object_id=review.pk, reference=review.reference)
        return Response(self.get_serializer(review).data)

    @extend_schema(request=AnswersInput, responses=ReviewOutput)
    @action(detail=True, methods=["post"])
    def answers(self, request: Request, pk: int) -> Response:
        data = _valid(AnswersInput, request)
        review = get_object_or_404(CaseReview, pk=pk)
        expected = data.get("version") or request_version(request)
        with versioned(review, expected, noun="case review", also=selectors.review_answer_histories(review)):
            services.review_record_answers(
                review=review,
                actor=request.user,
                answers={a["question"]: (a["value"], a["comment"]) for a in data["answers"]},
            )
        review = self.get_queryset().get(pk=review.pk)
        return Response(ReviewOutput(review, context=self.get_serializer_context()).data)


class LearningPointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Learning points (``?audit=<id>``); the lead auditor records them."""

    permission_classes = [AuditPermission]
    serializer_class = LearningOutput
    filterset_class = AuditIdFilter

    def get_queryset(self) -> Any:
        return LearningPoint.objects.order_by("audit_id", "pk")

    @extend_schema(request=LearningInput, responses=LearningOutput)
    def create(self, request: Request) -> Response:
        data = _valid(LearningInput, request)
        point = services.learning_point_create(actor=request.user, **data)
        return Response(LearningOutput(point).data, status=status.HTTP_201_CREATED)


class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Actions: every one for roles that see audits, otherwise the user's own. Owners record progress."""

    permission_classes = [IsAuthenticated]
    serializer_class = ActionOutput
    filterset_class = ActionFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Action.objects.none()
        return selectors.action_list(user=self.request.user, today=timezone.localdate())

    def _out(self, action_obj: Action, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.action_detail(user=self.request.user, pk=action_obj.pk, today=timezone.localdate())
        return Response(ActionOutput(fresh).data, status=code)

    @extend_schema(request=ActionInput, responses=ActionOutput)
    def create(self, request: Request) -> Response:
        data = _valid(ActionInput, request)
        created = services.action_raise(actor=request.user, **data)
        return self._out(created, status.HTTP_201_CREATED)

    @extend_schema(request=ProgressInput, responses=ActionOutput)
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: int) -> Response:
        data = _valid(ProgressInput, request)
        target = self.get_object()
        services.action_update_progress(action=target, actor=request.user, note=data["note"], status=data["status"])
        return self._out(target)

    @extend_schema(request=VerifyInput, responses=ActionOutput)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: int) -> Response:
        require_capability(request.user, Cap.ACTIONS_VERIFY)
        data = _valid(VerifyInput, request)
        target = self.get_object()
        services.action_verify(action=target, actor=request.user, note=data["note"])
        return self._out(target)


class AuditOverviewView(APIView):
    """Aggregate compliance by area and month, assurance, learning themes and action counts. No case data.

    ``?from=YYYY-MM&to=YYYY-MM`` (both required).
    """

    permission_classes = [capability_permission(Cap.AUDIT_SUMMARIES_VIEW)]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.STR, required=True, description="First month, YYYY-MM (e.g. 2025-04)."
            ),
            OpenApiParameter("to", OpenApiTypes.STR, required=True, description="Last month, YYYY-MM (e.g. 2025-11)."),
        ],
        responses=dict,
    )
    def get(self, request: Request) -> Response:
        start = parse_month(request.query_params.get("from", "")).start
        end = parse_month(request.query_params.get("to", ""))
        if start > end.start:
            raise ApplicationError("'from' must not be after 'to'.", {"from": ["After 'to'."]})
        today = timezone.localdate()
        return Response(
            {
                "from": start.strftime("%Y-%m"),
                "to": end.key,
                "areas": selectors.compliance_by_area(month_start=start, month_end=end.end),
                "trend": selectors.compliance_trend(month_start=start, month_end=end.end),
                "assurance": selectors.assurance_counts(month_start=start, month_end=end.end),
                "learning_themes": selectors.learning_theme_counts(month_start=start, month_end=end.end),
                "actions": selectors.action_counts(start=start, end=end.end, today=today),
            }
        )
