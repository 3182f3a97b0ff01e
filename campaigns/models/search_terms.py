"""What people searched for when an ad showed: the platform's search-terms report."""

from django.db import models

from campaigns.models.accounts import AdAccount
from campaigns.models.campaigns import AdGroup, Campaign


class SearchTermDay(models.Model):
    """One search term's performance in one ad group on one day, as last synced.

    Conversions keep arriving (conversion lag), so a day's row is overwritten by later
    syncs; `account` is carried so tenancy reaches the organization in one join.
    `status` is the platform's word for whether the term is a keyword or excluded
    (Google: NONE, ADDED, EXCLUDED, ADDED_EXCLUDED).
    """

    account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="search_terms")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="search_terms")
    ad_group = models.ForeignKey(AdGroup, on_delete=models.CASCADE, related_name="search_terms")
    text = models.CharField(max_length=255)
    date = models.DateField()
    status = models.CharField(max_length=16, default="NONE")
    impressions = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0)
    cost = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    conversions = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    conversion_value = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    synced_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "text"]
        constraints = [
            models.UniqueConstraint(
                fields=["ad_group", "text", "date"], name="searchtermday_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(conversions__gte=0, conversion_value__gte=0, cost__gte=0),
                name="searchtermday_non_negative",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "date"], name="searchtermday_campaign_date")]

    def __str__(self) -> str:
        return f"‘{self.text}’ {self.date}"
