"""Reading prompt tests: which ad groups each prompt version wrote, and their traffic.

The assignment is recorded where the AI layer writes it: every generated asset carries the
prompt version that made it (campaigns.Asset.prompt_version_id), and its ad the id the
platform gave it. An ad group is in an arm when the deployed ad copy of the ad group came
from that arm's version only; one whose copy mixes both (a reviewer regenerated part of it)
is left out and counted.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from campaigns.models import Asset, AssetKind, DailyMetric
from experiments.models import Experiment, ExperimentMetric

M = ExperimentMetric
# What each rate divides: (numerator, denominator) of DailyMetric's columns.
RATE_OF = {
    M.CTR: ("clicks", "impressions"),
    M.CONVERSION_RATE: ("conversions", "clicks"),
    M.VALUE_PER_CLICK: ("conversion_value", "clicks"),
}
PROMPT_METRICS = tuple(RATE_OF)
COPY_KINDS = (AssetKind.HEADLINE, AssetKind.DESCRIPTION)


@dataclass(frozen=True)
class PromptTestUnits:
    treated: dict[int, bool]  # {ad group id: written by the treatment's version}
    mixed: int  # ad groups whose copy came from both versions, left out


def prompt_test_units(experiment: Experiment, since: dt.datetime) -> PromptTestUnits:
    """The account's ad groups whose deployed copy one of the arms' versions wrote since
    `since` (the test's start)."""
    versions = {a.prompt_version_id: not a.is_control for a in experiment.arms.all()}
    rows = (
        Asset.objects.filter(
            campaign__account_id=experiment.account_id,
            kind__in=COPY_KINDS,
            prompt_version_id__in=[v for v in versions if v is not None],
            created_at__gte=since,
        )
        .exclude(ad__external_id="")
        .values_list("ad__ad_group_id", "prompt_version_id")
        .distinct()
    )
    arms: dict[int, set[bool]] = defaultdict(set)
    for group, version in rows:
        arms[group].add(versions[version])
    treated = {g: next(iter(a)) for g, a in arms.items() if len(a) == 1}
    return PromptTestUnits(treated=treated, mixed=len(arms) - len(treated))


def ad_group_daily(
    ad_group_ids, first: dt.date, last: dt.date
) -> dict[int, dict[dt.date, dict[str, float]]]:
    """{ad group: {day: {impressions, clicks, conversions, conversion_value}}}."""
    rows = (
        DailyMetric.objects.filter(ad_group_id__in=list(ad_group_ids), date__range=(first, last))
        .values("ad_group_id", "date")
        .annotate(
            impressions=Sum("impressions"),
            clicks=Sum("clicks"),
            conversions=Sum("conversions"),
            conversion_value=Sum("conversion_value"),
        )
    )
    out: dict[int, dict] = defaultdict(dict)
    for row in rows:
        out[row["ad_group_id"]][row["date"]] = {
            k: float(row[k] or 0)
            for k in ("impressions", "clicks", "conversions", "conversion_value")
        }
    return out


def account_ad_group_totals(account, first: dt.date, last: dt.date) -> dict[int, dict]:
    """{ad group: totals over [first, last]} for the account's ad groups with traffic."""
    rows = (
        DailyMetric.objects.filter(campaign__account=account, date__range=(first, last))
        .values("ad_group_id")
        .annotate(
            impressions=Sum("impressions"),
            clicks=Sum("clicks"),
            conversions=Sum("conversions"),
            conversion_value=Sum("conversion_value"),
        )
    )
    return {
        r["ad_group_id"]: {
            k: float(r[k] or 0)
            for k in ("impressions", "clicks", "conversions", "conversion_value")
        }
        for r in rows
        if r["impressions"]
    }
