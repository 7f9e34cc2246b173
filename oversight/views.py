"""Home dashboards, health check and error pages."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import home
from .roles import Role, user_roles


def home_page(request: HttpRequest) -> HttpResponse:
    """One page per user: a panel for each of their roles."""
    roles = sorted(user_roles(request.user), key=lambda r: list(Role).index(r))
    panels = home.panels_for(roles, user=request.user)
    return render(request, "home/home.html", {"panels": panels})


@lru_cache(maxsize=4)
def _redis(url: str) -> Any:
    """A client per broker address, kept: its pool keeps the connection open between health checks (a
    load balancer asks every few seconds) instead of opening one per check."""
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status, for load balancers and monitoring. No login."""
    status: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        status["database"] = "ok"
    except Exception:
        status["database"] = "error"

    if not settings.REDIS_URL:
        status["broker"] = "disabled"
    else:
        try:
            _redis(settings.REDIS_URL).ping()
            status["broker"] = "ok"
        except Exception:
            status["broker"] = "error"

    healthy = all(v in ("ok", "disabled") for v in status.values())
    return JsonResponse({"status": "ok" if healthy else "error", **status}, status=200 if healthy else 503)


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico; point them at the static file (resolved per request)."""
    return redirect(static("vendor/govuk-frontend/assets/images/favicon.ico"), permanent=False)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
