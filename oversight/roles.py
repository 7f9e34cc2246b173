"""The one place that says what each role may do (DESIGN.md section 5).

A role is a Django group with the same name. Access is refused by default and
granted here, as *capabilities*: plain strings that views, API permissions,
selectors and services check through :func:`has_capability` /
:func:`require_capability`. A user with several roles has the union.

Object-level rules (own audits, own commitments, own board, action owner) are
checked by each app's services and selectors on top of the capability.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import SAFE_METHODS, BasePermission


class Role(StrEnum):
    AUDIT_LEAD = "audit_lead"
    CASE_EDITOR = "case_editor"
    COMMITMENT_LEAD = "commitment_lead"
    BOARD_CHAIR = "board_chair"
    OPCC_SCRUTINY = "opcc_scrutiny"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.AUDIT_LEAD: "PPU audit lead",
    Role.CASE_EDITOR: "Data officer",
    Role.COMMITMENT_LEAD: "Commitment lead",
    Role.BOARD_CHAIR: "Board chair",
    Role.OPCC_SCRUTINY: "OPCC scrutiny officer",
    Role.ADMINISTRATOR: "Administrator",
}


class Cap(StrEnum):
    """Capabilities. Names read as ``<area>.<verb>``."""

    # Investigations (case-level data)
    INVESTIGATIONS_VIEW = "investigations.view"
    INVESTIGATIONS_EDIT = "investigations.edit"  # create, edit, import
    IMPORT_PROFILES_MANAGE = "import_profiles.manage"  # map a records-system export's columns and codes
    DATA_QUALITY_VIEW = "data_quality.view"  # the register's data-quality report (crime references)
    # Any crime reference / per-case answer, wherever it appears (audits, exports, summaries)
    CASE_REFERENCES_VIEW = "case_references.view"
    # KPIs, dashboards, benchmarks
    KPIS_VIEW = "kpis.view"
    BENCHMARKS_EDIT = "benchmarks.edit"
    # Audits
    AUDITS_VIEW = "audits.view"  # audits, reviews, findings, actions (case refs need CASE_REFERENCES_VIEW)
    AUDIT_SUMMARIES_VIEW = "audits.view_summaries"  # aggregate compliance, learning themes
    AUDITS_MANAGE = "audits.manage"  # plan, sample, review, sign off own audits; raise actions
    ACTIONS_VERIFY = "actions.verify"
    # Commitments and RAG
    COMMITMENTS_VIEW = "commitments.view"
    PROGRESS_WRITE_OWN = "progress.write_own"
    RAG_PROPOSE_OWN = "rag.propose_own"
    RAG_REVIEW_OWN_BOARD = "rag.review_own_board"
    RAG_PUBLISH = "rag.publish"
    BOARDS_VIEW = "boards.view"
    BOARDS_MANAGE_OWN = "boards.manage_own"
    SCRUTINY_QUERIES = "scrutiny.queries"  # raise, close and reopen scrutiny queries
    INSPECTIONS_MANAGE = "inspections.manage"  # create and edit inspection reports and tracker items
    INSPECTIONS_ACCEPT = "inspections.accept"  # accept or return a tracker item's evidence
    # Summaries
    SUMMARIES_VIEW = "summaries.view"
    SUMMARIES_REBUILD = "summaries.rebuild"
    # System
    ADMIN_SITE = "admin.site"
    USERS_MANAGE = "users.manage"  # invite, roles, deactivate, reset MFA (outside the Django admin)
    ACCESS_LOG_VIEW = "access_log.view"  # search and download the access log of case-level reads


_READ_ALL_AGGREGATES = {
    Cap.KPIS_VIEW,
    Cap.AUDIT_SUMMARIES_VIEW,
    Cap.COMMITMENTS_VIEW,
    Cap.BOARDS_VIEW,
    Cap.SUMMARIES_VIEW,
}

ROLE_CAPABILITIES: dict[Role, frozenset[Cap]] = {
    Role.AUDIT_LEAD: frozenset(
        _READ_ALL_AGGREGATES
        | {
            Cap.INVESTIGATIONS_VIEW,
            Cap.CASE_REFERENCES_VIEW,
            Cap.AUDITS_VIEW,
            Cap.AUDITS_MANAGE,
            Cap.ACTIONS_VERIFY,
            Cap.DATA_QUALITY_VIEW,
        }
    ),
    Role.CASE_EDITOR: frozenset(
        _READ_ALL_AGGREGATES
        | {
            Cap.INVESTIGATIONS_VIEW,
            Cap.INVESTIGATIONS_EDIT,
            Cap.CASE_REFERENCES_VIEW,
            Cap.AUDITS_VIEW,
            Cap.BENCHMARKS_EDIT,
            Cap.IMPORT_PROFILES_MANAGE,
            Cap.DATA_QUALITY_VIEW,
        }
    ),
    Role.COMMITMENT_LEAD: frozenset(
        _READ_ALL_AGGREGATES | {Cap.AUDITS_VIEW, Cap.PROGRESS_WRITE_OWN, Cap.RAG_PROPOSE_OWN}
    ),
    Role.BOARD_CHAIR: frozenset(
        _READ_ALL_AGGREGATES
        | {
            Cap.INVESTIGATIONS_VIEW,
            Cap.CASE_REFERENCES_VIEW,
            Cap.AUDITS_VIEW,
            Cap.RAG_REVIEW_OWN_BOARD,
            Cap.BOARDS_MANAGE_OWN,
        }
    ),
    # OPCC sees aggregates only: no investigations, no crime references, no case reviews.
    Role.OPCC_SCRUTINY: frozenset(
        _READ_ALL_AGGREGATES | {Cap.RAG_PUBLISH, Cap.SCRUTINY_QUERIES, Cap.INSPECTIONS_MANAGE, Cap.INSPECTIONS_ACCEPT}
    ),
    Role.ADMINISTRATOR: frozenset(
        _READ_ALL_AGGREGATES
        | {
            Cap.INVESTIGATIONS_VIEW,
            Cap.CASE_REFERENCES_VIEW,
            Cap.AUDITS_VIEW,
            Cap.BENCHMARKS_EDIT,
            Cap.SUMMARIES_REBUILD,
            Cap.ADMIN_SITE,
            Cap.USERS_MANAGE,
            Cap.ACCESS_LOG_VIEW,
            Cap.INSPECTIONS_MANAGE,
            Cap.IMPORT_PROFILES_MANAGE,
            Cap.DATA_QUALITY_VIEW,
        }
    ),
}

# Django model permissions given to each role's group (used by the admin site
# and by anyone reading ``user.has_perm``). ``"*"`` means every permission.
# Entries are "app_label.codename"; missing ones (models not built yet) are skipped.
ROLE_DJANGO_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.ADMINISTRATOR: ("*",),
    Role.CASE_EDITOR: (
        "cases.view_investigation",
        "cases.add_investigation",
        "cases.change_investigation",
        "cases.view_cpsreferral",
        "cases.add_cpsreferral",
        "cases.change_cpsreferral",
        "cases.view_protectiveorder",
        "cases.add_protectiveorder",
        "cases.change_protectiveorder",
        "cases.view_orderbreach",
        "cases.add_orderbreach",
        "cases.change_orderbreach",
    ),
    Role.AUDIT_LEAD: (
        "cases.view_investigation",
        "audits.view_audit",
        "audits.add_audit",
        "audits.change_audit",
        "audits.view_action",
        "audits.add_action",
        "audits.change_action",
    ),
    Role.BOARD_CHAIR: (
        "cases.view_investigation",
        "commitments.view_ragassessment",
        "commitments.change_ragassessment",
        "commitments.view_board",
        "commitments.view_boardmeeting",
        "commitments.add_boardmeeting",
        "commitments.change_boardmeeting",
    ),
    Role.COMMITMENT_LEAD: (
        "commitments.view_commitment",
        "commitments.view_progressupdate",
        "commitments.add_progressupdate",
        "commitments.change_progressupdate",
        "commitments.add_ragassessment",
    ),
    Role.OPCC_SCRUTINY: (
        "commitments.view_commitment",
        "commitments.view_ragassessment",
        "commitments.change_ragassessment",
    ),
}


def user_roles(user: Any) -> frozenset[Role]:
    """The roles of ``user`` (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_oversight_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        if user.is_superuser:
            cached = cached | {Role.ADMINISTRATOR}
        user._oversight_roles = cached
    return cached


def user_capabilities(user: Any) -> frozenset[Cap]:
    caps: set[Cap] = set()
    for role in user_roles(user):
        caps |= ROLE_CAPABILITIES[role]
    return frozenset(caps)


def has_capability(user: Any, capability: Cap | str) -> bool:
    return Cap(capability) in user_capabilities(user)


def has_any_capability(user: Any, capabilities: Iterable[Cap | str]) -> bool:
    caps = user_capabilities(user)
    return any(Cap(c) in caps for c in capabilities)


def require_capability(user: Any, capability: Cap | str) -> None:
    """Raise ``PermissionDenied`` unless ``user`` holds ``capability``."""
    if not has_capability(user, capability):
        raise PermissionDenied(f"Your role does not allow this ({capability}).")


def can_see_case_references(user: Any) -> bool:
    """False for users whose roles see aggregates only (an OPCC-only user)."""
    return has_capability(user, Cap.CASE_REFERENCES_VIEW)


def capability_required(*capabilities: Cap) -> Callable:
    """View decorator: 403 unless the user holds every capability listed.

    Anonymous users never get here: ``LoginRequiredMiddleware`` redirects them.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            for capability in capabilities:
                require_capability(request.user, capability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def capability_permission(*capabilities: Cap, write: tuple[Cap, ...] | None = None) -> type:
    """A DRF permission class: every ``capabilities`` to read; ``write`` ones too for unsafe methods."""

    class HasCapability(BasePermission):
        message = "Your role does not allow this."

        def has_permission(self, request: Any, view: Any) -> bool:
            user = request.user
            if not (user and user.is_authenticated):
                return False
            needed = list(capabilities)
            if request.method not in SAFE_METHODS and write:
                needed += list(write)
            return all(has_capability(user, c) for c in needed)

    HasCapability.__name__ = "Has_" + "_".join(c.name for c in capabilities + (write or ()))
    return HasCapability


def sync_role_groups(**_: Any) -> None:
    """Create the six groups and give each its Django permissions (idempotent).

    Runs after every ``migrate`` so permissions of models added later are assigned too.
    """
    every = Permission.objects.select_related("content_type")
    by_key = {f"{p.content_type.app_label}.{p.codename}": p for p in every}
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = ROLE_DJANGO_PERMISSIONS.get(role, ())
        if "*" in wanted:
            perms = list(by_key.values())
        else:
            perms = [by_key[key] for key in wanted if key in by_key]
        group.permissions.set(perms)
