"""A campaign's rolling history summary, for prompts whose history would not fit."""

from django.db import models

from campaigns.models import Campaign


class CampaignSummary(models.Model):
    """What the AI layer remembers of a campaign's older history, in a few sentences.

    Refreshed (previous summary + the items since) only when older items than it covers
    must leave a prompt's token budget; `covers_until` says how far it reaches.
    """

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="ai_summary")
    text = models.TextField()
    covers_until = models.DateTimeField()
    items = models.PositiveIntegerField(default=0, help_text="History items it summarises.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"summary of {self.campaign} to {self.covers_until:%Y-%m-%d}"
