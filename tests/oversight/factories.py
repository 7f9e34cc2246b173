"""factory-boy factory for the people who log in (``oversight.User``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import factory
from django.contrib.auth.models import Group

from oversight.models import User
from oversight.roles import Role
from tests.factory_base import ModelFactory

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(ModelFactory[User]):
    """A user made the way the app makes them (``User.objects.create_user``), who can sign in with
    ``TEST_PASSWORD``. ``UserFactory(roles=["audit_lead", ...])`` puts them in those roles' groups."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = TEST_PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return model_class.objects.create_user(kwargs.pop("email"), kwargs.pop("password"), **kwargs)

    @factory.post_generation
    def roles(user: User, create: bool, extracted: Iterable[Role | str] | None, **kwargs: Any) -> None:
        for role in extracted or ():
            group, _ = Group.objects.get_or_create(name=str(Role(role)))
            user.groups.add(group)
