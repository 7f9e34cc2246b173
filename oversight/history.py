"""Who made a change, for django-simple-history, whether or not there is a request (STYLE.md, 6).

``HistoryRequestMiddleware`` records the signed-in user of a page or API request. Services are
also run by Celery tasks, seeds and the shell, where there is no request: they name the acting
user themselves through these helpers (bulk writes pass ``default_user=actor`` to
``bulk_create_with_history`` / ``bulk_update_with_history``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def act_as(instance: M, actor: Any) -> M:
    """Name ``actor`` as the history user of the next saves, deletes and many-to-many changes of
    ``instance`` (simple-history reads ``_history_user`` before the request's user)."""
    instance._history_user = actor  # type: ignore[attr-defined]  # read by simple-history on save
    return instance


def save_with_actor(instance: M, *, actor: Any, update_fields: Iterable[str] | None = None) -> M:
    """``instance.save()`` with ``actor`` recorded as the history user."""
    act_as(instance, actor).save(update_fields=update_fields)
    return instance


def delete_with_actor(instance: models.Model, *, actor: Any) -> None:
    """``instance.delete()`` with ``actor`` recorded as the history user of the deletion."""
    act_as(instance, actor).delete()
