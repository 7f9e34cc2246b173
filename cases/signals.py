"""Keep the KPI figures honest on every model save and delete (forms, the API, the admin, services).

- The rollup (:mod:`cases.rollups`) is changed in the writer's transaction: what a row counted is
  subtracted before it changes and what it counts is added after (bulk writers call the same
  functions themselves: they send no signals).
- Cached KPI figures are retired once the change is committed (:func:`cases.kpis.data_changed`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from . import kpis, rollups
from .models import CpsReferral, Investigation


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
    if not instance._state.adding and instance.pk is not None:
        rollups.apply(rollups.referrals_scope([instance.pk]), -1)


def _referral_after_save(instance: CpsReferral, **_: Any) -> None:
    rollups.apply(rollups.referrals_scope([instance.pk]), 1)


def _referral_before_delete(instance: CpsReferral, **_: Any) -> None:
    rollups.apply(rollups.referrals_scope([instance.pk]), -1)


def connect() -> None:
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
