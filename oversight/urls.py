from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
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
