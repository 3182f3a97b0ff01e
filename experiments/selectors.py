"""Reading experiments: which campaigns are held today, and the daily values they measure."""

import datetime as dt
from collections import defaultdict

from django.db.models import Sum

from campaigns.account_time import account_today
from campaigns.models import DailyMetric
from experiments.models import Experiment, ExperimentKind, ExperimentStatus, ExperimentUnit


def switchback_period(experiment: Experiment, day: dt.date) -> int | None:
    """The index of the switchback period `day` falls in (None: before or after them)."""
    if experiment.start_date is None or day < experiment.start_date:
        return None
    return (day - experiment.start_date).days // experiment.switchback_period_days


def unit_held_on(unit: ExperimentUnit, experiment: Experiment, day: dt.date) -> bool:
    """Whether Spectra's changes are held back from this unit's campaign on `day`."""
    if experiment.kind == ExperimentKind.SWITCHBACK:
        k = switchback_period(experiment, day)
        return k is not None and k < len(unit.periods) and unit.periods[k] == 0
    return unit.arm is not None and unit.arm.is_control


def held_campaigns(account, today: dt.date | None = None) -> dict[int, Experiment]:
    """{campaign id: the experiment holding it} for the account's running experiments."""
    today = today or account_today(account)
    units = ExperimentUnit.objects.filter(
        experiment__account=account,
        experiment__status=ExperimentStatus.RUNNING,
        experiment__kind__in=[ExperimentKind.HOLDOUT, ExperimentKind.SWITCHBACK],
    ).select_related("experiment", "arm")
    return {u.campaign_id: u.experiment for u in units if unit_held_on(u, u.experiment, today)}


def held_campaign_ids(account, today: dt.date | None = None) -> set[int]:
    """Campaigns in a running holdout's control arm, or in a held switchback period today:
    Spectra proposes for them but does not execute."""
    return set(held_campaigns(account, today))


def daily_totals(
    campaign_ids, first: dt.date, last: dt.date
) -> dict[int, dict[dt.date, tuple[float, float, float]]]:
    """{campaign: {day: (conversion value, spend, impressions, conversions)}} over [first, last]."""
    rows = (
        DailyMetric.objects.filter(campaign_id__in=list(campaign_ids), date__range=(first, last))
        .values("campaign_id", "date")
        .annotate(
            value=Sum("conversion_value"),
            spend=Sum("spend"),
            impressions=Sum("impressions"),
            conversions=Sum("conversions"),
        )
    )
    totals: dict[int, dict] = defaultdict(dict)
    for row in rows:
        totals[row["campaign_id"]][row["date"]] = (
            float(row["value"] or 0),
            float(row["spend"] or 0),
            float(row["impressions"] or 0),
            float(row["conversions"] or 0),
        )
    return totals


def lag_days_of(account) -> int:
    """How many recent days are still gathering conversions, as the optimiser measured it
    (the policy's lag window before any run): those days never count in a readout."""
    from campaigns.conversion_lag import COMPLETE, conversion_lag_of

    lag = conversion_lag_of(account)
    days = 0
    for share in lag.by_age:
        if share is not None and share >= COMPLETE:
            break
        days += 1
    return days
