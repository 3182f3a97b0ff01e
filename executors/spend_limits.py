"""Pausing campaigns that passed their spend limits (promise 1), every 15 minutes.

Reads today's spend so far from the platform, records it, and for every running
campaign whose spend today reached `max_daily_spend` or whose lifetime spend
reached `total_spend_limit`, creates a pause (approved by the system, source
"spend limit") and executes it at once: on the platform first, then in Spectra,
with an Alert. Running it again pauses nothing twice.
"""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from campaigns.actors import system_user
from campaigns.guardrails import check_spend_limits
from campaigns.models import (
    AdAccount,
    AlertKind,
    Campaign,
    CampaignStatus,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Risk,
    Severity,
    Source,
)
from campaigns.services.alerts import alert_raise
from campaigns.services.recommendations import recommendations_create_bulk
from executors.clients.factory import client_for
from executors.pipeline import execute_recommendation
from executors.sync_rows import BadRow, clean_metric
from executors.windows import account_today

OPEN = [RecommendationStatus.APPROVED, RecommendationStatus.EXECUTING]


def _spend_today(account, client, today) -> dict[str, Decimal]:
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for record in client.performance(today, today, include_today=True):
        try:
            values = clean_metric(record, date_from=today, date_to=today)
        except BadRow:
            continue  # the daily sync quarantines it; a bad row must not stop the check
        spend[str(values["campaign_external_id"])] += values["spend"]
    return spend


def enforce_spend_limits(
    *, account: AdAccount, actor=None, client=None, now: datetime | None = None
) -> list[Recommendation]:
    """Record today's spend and pause every campaign past a limit; returns the pauses."""
    actor = actor or system_user()
    now = now or timezone.now()
    client = client or client_for(account)
    today = account_today(account, now)
    spend = _spend_today(account, client, today)
    campaigns = list(Campaign.objects.filter(account=account))
    for campaign in campaigns:
        campaign.spend_today = spend.get(campaign.external_id, Decimal("0"))
    # Spend counters are excluded from history: a plain bulk update.
    Campaign.objects.bulk_update(campaigns, ["spend_today"], batch_size=1000)

    already = set(
        Recommendation.objects.filter(
            account=account,
            kind=RecommendationKind.PAUSE,
            source=Source.SPEND_LIMIT,
            status__in=OPEN,
        ).values_list("campaign_id", flat=True)
    )
    pauses = []
    for campaign in campaigns:
        if campaign.status not in (CampaignStatus.ACTIVE, CampaignStatus.OPTIMIZING):
            continue
        verdict = check_spend_limits(
            spend_today=campaign.spend_today,
            spend_to_date=campaign.spend_to_date + campaign.spend_today,
            max_daily_spend=campaign.max_daily_spend,
            total_spend_limit=campaign.total_spend_limit,
        )
        if verdict.ok or campaign.pk in already:
            continue
        pauses.append(
            Recommendation(
                account=account,
                campaign=campaign,
                kind=RecommendationKind.PAUSE,
                source=Source.SPEND_LIMIT,
                status=RecommendationStatus.APPROVED,
                risk=Risk.HIGH,
                requires_approval=False,
                decided_by=actor,
                decided_at=now,
                reason=f"Spend limit reached: {verdict.detail}. Paused to stop spending.",
                evidence={
                    "rule": verdict.rule,
                    "spend_today": str(campaign.spend_today),
                    "spend_to_date": str(campaign.spend_to_date + campaign.spend_today),
                },
            )
        )
    created = recommendations_create_bulk(
        recommendations=pauses, actor=actor, reason="Spend limit reached"
    )
    done = []
    for rec in created:
        alert_raise(
            organization_id=account.organization_id,
            account=account,
            campaign=rec.campaign,
            kind=AlertKind.SPEND_LIMIT,
            severity=Severity.CRITICAL,
            title=f"{rec.campaign}: spend limit reached",
            message=rec.reason,
            dedup_key=f"spend_limit:{rec.campaign_id}:{today}",
        )
        done.append(execute_recommendation(rec.pk, actor=actor, client=client, now=now))
    return done
