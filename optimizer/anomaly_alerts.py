"""After a sync: look at yesterday per campaign and raise an Alert for each break.

A thin service around the pure detector (`optimizer.anomalies`): load the
campaign-day frame (constant queries), correct for conversion lag (else
yesterday's CPA always looks high), detect, and raise one deduplicated alert
per campaign and metric: a break that lasts a week is one open alert refreshed
with its latest day, not seven (once acknowledged, the next break opens anew).
"""

import math
from datetime import date, datetime

from django.utils import timezone

from campaigns.account_time import account_today
from campaigns.guardrails import limits_of
from campaigns.models import AdAccount, AlertKind, Campaign, Severity
from campaigns.selectors import policy_for_account
from campaigns.services.alerts import alert_raise
from optimizer.anomalies import detect_anomalies
from optimizer.clean import clean_frame
from optimizer.lag import correct_for_lag, estimate_completeness
from optimizer.load import load_account_inputs
from optimizer.money import currency_symbol

KINDS = {
    "spend": AlertKind.ANOMALY_SPEND,
    "cpa": AlertKind.ANOMALY_CPA,
    "ctr": AlertKind.ANOMALY_CTR,
}
SEVERITIES = {"warning": Severity.WARNING, "critical": Severity.CRITICAL}


def detect_account_anomalies(
    *, account: AdAccount, as_of: date | None = None, now: datetime | None = None
) -> int:
    """Raise alerts for yesterday's spend, CPA and CTR breaks; returns how many were raised."""
    now = now or timezone.now()
    as_of = as_of or account_today(account, now)
    limits = limits_of(policy_for_account(account))
    symbol = currency_symbol(account.currency)
    inputs = load_account_inputs(
        account, as_of=as_of, now=now, limits=limits, currency_symbol=symbol
    )
    frame = clean_frame(inputs.campaign_metrics)
    completeness = estimate_completeness(
        frame, fallback_lag_days=limits.conversion_lag_days, events=inputs.events
    )
    corrected = correct_for_lag(frame, completeness)
    anomalies = detect_anomalies(corrected, events=inputs.events, currency=symbol)
    if completeness.source != "history":
        # Yesterday's conversions are still arriving and the account has too little
        # volume to measure how fast: its CPA cannot be judged yet (a guessed lag
        # curve would turn every quiet day into a "CPA collapse").
        anomalies = [a for a in anomalies if a.metric != "cpa"]
    names = dict(
        Campaign.objects.filter(pk__in=[int(a.entity_id) for a in anomalies]).values_list(
            "pk", "name"
        )
    )
    for anomaly in anomalies:
        campaign_id = int(anomaly.entity_id)
        alert_raise(
            organization_id=account.organization_id,
            account=account,
            campaign=Campaign(pk=campaign_id, account=account) if campaign_id else None,
            kind=KINDS[anomaly.metric],
            severity=SEVERITIES.get(anomaly.severity, Severity.WARNING),
            title=f"{names.get(campaign_id, campaign_id)}: {anomaly.metric.upper()} break "
            f"on {anomaly.day}",
            message=anomaly.message,
            dedup_key=f"anomaly:{anomaly.metric}:{campaign_id}",
            data={
                "metric": anomaly.metric,
                "value": _finite(anomaly.value),
                "median": _finite(anomaly.median),
                "robust_z": _finite(anomaly.robust_z),
                "day": str(anomaly.day),
            },
        )
    return len(anomalies)


def _finite(value: float) -> float | None:
    return round(float(value), 4) if math.isfinite(value) else None
