"""The sandbox model on loopback as the environment's provider, Spectra's default
prompts and prices, and retries that wait milliseconds instead of seconds."""

import json
import urllib.request

import pytest

from creative.defaults import install_defaults
from creative.llm import client
from creative.metering import forget_prices
from sandbox.llm import LLMSandboxServer

BRIEF = {
    "theme": "waterproof trail shoes",
    "product": "Trailblazer GTX",
    "selling_points": "waterproof uppers\nfree returns\n30-day trial",
    "brief": "Launch the Trailblazer GTX for autumn hikers in the UK.",
}


@pytest.fixture
def llm(settings, db):
    with LLMSandboxServer(seed=7) as server:
        settings.SANDBOX_LLM_URL = server.base_url
        settings.SPECTRA_LLM_BASE_URL = ""
        install_defaults()
        server.set_faults(retryAfterSeconds=0, slowSeconds=3)
        yield server


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch, settings):
    forget_prices()  # a process's price cache must not carry one test's prices to the next
    settings.SPECTRA_LLM_REQUESTS_PER_MINUTE = 10_000
    monkeypatch.setattr(client, "BACKOFF_BASE_S", 0.001)
    settings.LLM_BREAKER_FAILURES = 5


def sandbox_log(server) -> list[dict]:
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/_sandbox/requests") as r:
        return json.loads(r.read())["requests"]


def ad_copy(org, *, campaign=None, variables=None):
    """Generate ad copy for the test brief, as the launch will."""
    from creative.fallbacks import fallback_ad_copy
    from creative.models import Purpose
    from creative.services.generate import generate

    return generate(
        organization_id=org.pk,
        campaign_id=campaign.pk if campaign is not None else None,
        purpose=Purpose.COPY,
        prompt="ad-copy",
        variables=variables or BRIEF,
        fallback=fallback_ad_copy,
    )
