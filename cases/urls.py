"""Pages of the ``cases`` app."""

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.investigation_list, name="investigation_list"),
    path("new/", views.investigation_create, name="investigation_create"),
    path("exports/<uuid:token>/", views.export_job, name="export_job"),
    path("exports/<uuid:token>/download/", views.export_job_download, name="export_job_download"),
    path("import/", views.investigation_import, name="investigation_import"),
    path("repeat-people/", views.repeat_people, name="repeat_people"),
    path("bail-expiring/", views.bail_expiring, name="bail_expiring"),
    path("quality/", views.data_quality, name="data_quality"),
    path("quality/<slug:key>/", views.data_quality_rule, name="data_quality_rule"),
    path("import/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("import/orders/", views.orders_import, name="orders_import"),
    path("import/profiles/", views.import_profile_list, name="import_profile_list"),
    path("import/profiles/new/", views.import_profile_edit, name="import_profile_create"),
    path("import/profiles/<int:pk>/", views.import_profile_edit, name="import_profile_edit"),
    path("<int:pk>/", views.investigation_detail, name="investigation_detail"),
    path("<int:pk>/edit/", views.investigation_edit, name="investigation_edit"),
    path("<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path("<int:pk>/orders/new/", views.order_create, name="order_create"),
    path("referrals/<int:pk>/edit/", views.referral_edit, name="referral_edit"),
    path("orders/<int:pk>/edit/", views.order_edit, name="order_edit"),
    path("orders/<int:pk>/breaches/new/", views.breach_create, name="breach_create"),
]
