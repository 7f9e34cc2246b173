from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from .roles import Cap, has_capability

_ViewT = TypeVar("_ViewT", bound=Callable[..., HttpResponseBase])


class OversightAdminSite(AdminSite):
    """The Django admin, open to users with the administrator role only.

    A signed-in user without that role gets 403 (not the admin's own login page).
    """

    site_header = "Oversight administration"
    site_title = "Oversight admin"
    index_title = "Reference data, users and records"

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and has_capability(request.user, Cap.ADMIN_SITE)

    def admin_view(self, view: _ViewT, cacheable: bool = False) -> _ViewT:
        inner = super().admin_view(view, cacheable)

        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied("The admin site is for administrators.")
            return inner(request, *args, **kwargs)

        return cast(_ViewT, update_wrapper(wrapper, view))  # same signature as the view it wraps
