"""Organization A (alice) with a row of every kind, and a way to prove none of it changed."""

import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core import serializers
from django.utils import timezone

from campaigns.models import (
    Ad,
    AdKind,
    Alert,
    Asset,
    AssetKind,
    CampaignStatus,
    ChangeSet,
    DailyMetric,
    GuardrailPolicy,
    RecommendationStatus,
)
from executors.models import ExecutionLog
from experiments.models import Experiment
from optimizer.models import OptimizationRun
from tests.factories import make_ad_group, make_launched_campaign, make_recommendation


@pytest.fixture
def victim(alice):
    """alice's tenant with one row of every kind the API and the admin show."""
    metric = DailyMetric.objects.create(
        ad_group=alice.ad_group,
        campaign=alice.campaign,
        date=date(2026, 1, 1),
        impressions=10,
        clicks=1,
        synced_at=timezone.now(),
    )
    run = OptimizationRun.objects.create(
        account=alice.account,
        as_of=date(2026, 1, 2),
        window_start=date(2025, 12, 1),
        window_end=date(2026, 1, 1),
    )
    executed = make_recommendation(alice.campaign, status=RecommendationStatus.EXECUTED)
    execution = ExecutionLog.objects.create(
        recommendation=executed,
        account=alice.account,
        action="adobe.campaign_budget",
        mode="live",
        idempotency_key=uuid.uuid4(),
        outcome="succeeded",
    )
    alert = Alert.objects.create(
        organization=alice.org, account=alice.account, kind="sync_failed", title="alice alert"
    )
    policy = GuardrailPolicy.objects.create(organization=alice.org)
    change_set = ChangeSet.objects.create(
        account=alice.account, run=run, total_before=5000, total_after=5000
    )
    make_recommendation(alice.campaign, change_set=change_set)
    experiment = Experiment.objects.create(
        account=alice.account, kind="holdout", name="alice experiment", planned_days=28
    )
    # A launch in review, with one ad and one headline: what the briefs and assets show.
    launch = make_launched_campaign(
        alice.account, status=CampaignStatus.PENDING_DEPLOYMENT, name="alice launch"
    )
    ad = Ad.objects.create(
        campaign=launch,
        ad_group=make_ad_group(launch, external_id=""),
        kind=AdKind.RESPONSIVE_SEARCH,
    )
    asset = Asset.objects.create(
        campaign=launch, ad=ad, kind=AssetKind.HEADLINE, text="Warm merino socks"
    )
    return SimpleNamespace(
        experiment=experiment,
        brief=launch.brief,
        asset=asset,
        **vars(alice),
        metric=metric,
        run=run,
        executed=executed,
        execution=execution,
        alert=alert,
        policy=policy,
        change_set=change_set,
    )


def snapshot() -> str:
    """Every row of every model, serialized: equal snapshots mean nothing changed."""
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label
        in {"campaigns", "optimizer", "executors", "experiments", "api", "auth", "admin"}
        and m._meta.model_name not in {"organizationrequestcount", "session"}
    ]
    parts = []
    for model in sorted(models, key=lambda m: m._meta.label):
        rows = model._default_manager.order_by("pk")
        fields = None
        if model._meta.label == "api.ApiToken":
            # The attacker's own token notes when it was used; that is no change to A.
            fields = [f.name for f in model._meta.fields if f.name != "last_used_at"]
        parts.append(serializers.serialize("json", rows, fields=fields))
    return "\n".join(parts)
