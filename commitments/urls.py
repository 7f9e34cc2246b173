"""Pages of the ``commitments`` app."""

from django.urls import path

from . import indicator_views, scrutiny_views, views

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
    # scrutiny queries
    path("queries/", scrutiny_views.query_list, name="query_list"),
    path("queries/new/", scrutiny_views.query_create, name="query_create"),
    path("queries/<int:pk>/", scrutiny_views.query_detail, name="query_detail"),
    path("queries/<int:pk>/answer/", scrutiny_views.query_answer, name="query_answer"),
    path("queries/<int:pk>/close/", scrutiny_views.query_close, name="query_close"),
    path("queries/<int:pk>/reopen/", scrutiny_views.query_reopen, name="query_reopen"),
    # the inspection tracker
    path("recommendations/", scrutiny_views.recommendation_list, name="recommendation_list"),
    path("recommendations/new/", scrutiny_views.recommendation_edit, name="recommendation_create"),
    path("recommendations/<int:pk>/", scrutiny_views.recommendation_detail, name="recommendation_detail"),
    path("recommendations/<int:pk>/edit/", scrutiny_views.recommendation_edit, name="recommendation_edit"),
    path("recommendations/<int:pk>/evidence/", scrutiny_views.recommendation_evidence, name="recommendation_evidence"),
    path("recommendations/<int:pk>/decision/", scrutiny_views.recommendation_decision, name="recommendation_decision"),
    path("inspections/new/", scrutiny_views.inspection_report_edit, name="inspection_report_create"),
    path("inspections/<int:pk>/", scrutiny_views.inspection_report_detail, name="inspection_report_detail"),
    path("inspections/<int:pk>/edit/", scrutiny_views.inspection_report_edit, name="inspection_report_edit"),
]
