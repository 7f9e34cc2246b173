"""factory-boy factories for the investigation register.

Dates may be given as ISO strings (``recorded_date="2025-04-10"``), and an investigation's ``lpa``,
``team`` and ``flags`` by code, so hand-worked data sets read like their docstrings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import factory
from django.db import models

from cases.choices import VictimAgeGroup
from cases.models import CpsReferral, Flag, Investigation, LocalPolicingArea, OrderBreach, ProtectiveOrder, Team
from tests.factory_base import ModelFactory, T


class _RegisterFactory(ModelFactory[T]):
    class Meta:
        abstract = True

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        for field in cls._meta.model._meta.concrete_fields:
            if isinstance(field, models.DateField) and isinstance(kwargs.get(field.name), str):
                kwargs[field.name] = date.fromisoformat(kwargs[field.name])
        return kwargs


class InvestigationFactory(_RegisterFactory[Investigation]):
    """An adult rape investigation in the RASSO strand, recorded on 2025-05-01 by the Birmingham RASSO team.

    Traits:
    ``unplaced`` – no LPA and no team (the KPI data sets, which set them only where a figure depends on them);
    ``audit_sample`` – unplaced, victim's age unknown, recorded on 2025-06-15 (inside the audits tests' month).
    """

    class Meta:
        model = Investigation
        skip_postgeneration_save = True

    class Params:
        unplaced = factory.Trait(lpa=None, team=None)
        audit_sample = factory.Trait(
            unplaced=True, victim_age_group=VictimAgeGroup.UNKNOWN, recorded_date=date(2025, 6, 15)
        )

    crime_reference = factory.Sequence(lambda n: f"20/{n + 100000:06d}/25")
    strand = "rasso"
    offence_group = "rape"
    victim_age_group = VictimAgeGroup.ADULT
    lpa = factory.LazyFunction(lambda: LocalPolicingArea.objects.get(code="birmingham"))
    team = factory.LazyFunction(lambda: Team.objects.get(code="rasso"))
    recorded_date = date(2025, 5, 1)

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        for name, model in (("lpa", LocalPolicingArea), ("team", Team)):
            if isinstance(kwargs.get(name), str):
                kwargs[name] = model.objects.get(code=kwargs[name])
        return super()._adjust_kwargs(**kwargs)

    @factory.post_generation
    def flags(self, create: bool, extracted: Iterable[Flag | str] | None, **kwargs: Any) -> None:
        """``flags=["spiking", "online"]`` (codes or ``Flag`` rows)."""
        if not extracted:
            return
        codes = [flag.code if isinstance(flag, Flag) else flag for flag in extracted]
        self.flags.set(Flag.objects.filter(code__in=codes))


class CpsReferralFactory(_RegisterFactory[CpsReferral]):
    class Meta:
        model = CpsReferral

    investigation = factory.SubFactory(InvestigationFactory)
    referral_date = date(2025, 6, 1)


class ProtectiveOrderFactory(_RegisterFactory[ProtectiveOrder]):
    class Meta:
        model = ProtectiveOrder

    investigation = factory.SubFactory(InvestigationFactory)
    order_type = "dvpo"
    applied_date = date(2025, 6, 1)
    granted_date = date(2025, 6, 3)


class OrderBreachFactory(_RegisterFactory[OrderBreach]):
    class Meta:
        model = OrderBreach

    order = factory.SubFactory(ProtectiveOrderFactory)
    breach_date = date(2025, 7, 1)
    arrest_made = True
