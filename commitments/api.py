"""API of the commitments app (DESIGN.md §4): the RAG report, and commitments, progress updates,
RAG assessments, boards and meetings. Thin views: reads via selectors, writes via services.
Nothing is deleted through the API (records are kept for oversight).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oversight.api_fields import RelatedText
from oversight.concurrency import VersionedViewSetMixin, VersionSerializerField, request_version, with_versions
from oversight.errors import ApplicationError
from oversight.models import User
from oversight.parsers import JSONParser
from oversight.roles import Cap, capability_permission, has_capability

from . import rules, selectors, services
from .choices import Rating
from .filters import CommitmentFilter, MeetingFilter, ProgressUpdateFilter, RagAssessmentFilter
from .models import Board, BoardMeeting, Chapter, Commitment, Plan, ProgressUpdate, RagAssessment

# --- the RAG report -------------------------------------------------------------------------


class RagReportView(APIView):
    """``GET /api/v1/reports/rag/?period=2025-26-Q2``: every commitment in plan order with its
    published rating for the quarter and the previous quarter, and its ``indicators`` (the figures
    stored with the published rating; live figures while unpublished). 400 for a malformed or
    unknown period.
    """

    permission_classes = [capability_permission(Cap.COMMITMENTS_VIEW)]

    @extend_schema(
        parameters=[OpenApiParameter("period", OpenApiTypes.STR, required=True, description="e.g. 2025-26-Q2")],
        responses=inline_serializer(
            "RagReport",
            {
                "period": serializers.CharField(),
                "definitions": serializers.DictField(child=serializers.CharField()),
                "rows": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        period = request.query_params.get("period", "")
        if not period:
            raise ApplicationError("Give a period, e.g. ?period=2025-26-Q2.", {"period": ["This field is required."]})
        return Response(selectors.rag_report(period_key=period))


# --- serializers ---------------------------------------------------------------------------


class CommitmentSerializer(serializers.ModelSerializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all())
    chapter = serializers.PrimaryKeyRelatedField(queryset=Chapter.objects.all())
    lead = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True, required=False)
    board = serializers.PrimaryKeyRelatedField(queryset=Board.objects.all(), allow_null=True, required=False)
    lead_name = RelatedText(source="lead.full_name")
    board_name = RelatedText(source="board.name")
    chapter_title = serializers.CharField(source="chapter.title", read_only=True)
    version = VersionSerializerField(checked_by_view=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "plan",
            "chapter",
            "chapter_title",
            "action_ref",
            "text",
            "order",
            "lead",
            "lead_name",
            "board",
            "board_name",
            "strands",
            "version",
        ]
        validators: list = []  # uniqueness is checked by full_clean in the service, with a clear message


class ProgressUpdateSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.key")
    commitment = serializers.PrimaryKeyRelatedField(queryset=Commitment.objects.select_related("board", "lead"))
    author = serializers.CharField(source="author.full_name", read_only=True)
    proposed_rating = serializers.ChoiceField(choices=Rating.choices)
    version = VersionSerializerField(checked_by_view=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "commitment",
            "period",
            "narrative",
            "proposed_rating",
            "author",
            "submitted_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["submitted_at", "updated_at"]
        validators: list = []


class RagAssessmentSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.key", read_only=True)
    action_ref = serializers.CharField(source="commitment.action_ref", read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.full_name", read_only=True)
    reviewed_by = RelatedText(source="reviewed_by.full_name")
    published_by = RelatedText(source="published_by.full_name")
    rating = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = RagAssessment
        fields = [
            "id",
            "commitment",
            "action_ref",
            "period",
            "version",
            "status",
            "proposed_rating",
            "proposed_by",
            "proposed_at",
            "review_comment",
            "reviewed_by",
            "reviewed_at",
            "rating",
            "rationale",
            "published_by",
            "published_at",
            "corrects",
            "correction_reason",
        ]
        read_only_fields = fields

    def to_representation(self, instance: RagAssessment) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["rating"] = data["rating"] or None
        return data


class ProposeSerializer(serializers.Serializer):
    commitment = serializers.PrimaryKeyRelatedField(queryset=Commitment.objects.select_related("board", "lead"))
    period = serializers.CharField()
    proposed_rating = serializers.ChoiceField(choices=Rating.choices)
    narrative = serializers.CharField(help_text="The quarter's progress narrative (the proposal comes with it).")


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["endorse", "challenge"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class PublishSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    rationale = serializers.CharField(allow_blank=True)
    acknowledge_conflict = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Needed (true) when the evidence conflicts with a GREEN rating; explain in the rationale.",
    )


class CorrectSerializer(PublishSerializer):
    reason = serializers.CharField(allow_blank=True)


class BoardSerializer(serializers.ModelSerializer):
    chair = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True, required=False)
    chair_name = RelatedText(source="chair.full_name")
    members = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    version = VersionSerializerField(checked_by_view=True)

    class Meta:
        model = Board
        fields = [
            "id",
            "name",
            "chair",
            "chair_name",
            "chair_title",
            "members",
            "remit",
            "cadence",
            "description",
            "version",
        ]
        validators: list = []


class MeetingSerializer(serializers.ModelSerializer):
    board = serializers.PrimaryKeyRelatedField(queryset=Board.objects.all())
    attendees = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    commitments_reviewed = serializers.PrimaryKeyRelatedField(
        queryset=Commitment.objects.all(), many=True, required=False
    )
    recorded_by = serializers.CharField(source="recorded_by.full_name", read_only=True)
    actions = serializers.SerializerMethodField()
    version = VersionSerializerField(checked_by_view=True)

    class Meta:
        model = BoardMeeting
        fields = [
            "id",
            "board",
            "date",
            "attendees",
            "other_attendees",
            "commitments_reviewed",
            "minutes",
            "decisions",
            "recorded_by",
            "actions",
            "version",
        ]
        validators: list = []

    def get_actions(self, meeting: BoardMeeting) -> list[dict[str, Any]]:
        return [
            {"id": a.id, "description": a.description, "owner": a.owner_id, "due_date": a.due_date, "status": a.status}
            for a in meeting.actions.all()
        ]


# --- viewsets -----------------------------------------------------------------------------


class NoDeleteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create, update — never delete."""


