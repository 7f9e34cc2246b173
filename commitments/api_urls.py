"""API routes of the ``commitments`` app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("commitments", api.CommitmentViewSet, basename="commitment")
router.register("progress-updates", api.ProgressUpdateViewSet, basename="progress-update")
router.register("rag-assessments", api.RagAssessmentViewSet, basename="rag-assessment")
router.register("boards", api.BoardViewSet, basename="board")
router.register("board-meetings", api.MeetingViewSet, basename="board-meeting")

urlpatterns = [
    path("reports/rag/", api.RagReportView.as_view(), name="rag-report"),
    *router.urls,
]
