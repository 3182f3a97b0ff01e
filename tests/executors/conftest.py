"""A live sandbox platform on a free loopback port, and an account pointing at it."""

import json
from datetime import date, timedelta

import pytest
import requests

from campaigns.actors import system_user
from campaigns.services.accounts import account_set_credentials
from executors.clients.adobe import forget_cached_tokens
from executors.sandbox.server import SandboxServer
from spectra.demo import SANDBOX_CREDENTIALS
from tests.factories import make_account

HISTORY_DAYS = 14
# A fixed calendar keeps reports identical from run to run.
START = date(2026, 10, 1)
TODAY = START + timedelta(days=HISTORY_DAYS)
WINDOW = (START, TODAY - timedelta(days=1))


@pytest.fixture
def sandbox():
    forget_cached_tokens()
    with SandboxServer(
        seed=7,
        campaigns=6,
        ad_groups_per_campaign=3,
        audiences=5,
        history_days=HISTORY_DAYS,
        start_date=START,
    ) as server:
        yield server
    forget_cached_tokens()


@pytest.fixture
def sandbox_account(alice, sandbox):
    account = make_account(alice.org, name="alice sandbox", api_base_url=sandbox.base_url)
    account_set_credentials(account=account, actor=system_user(), values=SANDBOX_CREDENTIALS)
    account.refresh_from_db()
    return account


def inject(sandbox, **rows) -> None:
    # json.dumps, not requests' json=: hostile rows may carry NaN, which requests refuses.
    response = requests.post(
        f"{sandbox.base_url.rstrip('/')}/_sandbox/inject",
        data=json.dumps(rows),
        timeout=10,
        headers={"Content-Type": "application/json"},
    )
    response.raise_for_status()
