"""Admin for the system owner: plan structure, boards and recommendations are edited here.

RAG assessments, progress updates, scrutiny queries and tracker evidence are read-only, and a tracker
item's status too: they change only through the workflow (services and pages), so nobody can bypass the
review, self-approval and immutability rules from the admin.
"""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Board,
    BoardAction,
    BoardMeeting,
    Chapter,
    Commitment,
    CommitmentIndicator,
    InspectionRecommendation,
    InspectionReport,
    Plan,
    ProgressUpdate,
    PublishedEvidence,
    RagAssessment,
    RecommendationEvidence,
    ScrutinyQuery,
)


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "start_date", "end_date", "reporting_period"]


@admin.register(Chapter)
class ChapterAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "order"]
    list_filter = ["plan"]


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["action_ref", "order", "chapter", "lead", "board"]
    list_filter = ["plan", "chapter", "board"]
    search_fields = ["action_ref", "text"]
    list_select_related = ["chapter", "lead", "board"]


@admin.register(Board)
class BoardAdmin(SimpleHistoryAdmin):
    list_display = ["name", "chair", "chair_title", "cadence"]
    filter_horizontal = ["members"]


class BoardActionInline(admin.TabularInline):
    model = BoardAction
    extra = 0


@admin.register(BoardMeeting)
class BoardMeetingAdmin(SimpleHistoryAdmin):
    list_display = ["board", "date", "recorded_by"]
    list_filter = ["board"]
    filter_horizontal = ["attendees", "commitments_reviewed"]
    inlines = [BoardActionInline]


@admin.register(InspectionReport)
class InspectionReportAdmin(SimpleHistoryAdmin):
    list_display = ["title", "inspectorate", "published_on", "pcc_response_published_on"]


class EvidenceInline(admin.TabularInline):
    model = RecommendationEvidence
    extra = 0
    can_delete = False
    readonly_fields = ["date", "kind", "text", "author", "created_at"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(InspectionRecommendation)
class InspectionRecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["report", "number", "kind", "owner", "due_date", "status", "board"]
    list_filter = ["status", "kind"]
    list_select_related = ["report", "owner", "board"]
    readonly_fields = ["status"]
    filter_horizontal = ["commitments"]
    inlines = [EvidenceInline]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    list_display = ["commitment", "period", "proposed_rating", "author", "updated_at"]
    list_filter = ["period"]
    list_select_related = ["commitment", "period", "author"]


@admin.register(RagAssessment)
class RagAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["commitment", "period", "version", "status", "proposed_rating", "rating"]
    list_filter = ["period", "status"]
    list_select_related = ["commitment", "period"]


@admin.register(CommitmentIndicator)
class CommitmentIndicatorAdmin(SimpleHistoryAdmin):
    """Indicators are plan structure: the system owner may set them here as on their pages."""

    list_display = ["commitment", "name", "metric", "target", "direction", "order", "is_active"]
    list_filter = ["metric", "direction", "is_active"]
    search_fields = ["name", "commitment__action_ref"]
    list_select_related = ["commitment"]
    filter_horizontal = ["board_actions"]


@admin.register(PublishedEvidence)
class PublishedEvidenceAdmin(SimpleHistoryAdmin):
    """Read only: the figures stored with a published rating never change."""

    list_display = ["assessment", "recorded_at", "conflict_acknowledged"]
    list_select_related = ["assessment__commitment", "assessment__period"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ScrutinyQuery)
class ScrutinyQueryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "subject_type", "owner", "due_date", "status", "raised_by"]
    list_filter = ["status", "subject_type"]
    list_select_related = ["owner", "raised_by"]
