"""factory-boy factories for the investigation register."""

from __future__ import annotations

from datetime import date

import factory

from cases.models import CpsReferral, Investigation, LocalPolicingArea, OrderBreach, ProtectiveOrder, Team
from tests.factory_base import ModelFactory


class InvestigationFactory(ModelFactory[Investigation]):
    class Meta:
        model = Investigation

    crime_reference = factory.Sequence(lambda n: f"20/{n + 100000:06d}/25")
    strand = "rasso"
    offence_group = "rape"
    victim_age_group = "adult"
    lpa = factory.LazyFunction(lambda: LocalPolicingArea.objects.get(code="birmingham"))
    team = factory.LazyFunction(lambda: Team.objects.get(code="rasso"))
    recorded_date = date(2025, 5, 1)


class CpsReferralFactory(ModelFactory[CpsReferral]):
    class Meta:
        model = CpsReferral

    investigation = factory.SubFactory(InvestigationFactory)
    referral_date = date(2025, 6, 1)


class ProtectiveOrderFactory(ModelFactory[ProtectiveOrder]):
    class Meta:
        model = ProtectiveOrder

    investigation = factory.SubFactory(InvestigationFactory)
    order_type = "dvpo"
    applied_date = date(2025, 6, 1)
    granted_date = date(2025, 6, 3)


class OrderBreachFactory(ModelFactory[OrderBreach]):
    class Meta:
        model = OrderBreach

    order = factory.SubFactory(ProtectiveOrderFactory)
    breach_date = date(2025, 7, 1)
    arrest_made = True
