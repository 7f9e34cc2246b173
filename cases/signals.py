"""Keep cached KPI figures honest: any committed change to the data they count retires them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import kpis
from .models import CpsReferral, Investigation


def _after_commit(**_: Any) -> None:
    transaction.on_commit(kpis.data_changed)


def connect() -> None:
    for model in (Investigation, CpsReferral):
        post_save.connect(_after_commit, sender=model, dispatch_uid=f"kpis.save.{model.__name__}")
        post_delete.connect(_after_commit, sender=model, dispatch_uid=f"kpis.delete.{model.__name__}")
    m2m_changed.connect(_after_commit, sender=Investigation.flags.through, dispatch_uid="kpis.flags")
