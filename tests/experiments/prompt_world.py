"""A world for prompt tests: an account with recent ad-group traffic, two published
versions of one prompt sharing live calls, and launches written by one or the other."""

import datetime as dt

import numpy as np
from django.utils import timezone

from campaigns.account_time import account_today
from campaigns.models import Ad, AdKind, Asset, AssetKind, DailyMetric
from creative.models import PromptStatus, PromptVersion
from experiments.selectors import lag_days_of
from experiments.services.prompt_tests import PromptTestPlan
from spectra.prompt_tests import prompt_test_plan
from tests.experiments.ad_groups import ad_group_traffic
from tests.factories import make_ad_group, make_campaign

PROMPT = "copy-trial"
ALIKE = 3.0  # one advertiser's ad groups for one product line: far more alike than the sandbox's


def versions(shares=(50, 50)) -> tuple[PromptVersion, PromptVersion]:
    made = []
    for number, share in enumerate(shares, start=1):
        made.append(
            PromptVersion.objects.create(
                name=PROMPT,
                version=number,
                system="You write ads.",
                template="Write ads for {brief}.",
                variables=["brief"],
                schema="ad_copy",
                status=PromptStatus.PUBLISHED,
                traffic_share=share,
            )
        )
    return made[0], made[1]


def _metrics(groups, first: dt.date, traffic: dict) -> None:
    at = timezone.now()
    rows = []
    for i, group in enumerate(groups):
        for k in range(traffic["impressions"].shape[1]):
            rows.append(
                DailyMetric(
                    ad_group=group,
                    campaign=group.campaign,
                    date=first + dt.timedelta(days=k),
                    impressions=int(traffic["impressions"][i, k]),
                    clicks=int(traffic["clicks"][i, k]),
                    conversions=int(traffic["conversions"][i, k]),
                    conversion_value=round(float(traffic["conversion_value"][i, k]), 2),
                    spend=100,
                    synced_at=at,
                )
            )
    DailyMetric.objects.bulk_create(rows)


def history(account, groups: int = 40, days: int = 28, seed: int = 11) -> None:
    """`groups` ad groups with `days` complete days of traffic before today."""
    campaign = make_campaign(account, name=f"{account.name} running")
    made = [make_ad_group(campaign) for _ in range(groups)]
    last = account_today(account) - dt.timedelta(days=1 + lag_days_of(account))
    rng = np.random.default_rng(seed)
    _metrics(
        made, last - dt.timedelta(days=days - 1), ad_group_traffic(rng, groups, days, alike=ALIKE)
    )


def planned(account, analyst, control, treatment, **kw):
    history(account)
    fields = dict(
        account=account,
        name="Warmer headlines",
        prompt_name=PROMPT,
        control_version_id=control.pk,
        treatment_version_id=treatment.pk,
        planned_days=28,
        planned_looks=1,
    )
    return prompt_test_plan(plan=PromptTestPlan(**(fields | kw)), actor=analyst)


def launches(experiment, groups: int = 40, *, lift=0.0, seed=5, mixed=0, treatment_share=0.5):
    """`groups` launched ad groups, each written by version A or B at random (`mixed` more
    with copy from both), and their traffic over the planned days (treatment's CTR × 1 +
    lift). Returns the day a readout sees every planned day complete."""
    rng = np.random.default_rng(seed)
    arms = {a.is_control: a.prompt_version_id for a in experiment.arms.all()}
    treated = rng.random(groups) < treatment_share
    made = []
    for i in range(groups + mixed):
        campaign = make_campaign(experiment.account, name=f"launch {i}")
        group = make_ad_group(campaign)
        ad = Ad.objects.create(
            campaign=campaign,
            ad_group=group,
            kind=AdKind.RESPONSIVE_SEARCH,
            final_url="https://example.com/",
            external_id=f"AD-{group.pk}",
        )
        writers = [arms[True], arms[False]] if i >= groups else [arms[not treated[i]]] * 2
        for position, version in enumerate(writers):
            Asset.objects.create(
                campaign=campaign,
                ad=ad,
                kind=AssetKind.HEADLINE,
                position=position,
                text=f"Headline {position}",
                prompt_version_id=version,
            )
        made.append(group)
    days = experiment.planned_days
    flags = np.concatenate([treated, np.zeros(mixed, bool)])
    traffic = ad_group_traffic(rng, groups + mixed, days, ctr_lift=lift, treated=flags, alike=ALIKE)
    _metrics(made, experiment.start_date, traffic)
    account = experiment.account
    return experiment.start_date + dt.timedelta(days=days + lag_days_of(account) + 1)
