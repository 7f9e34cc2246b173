"""Writes of the investigation register. The CSV import lives in :mod:`cases.importer`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from oversight.roles import Cap, require_capability

from .models import REGISTER_FIELDS, CpsReferral, Flag, Investigation, OrderBreach, ProtectiveOrder


def _save(instance: Any, *, actor: Any) -> Any:
    instance.full_clean()
    instance._history_user = actor
    instance.save()
    return instance


@transaction.atomic
def investigation_create(*, actor: Any, data: dict[str, Any], flags: Iterable[Flag] = ()) -> Investigation:
    """Record a new investigation. ``data`` holds model field values (``lpa``/``team`` as objects).

    Needs ``investigations.edit``; every model rule is checked (``full_clean``) before saving.
    """
    require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    investigation = Investigation(**{k: v for k, v in data.items() if k in REGISTER_FIELDS})
    _save(investigation, actor=actor)
    flags = list(flags)
    if flags:
        investigation._history_user = actor
        investigation.flags.set(flags)
    return investigation


@transaction.atomic
def investigation_update(
    *, investigation: Investigation, actor: Any, data: dict[str, Any], flags: Iterable[Flag] | None = None
) -> Investigation:
    """Change an investigation's fields (and its flags when ``flags`` is given); history records who and what."""
    require_capability(actor, Cap.INVESTIGATIONS_EDIT)
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
            investigation._history_user = actor
            investigation.flags.set(wanted)
    return investigation


@transaction.atomic
def referral_save(*, referral: CpsReferral, actor: Any) -> CpsReferral:
    """Create or change a CPS referral (``referral.investigation`` set)."""
    require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    return _save(referral, actor=actor)


@transaction.atomic
def order_save(*, order: ProtectiveOrder, actor: Any) -> ProtectiveOrder:
    """Create or change a protective order (``order.investigation`` set)."""
    require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    return _save(order, actor=actor)


@transaction.atomic
def breach_save(*, breach: OrderBreach, actor: Any) -> OrderBreach:
    """Record or change a breach of a protective order (``breach.order`` set)."""
    require_capability(actor, Cap.INVESTIGATIONS_EDIT)
    return _save(breach, actor=actor)
