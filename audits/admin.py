"""Admin for the audits app: reference and repair only; the audit journey has its own pages and rules."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from oversight.admin import AccessLoggedAdmin
from oversight.models import AccessKind

from .models import (
    Action,
    ActionNote,
    Answer,
    Audit,
    AuditPlan,
    AuditSubject,
    CaseReview,
    LearningPoint,
    PlannedAudit,
    Question,
    QuestionSet,
    SamplingFrame,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(QuestionSet)
class QuestionSetAdmin(SimpleHistoryAdmin):
    list_display = ["title", "code", "version", "area", "published_at"]
    list_filter = ["area"]
    inlines = [QuestionInline]

    def get_readonly_fields(self, request, obj=None):
        # A published version is frozen.
        if obj is not None and obj.is_published:
            return [f.name for f in self.model._meta.fields]
        return ["published_at", "published_by"]


@admin.register(Audit)
class AuditAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "area", "month", "lead_auditor", "status", "assurance_level"]
    list_filter = ["kind", "area", "status"]
    list_select_related = ["lead_auditor"]
    readonly_fields = [
        "status",
        "assurance_level",
        "submitted_at",
        "submitted_by",
        "signed_off_at",
        "signed_off_by",
        "sample_seed",
        "sample_window_start",
        "sample_window_end",
    ]


@admin.register(CaseReview)
class CaseReviewAdmin(AccessLoggedAdmin):
    access_kinds = (AccessKind.CASE_REVIEW_LIST, AccessKind.CASE_REVIEW)
    list_display = ["__str__", "investigation", "method", "reviewed_at"]
    list_select_related = ["audit", "investigation"]
    raw_id_fields = ["audit", "investigation"]

    def access_subject(self, obj: CaseReview) -> tuple[int | None, str]:
        return obj.pk, obj.reference


@admin.register(Answer)
class AnswerAdmin(AccessLoggedAdmin):
    """A grade and the auditor's comment on one case: logged as a read of its case review."""

    access_kinds = (AccessKind.CASE_REVIEW_LIST, AccessKind.CASE_REVIEW)
    list_display = ["review", "question", "value"]
    list_filter = ["value"]
    raw_id_fields = ["review", "question"]

    def access_subject(self, obj: Answer) -> tuple[int | None, str]:
        return obj.review_id, obj.review.reference


@admin.register(LearningPoint)
class LearningPointAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "audit", "kind", "theme"]
    list_filter = ["kind", "theme"]
    raw_id_fields = ["audit", "review"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner", "due_date", "status"]
    list_filter = ["status"]
    raw_id_fields = ["audit", "learning_point"]
    readonly_fields = ["verified_at", "verified_by", "completed_at"]


admin.site.register(ActionNote, SimpleHistoryAdmin)


@admin.register(SamplingFrame)
class SamplingFrameAdmin(SimpleHistoryAdmin):
    """What each area samples (investigation filters or pseudonymous subjects)."""

    list_display = ["area", "subject_kind"]


@admin.register(AuditSubject)
class AuditSubjectAdmin(AccessLoggedAdmin):
    """Managed offenders and missing episodes, by pseudonymous reference only."""

    access_kinds = (AccessKind.AUDIT_SUBJECTS, AccessKind.AUDIT_SUBJECTS)

    list_display = ["reference", "kind", "visor_category", "risk_level", "start_date", "lpa", "team"]
    list_filter = ["kind", "visor_category", "risk_level"]
    search_fields = ["reference"]

    def access_subject(self, obj: AuditSubject) -> tuple[int | None, str]:
        return obj.pk, obj.reference


class PlannedAuditInline(admin.TabularInline):
    model = PlannedAudit
    extra = 0
    readonly_fields = ["audit"]


@admin.register(AuditPlan)
class AuditPlanAdmin(SimpleHistoryAdmin):
    list_display = ["financial_year", "created_by", "created_at"]
    inlines = [PlannedAuditInline]
