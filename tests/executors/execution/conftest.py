"""A synced LIVE account on a live sandbox, and helpers to approve changes on it."""

from decimal import Decimal

import pytest
import requests

from campaigns.actors import system_user
from campaigns.models import Campaign, ExecutionMode, Recommendation, RecommendationKind
from campaigns.services.accounts import account_set_credentials
from campaigns.services.recommendations import recommendation_approve
from executors.clients.google_ads import forget_cached_tokens
from executors.sync import sync_account
from tests.executors.conftest import WINDOW
from tests.factories import make_account


@pytest.fixture
def live_account(sandbox_account):
    sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])
    sandbox_account.execution_mode = ExecutionMode.LIVE
    sandbox_account.save(update_fields=["execution_mode"])
    return sandbox_account


def approved_budget(account, approver, *, external_id="CMP-0001", factor="1.20", **kw):
    campaign = Campaign.objects.get(account=account, external_id=external_id)
    rec = Recommendation.objects.create(
        account=account,
        campaign=campaign,
        kind=RecommendationKind.BUDGET,
        current_value=campaign.daily_budget,
        proposed_value=(campaign.daily_budget * Decimal(factor)).quantize(Decimal("0.01")),
        reason="Marginal ROAS 3.1 against 1.9 at the portfolio's margin.",
        **kw,
    )
    return recommendation_approve(recommendation=rec, actor=approver)


def set_faults(sandbox, **config) -> None:
    """Configure the sandbox's fault injection (docs/sandbox-api.md)."""
    requests.post(
        f"{sandbox.base_url.rstrip('/')}/_sandbox/faults", json=config, timeout=10
    ).raise_for_status()


def sandbox_writes(sandbox) -> dict:
    return requests.get(f"{sandbox.base_url.rstrip('/')}/_sandbox/writes", timeout=10).json()


def platform_budget(sandbox, external_id: str) -> Decimal:
    world = sandbox.world
    return Decimal(str(world.campaign(world.campaign_index(external_id))["budget"]["allocated"]))


@pytest.fixture
def google_account(sandbox, alice):
    forget_cached_tokens()
    account = make_account(
        alice.org,
        platform="google_ads",
        external_id="123-456-7890",
        api_base_url=sandbox.base_url.rstrip("/") + "/googleads/",
        execution_mode=ExecutionMode.LIVE,
    )
    account = account_set_credentials(
        account=account, actor=system_user(), values=sandbox.app.google.config.credentials()
    )
    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])
    return account
