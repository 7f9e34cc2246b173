"""A typed base for the model factories: ``InvestigationFactory()`` is an ``Investigation`` to the type checker.

factory-boy types ``create()``/``build()`` by the factory's model but leaves ``__new__`` (what
``Factory()`` calls) unannotated, so a plain call would read as an instance of the factory class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model
from factory.django import DjangoModelFactory

T = TypeVar("T", bound=Model)


class ModelFactory(DjangoModelFactory[T]):
    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # Same behaviour as factory-boy's own __new__ (it returns ``cls.create(...)``), typed.
        def __new__(cls, *args: Any, **kwargs: Any) -> T: ...  # type: ignore[misc]  # returns the model, not the factory
