"""Keep the KPI figures honest on every model save and delete (forms, the API, the admin, services).

- The rollup (:mod:`cases.rollups`) is changed in the writer's transaction: what a row counted is
  subtracted before it changes and what it counts is added after (bulk writers call the same
  functions themselves: they send no signals).
- Cached KPI figures are retired once the change is committed (:func:`cases.kpis.data_changed`).
- The register's cached LPA, team and flag drop-downs are retired by a save or delete of one
  (:func:`cases.filters.forget_code_choices`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from . import filters, kpis, rollups
from .models import REFERENCE_FILTERS, CpsReferral, Investigation


def _after_commit(**_: Any) -> None:
    transaction.on_commit(kpis.data_changed)


def _investigation_before_save(instance: Investigation, raw: bool = False, **_: Any) -> None:
    if not instance._state.adding and instance.pk is not None:
        # Its referrals too: they are counted under the investigation's strand, LPA … which may change.
        rollups.subtract_investigations([instance.pk])


def _investigation_after_save(instance: Investigation, created: bool, **_: Any) -> None:
    rollups.add_investigations([instance.pk])


def _investigation_before_delete(instance: Investigation, **_: Any) -> None:
    # Its own rows only: each of its referrals, deleted with it, takes out its own (_referral_before_delete).
    rollups.apply(rollups.investigations_scope([instance.pk], with_referrals=False), -1)


def _referral_before_save(instance: CpsReferral, **_: Any) -> None:
    # The funnel's "has a CPS referral" count belongs to the investigation: a referral's save can change
    # it for the investigation it is saved under and, if moved, the one it leaves.
    investigations = {instance.investigation_id} - {None}
    referral_ids: list[int] = []
    if not instance._state.adding and instance.pk is not None:
        referral_ids = [instance.pk]
        investigations.update(CpsReferral.objects.filter(pk=instance.pk).values_list("investigation_id", flat=True))
    affected = sorted(investigations)
    instance._rollup_investigations = affected  # type: ignore[attr-defined]  # read by _referral_after_save
    rollups.apply(rollups.referrals_scope(referral_ids, investigation_ids=affected), -1)


def _referral_after_save(instance: CpsReferral, **_: Any) -> None:
    investigations = getattr(instance, "_rollup_investigations", [instance.investigation_id])
    rollups.apply(rollups.referrals_scope([instance.pk], investigation_ids=investigations), 1)


# A delete of several referrals (a queryset's, or an investigation's cascade) sends every pre_delete
# before its DELETE and every post_delete after it. An investigation's "has a CPS referral" count is
# taken out at its first referral's pre_delete and counted again, as the remaining referrals make it,
# at its last referral's post_delete: per deletion (``origin``), investigation → referrals pending.
_PENDING = "_rollup_referrals_pending"


def _pending(origin: Any) -> dict[int, int]:
    pending = getattr(origin, _PENDING, None)
    if pending is None:
        pending = {}
        setattr(origin, _PENDING, pending)
    return pending


def _referral_before_delete(instance: CpsReferral, origin: Any = None, **_: Any) -> None:
    pending = _pending(origin if origin is not None else instance)
    investigation = instance.investigation_id
    pending[investigation] = pending.get(investigation, 0) + 1
    first = pending[investigation] == 1
    rollups.apply(rollups.referrals_scope([instance.pk], investigation_ids=[investigation] if first else []), -1)


def _referral_after_delete(instance: CpsReferral, origin: Any = None, **_: Any) -> None:
    pending = _pending(origin if origin is not None else instance)
    investigation = instance.investigation_id
    pending[investigation] = pending.get(investigation, 1) - 1
    if pending[investigation] <= 0:
        del pending[investigation]
        # What the investigation counts with the referrals left (nothing if it is being deleted too:
        # its own pre_delete took its other counts out, and its row goes after its referrals').
        rollups.apply(rollups.referrals_scope([], investigation_ids=[investigation]), 1)


def connect() -> None:
    forget = filters.forget_code_choices  # the register's drop-downs
    for reference in REFERENCE_FILTERS.values():
        post_save.connect(forget, sender=reference, dispatch_uid=f"filters.save.{reference.__name__}")
        post_delete.connect(forget, sender=reference, dispatch_uid=f"filters.delete.{reference.__name__}")
    for model in (Investigation, CpsReferral):
        post_save.connect(_after_commit, sender=model, dispatch_uid=f"kpis.save.{model.__name__}")
        post_delete.connect(_after_commit, sender=model, dispatch_uid=f"kpis.delete.{model.__name__}")
    m2m_changed.connect(_after_commit, sender=Investigation.flags.through, dispatch_uid="kpis.flags")
    pre_save.connect(_investigation_before_save, sender=Investigation, dispatch_uid="rollups.pre_save.investigation")
    post_save.connect(_investigation_after_save, sender=Investigation, dispatch_uid="rollups.save.investigation")
    pre_delete.connect(
        _investigation_before_delete, sender=Investigation, dispatch_uid="rollups.pre_delete.investigation"
    )
    pre_save.connect(_referral_before_save, sender=CpsReferral, dispatch_uid="rollups.pre_save.referral")
    post_save.connect(_referral_after_save, sender=CpsReferral, dispatch_uid="rollups.save.referral")
    pre_delete.connect(_referral_before_delete, sender=CpsReferral, dispatch_uid="rollups.pre_delete.referral")
    post_delete.connect(_referral_after_delete, sender=CpsReferral, dispatch_uid="rollups.delete.referral")
