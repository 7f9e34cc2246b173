from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import account_views, manage_views, views
from .account_forms import PasswordResetForm, SetPasswordForm
from .forms import LoginForm

api_v1 = [
    path("", include("cases.api_urls")),
    path("", include("audits.api_urls")),
    path("", include("commitments.api_urls")),
    path("", include("performance.api_urls")),
]

urlpatterns = [
    path("", views.home_page, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "login/",
        login_not_required(
            auth_views.LoginView.as_view(
                template_name="registration/login.html",
                authentication_form=LoginForm,
                redirect_authenticated_user=True,
            )
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Multi-factor authentication and the user's own account
    path("login/code/", account_views.mfa_verify, name="mfa_verify"),
    path("account/", account_views.account, name="account"),
    path("account/mfa/set-up/", account_views.mfa_setup, name="mfa_setup"),
    path("account/mfa/recovery-codes/", account_views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("account/mfa/new-recovery-codes/", account_views.account_recovery_codes, name="account_recovery_codes"),
    path("account/api-token/", account_views.account_api_token, name="account_api_token"),
    # Password reset by email; an invitation's link is a set-password link of the same kind
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="registration/password_reset_form.html",
            form_class=PasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm.html", form_class=SetPasswordForm
        ),
        name="password_reset_confirm",
    ),
    path(
        "set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    # Administrators: access log and users
    path("manage/access-log/", manage_views.access_log, name="access_log"),
    path("manage/users/", manage_views.user_list, name="user_list"),
    path("manage/users/invite/", manage_views.user_invite, name="user_invite"),
    path("manage/users/<int:pk>/", manage_views.user_detail, name="user_detail"),
    path("manage/users/<int:pk>/deactivate/", manage_views.user_deactivate, name="user_deactivate"),
    path("manage/users/<int:pk>/reactivate/", manage_views.user_reactivate, name="user_reactivate"),
    path("manage/users/<int:pk>/reset-mfa/", manage_views.user_mfa_reset, name="user_mfa_reset"),
    path("manage/users/<int:pk>/invite-again/", manage_views.user_resend_invite, name="user_resend_invite"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI sets inline styles: allow them on this one page only.
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("favicon.ico", views.favicon),
    path("cases/", include("cases.urls")),
    path("audits/", include("audits.urls")),
    path("commitments/", include("commitments.urls")),
    path("performance/", include("performance.urls")),
    path("summaries/", include("summaries.urls")),
]

handler400 = "oversight.views.bad_request"
handler403 = "oversight.views.permission_denied"
handler404 = "oversight.views.page_not_found"
handler500 = "oversight.views.server_error"
