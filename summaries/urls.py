"""Summary pages: the archive, one summary, "rebuild now" and a build's progress."""

from django.urls import path

from . import views

app_name = "summaries"

urlpatterns = [
    path("", views.summary_list, name="summary_list"),
    path("<int:pk>/", views.summary_detail, name="summary_detail"),
    path("rebuild/", views.summary_rebuild, name="summary_rebuild"),
    path("builds/<int:pk>/", views.summary_build, name="summary_build"),
]
