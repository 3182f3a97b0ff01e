"""The Google Ads client against the sandbox's Google API (`<sandbox>/googleads/`).

The `sandbox` fixture (tests/executors/conftest.py) serves both APIs over one world:
Google campaign 1 is Adobe's CMP-0001, ad group 1 is AG-000001.
"""

import pytest
import requests

from executors.clients import google_ads
from executors.clients.google_ads import GoogleAdsClient
from executors.clients.google_versions import DEFAULT_API_VERSION
from executors.clients.http import RetryPolicy
from executors.sandbox.faults import FaultInjector
from executors.sandbox.google_errors import API_VERSION

CUSTOMER = "1234567890"
FAST = RetryPolicy(attempts=3, base=0.01, cap=2.0, max_seconds=10)


class CountingSession(requests.Session):
    """A session that remembers every (method, url) it sent."""

    def __init__(self):
        super().__init__()
        self.calls: list[tuple[str, str]] = []

    def request(self, method, url, *args, **kwargs):
        self.calls.append((method, url))
        return super().request(method, url, *args, **kwargs)

    def count(self, fragment: str) -> int:
        return sum(1 for _, url in self.calls if fragment in url)


@pytest.fixture(autouse=True)
def _no_cached_google_tokens():
    google_ads.forget_cached_tokens()
    yield
    google_ads.forget_cached_tokens()


def google_base(sandbox) -> str:
    return sandbox.base_url + "/googleads/"


def make_client(
    sandbox, api_version: str = DEFAULT_API_VERSION, **credentials
) -> tuple[GoogleAdsClient, CountingSession]:
    session = CountingSession()
    client = GoogleAdsClient(
        api_version=api_version,
        base_url=google_base(sandbox),
        customer_id="123-456-7890",
        credentials=sandbox.app.google.config.credentials() | credentials,
        session=session,
        read_retry=FAST,
        write_retry=FAST,
        timeout=10,
    )
    return client, session


@pytest.fixture
def google(sandbox) -> GoogleAdsClient:
    return make_client(sandbox)[0]


def set_faults(sandbox, **config) -> None:
    response = requests.post(f"{sandbox.base_url}/_sandbox/faults", json=config, timeout=10)
    assert response.status_code == 200, response.text


def fault_seed(kind: str, pattern: list[bool], rate: float = 0.5) -> int:
    """A fault seed whose first requests fail (True) or pass (False) as in `pattern`."""
    for seed in range(100_000):
        injector, config = FaultInjector(), {"rate": rate, "kinds": [kind], "seed": seed}
        if [injector.draw(config) is not None for _ in pattern] == pattern:
            return seed
    raise AssertionError("no such seed")


def google_writes(sandbox) -> list[dict]:
    writes = requests.get(f"{sandbox.base_url}/_sandbox/writes", timeout=10).json()["writes"]
    return [w for w in writes if w["platform"] == "google_ads"]


def adobe_campaign(sandbox, campaign_id: str) -> dict:
    response = requests.get(
        f"{sandbox.base_url}/campaigns/{campaign_id}", headers=sandbox.headers(), timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()


def google_headers(sandbox, token: str | None = None) -> dict[str, str]:
    """Valid Google Ads headers for raw requests."""
    config = sandbox.app.google.config
    if token is None:
        token = requests.post(
            google_base(sandbox) + "oauth2/token",
            data={
                "grant_type": "refresh_token",
                "client_id": config.client_id,
                "client_secret": config.client_secret,
                "refresh_token": config.refresh_token,
            },
            timeout=10,
        ).json()["access_token"]
    return {
        "Authorization": f"Bearer {token}",
        "developer-token": config.developer_token,
        "login-customer-id": config.login_customer_id,
    }


def api_url(sandbox, method: str, customer: str = CUSTOMER) -> str:
    return f"{google_base(sandbox)}{API_VERSION}/customers/{customer}/{method}"
