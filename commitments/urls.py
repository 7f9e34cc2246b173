"""Pages of the ``commitments`` app."""

from django.urls import path

from . import indicator_views, views

app_name = "commitments"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("<int:pk>/update/<str:period>/", views.update_edit, name="update_edit"),
    path("<int:pk>/indicators/new/", indicator_views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit/", indicator_views.indicator_edit, name="indicator_edit"),
    path("mine/", views.my_commitments, name="my_commitments"),
    path("assessments/<int:pk>/review/", views.assessment_review, name="assessment_review"),
    path("assessments/<int:pk>/publish/", views.assessment_publish, name="assessment_publish"),
    path("assessments/<int:pk>/correct/", views.assessment_correct, name="assessment_correct"),
    path("scrutiny/", views.scrutiny_queue, name="scrutiny_queue"),
    path("scrutiny/open-period/", views.open_period, name="open_period"),
    path("report/", views.report, name="report"),
    path("boards/", views.board_list, name="board_list"),
    path("boards/<int:pk>/", views.board_detail, name="board_detail"),
    path("boards/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("board-actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("recommendations/", views.recommendation_list, name="recommendation_list"),
]
