"""Serializer fields every app's API shares."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class RelatedText(serializers.CharField):
    """Read-only text read through a relation (``source="chair.full_name"``): ``null`` when the relation
    is empty, in every response.

    DRF's own way (``default=None``) is skipped on partial updates (``get_default`` raises ``SkipField``
    when the root serializer is partial), so a PATCH answered without the field, against the schema,
    which requires it (found by the API fuzzing in CI).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(read_only=True, allow_null=True)
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        for attr in self.source_attrs:
            if instance is None:
                return None
            instance = getattr(instance, attr)
        return instance
