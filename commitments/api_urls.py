"""API routes of the ``commitments`` app, mounted under /api/v1/."""

urlpatterns: list = []
