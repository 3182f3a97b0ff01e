"""A reallocation of three campaigns of one tenant, as the optimiser stores it."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from campaigns.actors import system_user
from campaigns.models import ChangeSet, Recommendation, RecommendationKind
from campaigns.services.change_sets import change_sets_create_bulk
from campaigns.services.recommendations import recommendations_create_bulk
from tests.factories import make_campaign


def make_change_set(tenant, moves=((5000, 6000), (5000, 4500), (5000, 4500)), **kw) -> ChangeSet:
    """A proposed change set moving each campaign's budget `before → after`."""
    legs = []
    for before, after in moves:
        campaign = make_campaign(tenant.account, daily_budget=Decimal(before))
        legs.append(
            Recommendation(
                account=tenant.account,
                campaign=campaign,
                kind=RecommendationKind.BUDGET,
                current_value=Decimal(before),
                proposed_value=Decimal(after),
                reason="Reallocated to the better margin.",
                risk="medium",
                expires_at=timezone.now() + timedelta(hours=48),
                **kw,
            )
        )
    [change_set] = change_sets_create_bulk(
        sets=[(ChangeSet(account=tenant.account), legs)], actor=system_user(), reason="test"
    )
    recommendations_create_bulk(recommendations=legs, actor=system_user(), reason="test")
    return change_set
