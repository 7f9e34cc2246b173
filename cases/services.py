"""Writes of the investigation register. The CSV import lives in :mod:`cases.importer`.

Every service takes the acting user, checks permission itself, validates (``full_clean``), records
the actor as the history user and runs in one transaction. Bad input raises ``ApplicationError``;
a refusal raises ``PermissionDenied``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from oversight.concurrency import require_version, unique_or_error
from oversight.errors import ApplicationError, clean_or_raise
from oversight.history import act_as, save_with_actor
from oversight.roles import Cap, require_capability

from .models import REGISTER_FIELDS, CpsReferral, Flag, ImportProfile, Investigation, OrderBreach, ProtectiveOrder
from .profiles import profile_errors


def _save(instance: Any, *, actor: Any) -> Any:
    """``full_clean()`` (a failure is an ApplicationError, nothing written), then save as ``actor``."""
    clean_or_raise(instance)
    return save_with_actor(instance, actor=actor)


@transaction.atomic
def investigation_create(*, actor: Any, data: dict[str, Any], flags: Iterable[Flag] = ()) -> Investigation:
    """Record a new investigation. ``data`` holds model field values (``lpa``/``team`` as objects).

    Needs ``investigations.edit``; every model rule is checked (``full_clean``) before saving.
    """
    require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    investigation = Investigation(**{k: v for k, v in data.items() if k in REGISTER_FIELDS})
    clean_or_raise(investigation)
    # Two requests recording the same reference at once (a form sent twice): the second is told so.
    message = f"Investigation {investigation.crime_reference} has just been recorded: nothing more was saved."
    with unique_or_error(message, field="crime_reference"):
        save_with_actor(investigation, actor=actor)
    flags = list(flags)
    if flags:
        act_as(investigation, actor).flags.set(flags)
    return investigation


@transaction.atomic
def investigation_update(
    *,
    investigation: Investigation,
    actor: Any,
    data: dict[str, Any],
    flags: Iterable[Flag] | None = None,
    expected_version: str | None = None,
) -> Investigation:
    """Change an investigation's fields (and its flags when ``flags`` is given); history records who and what.

    With ``expected_version`` (the version the editor read) a change made by someone else since is
    not overwritten: ``StaleEdit`` says who made it and when, and nothing is saved.
    """
    require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    require_version(investigation, expected_version, noun="investigation")
    changed = False
    for name, value in data.items():
        if name in REGISTER_FIELDS and getattr(investigation, name) != value:
            setattr(investigation, name, value)
            changed = True
    if changed:
        _save(investigation, actor=actor)
    if flags is not None:
        wanted = {flag.pk for flag in flags}
        if wanted != set(investigation.flags.values_list("pk", flat=True)):
            act_as(investigation, actor).flags.set(wanted)
    return investigation


@transaction.atomic
def referral_save(*, referral: CpsReferral, actor: Any, expected_version: str | None = None) -> CpsReferral:
    """Create or change a CPS referral (``referral.investigation`` set); not over someone else's
    change made since ``expected_version`` was read."""
    require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    require_version(referral, expected_version, noun="CPS referral")
    return _save(referral, actor=actor)


@transaction.atomic
def order_save(*, order: ProtectiveOrder, actor: Any, expected_version: str | None = None) -> ProtectiveOrder:
    """Create or change a protective order (``order.investigation`` set); not over someone else's
    change made since ``expected_version`` was read."""
    require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    require_version(order, expected_version, noun="protective order")
    return _save(order, actor=actor)


@transaction.atomic
def breach_create(
    *, order: ProtectiveOrder, breach_date: date, actor: Any, arrest_made: bool | None = None
) -> OrderBreach:
    """Record a breach of a protective order (``arrest_made`` left ``None`` when not recorded).

    Needs ``investigations.edit``; the breach cannot be in the future nor before the order was made.
    """
    require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    return _save(OrderBreach(order=order, breach_date=breach_date, arrest_made=arrest_made), actor=actor)


@transaction.atomic
def breach_save(*, breach: OrderBreach, actor: Any) -> OrderBreach:
    """Change a recorded breach of a protective order."""
    require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    return _save(breach, actor=actor)


@transaction.atomic
def import_profile_save(
    *,
    actor: Any,
    profile: ImportProfile,
    name: str,
    source: str,
    date_format: str,
    columns: list[dict[str, str]],
    values: dict[str, dict[str, str]],
    ignored: list[str],
) -> ImportProfile:
    """Create or change an import profile (``profile`` new or stored). Needs ``import_profiles.manage``;
    a mapping that would not work (:func:`cases.profiles.profile_errors`) is refused, nothing saved."""
    require_capability(actor, Cap.IMPORT_PROFILES_MANAGE)
    errors = profile_errors(columns=columns, values=values, ignored=ignored, date_format=date_format)
    if errors:
        raise ApplicationError("The profile has problems: nothing was saved.", errors)
    profile.name, profile.source, profile.date_format = name.strip(), source.strip(), date_format.strip()
    profile.columns, profile.values, profile.ignored = columns, values, [i.strip() for i in ignored if i.strip()]
    return _save(profile, actor=actor)
