"""User administration outside the Django admin: list, invite, roles, deactivate (administrators only).

Every change is a row in the user's history (simple-history) naming the administrator, with a
change reason that says what happened: roles are groups (a many-to-many the history does not
track by itself), so the reason lists the roles added and removed.

An invitation makes a user without a usable password and emails them a single-use link to set
one (Django's password-reset token: it stops working once the password is set, or after
``PASSWORD_RESET_TIMEOUT``). "Forgot your password?" sends the same kind of link.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from .errors import ApplicationError
from .history import save_with_actor
from .models import User
from .roles import Cap, Role, require_capability


def record_user_event(user: User, *, actor: Any, reason: str) -> None:
    """A history row on ``user`` saying what happened and who did it, when no field of theirs changed
    (MFA, roles). The name is rewritten unchanged: a save needs a field to write."""
    fresh = User.objects.get(pk=user.pk)
    fresh._change_reason = reason  # type: ignore[attr-defined]  # read by simple-history on save
    save_with_actor(fresh, actor=actor, update_fields=["full_name"])


def user_list(*, actor: Any) -> QuerySet[User]:
    """Every user with their roles and whether they have set up MFA (``mfa_enrolled``); two queries."""
    require_capability(actor, Cap.USERS_MANAGE)
    enrolled = TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
    return (
        User.objects.annotate(mfa_enrolled=Exists(enrolled)).prefetch_related("groups").order_by("full_name", "email")
    )


def user_detail(*, actor: Any, pk: int) -> User:
    require_capability(actor, Cap.USERS_MANAGE)
    return user_list(actor=actor).get(pk=pk)


def role_names(user: User) -> set[str]:
    return {group.name for group in user.groups.all()} & {role.value for role in Role}


def set_password_link(user: User) -> str:
    """The single-use link to set a password (Django's reset token, tied to the current password)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def _send_invitation(user: User, *, actor: Any) -> None:
    context = {"user": user, "link": set_password_link(user), "actor": actor, "site_url": settings.SITE_URL}
    send_mail(
        subject="You have been invited to Oversight",
        message=render_to_string("registration/invite_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


@transaction.atomic
def invite_user(*, actor: Any, email: str, full_name: str, job_title: str = "", roles: Iterable[str] = ()) -> User:
    """A new user with ``roles`` and no password yet; they are emailed a link to set one."""
    require_capability(actor, Cap.USERS_MANAGE)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError("A user with this email address already exists.", {"email": ["Already a user."]})
    user = User(email=email, full_name=full_name.strip(), job_title=job_title.strip())
    user.set_unusable_password()
    user._change_reason = f"Invited by {actor.email}"  # type: ignore[attr-defined]  # read by simple-history
    save_with_actor(user, actor=actor)
    wanted = sorted({Role(r).value for r in roles})
    user.groups.set(Group.objects.filter(name__in=wanted))
    if wanted:
        record_user_event(user, actor=actor, reason=f"Roles: added {', '.join(wanted)}")
    _send_invitation(user, actor=actor)
    return user


def resend_invitation(*, actor: Any, user: User) -> None:
    """Email the set-password link again (only while the user has not set a password)."""
    require_capability(actor, Cap.USERS_MANAGE)
    if user.has_usable_password():
        raise ApplicationError(f"{user.email} has already set a password: they can use “Forgot your password?”.")
    _send_invitation(user, actor=actor)
    record_user_event(user, actor=actor, reason=f"Invitation sent again by {actor.email}")


@transaction.atomic
def set_roles(*, actor: Any, user: User, roles: Iterable[str]) -> tuple[list[str], list[str]]:
    """Give ``user`` exactly ``roles``; returns (added, removed). An administrator keeps their own role."""
    require_capability(actor, Cap.USERS_MANAGE)
    wanted = {Role(r).value for r in roles}
    current = role_names(user)
    if user.pk == actor.pk and Role.ADMINISTRATOR.value in current - wanted:
        raise ApplicationError("You cannot remove your own administrator role: ask another administrator.")
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if not added and not removed:
        return [], []
    groups = {g.name: g for g in Group.objects.filter(name__in=added + removed)}
    user.groups.add(*(groups[name] for name in added if name in groups))
    user.groups.remove(*(groups[name] for name in removed if name in groups))
    changes = [f"added {', '.join(added)}" if added else "", f"removed {', '.join(removed)}" if removed else ""]
    record_user_event(user, actor=actor, reason="Roles: " + "; ".join(c for c in changes if c))
    return added, removed


@transaction.atomic
def set_active(*, actor: Any, user: User, active: bool) -> User:
    """Deactivate (no sign-in, no API token, sessions end at their next request) or reactivate ``user``."""
    require_capability(actor, Cap.USERS_MANAGE)
    if user.pk == actor.pk and not active:
        raise ApplicationError("You cannot deactivate your own account.")
    if user.is_active == active:
        return user
    user.is_active = active
    user._change_reason = f"{'Reactivated' if active else 'Deactivated'} by {actor.email}"  # type: ignore[attr-defined]  # read by simple-history
    save_with_actor(user, actor=actor, update_fields=["is_active"])
    return user
