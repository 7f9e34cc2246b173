"""API routes of the ``commitments`` app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, scrutiny_api

router = SimpleRouter()
router.register("commitments", api.CommitmentViewSet, basename="commitment")
router.register("progress-updates", api.ProgressUpdateViewSet, basename="progress-update")
router.register("rag-assessments", api.RagAssessmentViewSet, basename="rag-assessment")
router.register("boards", api.BoardViewSet, basename="board")
router.register("board-meetings", api.MeetingViewSet, basename="board-meeting")
router.register("scrutiny-queries", scrutiny_api.ScrutinyQueryViewSet, basename="scrutiny-query")
router.register("inspection-reports", scrutiny_api.InspectionReportViewSet, basename="inspection-report")
router.register(
    "inspection-recommendations", scrutiny_api.InspectionRecommendationViewSet, basename="inspection-recommendation"
)

urlpatterns = [
    path("reports/rag/", api.RagReportView.as_view(), name="rag-report"),
    *router.urls,
]
