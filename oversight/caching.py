"""Values remembered in the shared cache (Redis in production), which stays an optimisation: the database
is the source of truth, so a cache that is down or empty only costs time, never a page or a write."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

logger = logging.getLogger(__name__)

T = TypeVar("T")


def remembered(key: str, seconds: int, compute: Callable[[], T]) -> T:
    """The value cached under ``key``, or ``compute()`` (then cached for ``seconds``; 0 caches nothing)."""
    if not seconds:
        return compute()
    try:
        hit = cache.get(key)
    except Exception:  # a cache outage only costs time
        logger.warning("The cache is not answering: %s computed afresh", key, exc_info=True)
        return compute()
    if hit is not None:
        return hit  # what compute() returned when it was cached
    value = compute()
    try:
        cache.set(key, value, timeout=seconds)
    except Exception:  # a cache outage only costs time
        logger.warning("The cache is not answering: %s not kept", key, exc_info=True)
    return value


def forget(key: str) -> None:
    """Drop ``key`` from the cache (a cache that is down has nothing to drop that it will serve)."""
    try:
        cache.delete(key)
    except Exception:
        logger.warning("The cache is not answering: %s not dropped", key, exc_info=True)
