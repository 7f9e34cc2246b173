"""Summary pages, included into the ``oversight`` namespace by ``page_urls.py``."""

from django.urls import path

from . import summary_views

urlpatterns = [
    path("summaries/", summary_views.summary_list, name="summary_list"),
    path("summaries/<int:pk>/", summary_views.summary_detail, name="summary_detail"),
    path("summaries/rebuild/", summary_views.summary_rebuild, name="summary_rebuild"),
    path("summaries/builds/<int:pk>/", summary_views.summary_build, name="summary_build"),
]
