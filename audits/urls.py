"""Pages of the ``audits`` app."""

from django.urls import path

from . import views

app_name = "audits"
urlpatterns = [
    path("", views.audit_list, name="audit_list"),
    path("new/", views.audit_create, name="audit_create"),
    path("overview/", views.overview, name="overview"),
    path("trends/", views.trends, name="trends"),
    path("trends/questions/<slug:key>/", views.trend_question, name="trend_question"),
    path("plan/", views.plan_current, name="plan_current"),
    path("plan/<str:year>/", views.plan, name="plan"),
    path("plan/<str:year>/items/new/", views.plan_item_create, name="plan_item_create"),
    path("plan/<str:year>/fill/", views.plan_fill, name="plan_fill"),
    path("plan/items/<int:pk>/remove/", views.plan_item_remove, name="plan_item_remove"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/mine/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("question-sets/", views.question_set_list, name="question_set_list"),
    path("question-sets/new/", views.question_set_create, name="question_set_create"),
    path("question-sets/<int:pk>/", views.question_set_detail, name="question_set_detail"),
    path("question-sets/<int:pk>/edit/", views.question_set_edit, name="question_set_edit"),
    path("question-sets/<int:pk>/preview/", views.question_set_preview, name="question_set_preview"),
    path("question-sets/<int:pk>/copy/", views.question_set_copy, name="question_set_copy"),
    path("question-sets/<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("question-sets/questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("question-sets/questions/<int:pk>/move/", views.question_move, name="question_move"),
    path("question-sets/questions/<int:pk>/retire/", views.question_retire, name="question_retire"),
    path("question-sets/<int:pk>/new-version/", views.question_set_new_version, name="question_set_new_version"),
    path("question-sets/<int:pk>/publish/", views.question_set_publish, name="question_set_publish"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/remove/", views.review_remove, name="review_remove"),
    path("<int:pk>/", views.audit_detail, name="audit_detail"),
    path("<int:pk>/edit/", views.audit_edit, name="audit_edit"),
    path("<int:pk>/sample/", views.audit_sample, name="audit_sample"),
    path("<int:pk>/assurance/", views.audit_assurance, name="audit_assurance"),
    path("<int:pk>/learning/new/", views.learning_create, name="learning_create"),
    path("<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("<int:pk>/submit/", views.audit_submit, name="audit_submit"),
    path("<int:pk>/reopen/", views.audit_reopen, name="audit_reopen"),
    path("<int:pk>/sign-off/", views.audit_sign_off, name="audit_sign_off"),
    path("<int:pk>/return/", views.audit_return, name="audit_return"),
    path("<int:pk>/reaudit/", views.audit_reaudit, name="audit_reaudit"),
    path("<int:pk>/report/", views.audit_report, name="audit_report"),
]
