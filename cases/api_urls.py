"""API routes of the ``cases`` app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("investigations", api.InvestigationViewSet, basename="investigation")
router.register("cps-referrals", api.ReferralViewSet, basename="cpsreferral")
router.register("protective-orders", api.OrderViewSet, basename="protectiveorder")
router.register("order-breaches", api.BreachViewSet, basename="orderbreach")

urlpatterns = router.urls
