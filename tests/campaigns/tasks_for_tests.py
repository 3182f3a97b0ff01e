"""Module-level functions the tests run as django-q2 tasks (tasks need an import path)."""

from campaigns.actors import system_user
from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_transition


def pause_from_task(campaign_id: int, reason: str) -> str:
    """What a spend-limit task does: pause the campaign as the system, saying why."""
    campaign = Campaign.objects.get(pk=campaign_id)
    return campaign_transition(
        campaign=campaign, transition="pause", actor=system_user(), reason=reason
    ).status
