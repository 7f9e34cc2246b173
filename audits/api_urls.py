"""API routes of the ``audits`` app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("audits", api.AuditViewSet, basename="audit")
router.register("case-reviews", api.CaseReviewViewSet, basename="casereview")
router.register("learning-points", api.LearningPointViewSet, basename="learningpoint")
router.register("actions", api.ActionViewSet, basename="action")

urlpatterns = [
    path("audit-overview/", api.AuditOverviewView.as_view(), name="audit-overview"),
    *router.urls,
]