class CommitmentViewSet(VersionedViewSetMixin, NoDeleteViewSet):
    """Commitments in plan order (filters: ``chapter``, ``board``, ``lead``). The system owner edits them."""

    version_noun = "commitment"
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter
    permission_classes = [capability_permission(Cap.COMMITMENTS_VIEW, write=(Cap.ADMIN_SITE,))]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Commitment.objects.none()
        return with_versions(selectors.commitment_list(user=self.request.user))

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.commitment_save(
            commitment=Commitment(**serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer: Any) -> None:
        commitment = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(commitment, name, value)
        serializer.instance = services.commitment_save(commitment=commitment, actor=self.request.user)


class ProgressUpdateViewSet(VersionedViewSetMixin, NoDeleteViewSet):
    """Progress updates (filters: ``period``, ``commitment``). A lead writes them for their own commitments."""

    service_checks_version = True
    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilter
    permission_classes = [
        capability_permission(Cap.COMMITMENTS_VIEW, write=(Cap.PROGRESS_WRITE_OWN, Cap.RAG_PROPOSE_OWN))
    ]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ProgressUpdate.objects.none()
        return with_versions(selectors.progress_update_list(user=self.request.user))

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.progress_update_submit(
            commitment=data["commitment"],
            period_key=data["period"]["key"],
            narrative=data["narrative"],
            proposed_rating=data["proposed_rating"],
            actor=self.request.user,
        )

    def perform_update(self, serializer: Any) -> None:
        update, data = serializer.instance, serializer.validated_data
        if (
            data.get("commitment", update.commitment) != update.commitment
            or data.get("period", {}).get("key", update.period.key) != update.period.key
        ):
            raise ApplicationError("The commitment and period of an update cannot change.")
        serializer.instance = services.progress_update_submit(
            commitment=update.commitment,
            period_key=update.period.key,
            narrative=data.get("narrative", update.narrative),
            proposed_rating=data.get("proposed_rating", update.proposed_rating),
            actor=self.request.user,
            expected_version=request_version(self.request),
        )


class RagAssessmentViewSet(NoDeleteViewSet):
    """RAG assessments, every version (filters: ``period``, ``commitment``, ``status``, ``current=true``).

    ``POST`` proposes (the lead, with the narrative); ``POST …/review/`` endorses or challenges (the
    chair of the overseeing board); ``POST …/publish/`` and ``…/correct/`` are the OPCC's. A published
    rating cannot be edited: ``PUT``/``PATCH`` answer 400 and point to ``…/correct/``.
    """

    serializer_class = RagAssessmentSerializer
    filterset_class = RagAssessmentFilter
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    WRITE_CAPS = {
        "create": (Cap.RAG_PROPOSE_OWN, Cap.PROGRESS_WRITE_OWN),
        "update": (Cap.RAG_PROPOSE_OWN,),
        "partial_update": (Cap.RAG_PROPOSE_OWN,),
        "review": (Cap.RAG_REVIEW_OWN_BOARD,),
        "publish": (Cap.RAG_PUBLISH,),
        "correct": (Cap.RAG_PUBLISH,),
    }

    def get_permissions(self) -> list[Any]:
        write = self.WRITE_CAPS.get(self.action or "", ())
        return [capability_permission(Cap.COMMITMENTS_VIEW, write=write or None)()]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return RagAssessment.objects.none()
        return selectors.assessment_list(user=self.request.user)

    def _respond(self, assessment: RagAssessment, code: int = status.HTTP_200_OK) -> Response:
        assessment = selectors.assessment_queryset().get(pk=assessment.pk)
        return Response(RagAssessmentSerializer(assessment).data, status=code)

    @extend_schema(request=ProposeSerializer, responses=RagAssessmentSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._valid(ProposeSerializer, request)
        services.progress_update_submit(
            commitment=data["commitment"],
            period_key=data["period"],
            narrative=data["narrative"],
            proposed_rating=data["proposed_rating"],
            actor=request.user,
        )
        assessment = (
            RagAssessment.objects.filter(commitment=data["commitment"], period__key=data["period"])
            .order_by("-version")
            .first()
        )
        assert assessment is not None  # progress_update_submit has just proposed it
        return self._respond(assessment, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RagAssessmentSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assessment = self.get_object()
        if assessment.is_published:
            raise ApplicationError(
                "A published rating cannot be changed: POST a correction with a reason to …/correct/.",
                {"rating": ["Published ratings are immutable."]},
            )
        raise ApplicationError(
            "Change a proposal by updating the progress update; the board and the OPCC use …/review/ and …/publish/."
        )

    def _valid(self, serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=ReviewSerializer, responses=RagAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        data = self._valid(ReviewSerializer, request)
        return self._respond(services.rag_review(assessment=assessment, actor=request.user, **data))

    @extend_schema(request=PublishSerializer, responses=RagAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        data = self._valid(PublishSerializer, request)
        return self._respond(services.rag_publish(assessment=assessment, actor=request.user, **data))

    @extend_schema(request=CorrectSerializer, responses=RagAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        data = self._valid(CorrectSerializer, request)
        correction = services.rag_correct(assessment=assessment, actor=request.user, **data)
        return self._respond(correction, status.HTTP_201_CREATED)


class BoardWritePermission(capability_permission(Cap.BOARDS_VIEW)):  # type: ignore[misc]  # a class made at import
    """Everyone reads; the system owner creates boards; the system owner or the board's chair edits."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        if view.action == "create":
            return has_capability(request.user, Cap.ADMIN_SITE)
        return has_capability(request.user, Cap.ADMIN_SITE) or has_capability(request.user, Cap.BOARDS_MANAGE_OWN)


class BoardViewSet(VersionedViewSetMixin, NoDeleteViewSet):
    """Boards. The chair may change cadence, remit, description and members of their own board."""

    version_noun = "board"
    serializer_class = BoardSerializer
    permission_classes = [BoardWritePermission]
    CHAIR_FIELDS = {"cadence", "description", "remit", "members"}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Board.objects.none()
        return with_versions(selectors.board_list(user=self.request.user).prefetch_related("members"))

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        members = data.pop("members", None)
        serializer.instance = services.board_save(board=Board(**data), members=members, actor=self.request.user)

    def perform_update(self, serializer: Any) -> None:
        board, data = serializer.instance, dict(serializer.validated_data)
        if has_capability(self.request.user, Cap.ADMIN_SITE):
            members = data.pop("members", None)
            for name, value in data.items():
                setattr(board, name, value)
            serializer.instance = services.board_save(board=board, members=members, actor=self.request.user)
            return
        forbidden = set(data) - self.CHAIR_FIELDS
        if forbidden:
            rules.require_board_manager(self.request.user, board)
            raise PermissionDenied(f"A chair cannot change: {', '.join(sorted(forbidden))}.")
        serializer.instance = services.board_update(board=board, actor=self.request.user, **data)


class MeetingViewSet(VersionedViewSetMixin, NoDeleteViewSet):
    """Board meetings (filter: ``board``). The chair records and corrects their own board's meetings."""

    version_noun = "board meeting"
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    permission_classes = [capability_permission(Cap.BOARDS_VIEW, write=(Cap.BOARDS_MANAGE_OWN,))]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return BoardMeeting.objects.none()
        return with_versions(selectors.meeting_list(user=self.request.user))

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.meeting_record(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        if "board" in data and data.pop("board") != serializer.instance.board:
            raise ApplicationError("A meeting cannot move to another board.")
        serializer.instance = services.meeting_update(meeting=serializer.instance, actor=self.request.user, **data)
