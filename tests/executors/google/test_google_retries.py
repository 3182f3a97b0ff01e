"""Throttling is retried after the delay Google asks for; refusals never are."""

import time
from decimal import Decimal

import pytest
import requests

from executors.clients.errors import OutcomeUnknown, PlatformUnavailable
from tests.executors.google.conftest import (
    api_url,
    fault_seed,
    google_headers,
    google_writes,
    make_client,
    set_faults,
)

BUDGET = {
    "operations": [
        {
            "update": {
                "resourceName": "customers/1234567890/campaignBudgets/1",
                "amountMicros": "5000000000",
            },
            "updateMask": "amountMicros",
        }
    ]
}


def test_throttling_is_answered_as_resource_temporarily_exhausted_with_a_retry_delay(sandbox):
    headers = google_headers(sandbox)
    set_faults(sandbox, rate=1.0, kinds=["429"], retryAfter=2)

    response = requests.post(
        api_url(sandbox, "campaignBudgets:mutate"), json=BUDGET, headers=headers
    )

    error = response.json()["error"]
    assert (response.status_code, error["status"]) == (429, "RESOURCE_EXHAUSTED")
    failure = error["details"][0]["errors"][0]
    assert failure["errorCode"] == {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"}
    assert failure["details"]["quotaErrorDetails"]["retryDelay"] == "2s"
    assert google_writes(sandbox) == []


def test_resource_temporarily_exhausted_is_retried_after_the_asked_delay(sandbox):
    client, session = make_client(sandbox)
    client.access_token()  # so the mutate is the first request the faults see
    set_faults(
        sandbox, rate=0.5, kinds=["429"], retryAfter=1, seed=fault_seed("429", [True, False])
    )

    started = time.monotonic()
    results = client.set_ad_group_bids([("1", Decimal("19.99"))])
    elapsed = time.monotonic() - started

    assert results[0].ok
    assert session.count(":mutate") == 2
    assert elapsed >= 1.0, "the client waited the retryDelay Google asked for"
    assert len(google_writes(sandbox)) == 1


def test_the_write_rate_limit_is_googles_quota_error_and_the_client_waits_it_out(sandbox):
    client, session = make_client(sandbox)
    set_faults(sandbox, writeRateLimit=1)

    first = client.set_ad_group_bids([("1", Decimal("10.00"))])
    second = client.set_ad_group_bids([("2", Decimal("11.00"))])

    assert first[0].ok and second[0].ok
    assert session.count(":mutate") == 3  # the second was throttled once, then applied


def test_a_server_error_in_googles_shape_is_an_unknown_outcome_never_resent(sandbox):
    # Google documents no 5xx as "not applied" (INTERNAL_ERROR and TRANSIENT_ERROR only
    # say to retry), and a mutate has no idempotency key: resending could apply it twice.
    client, session = make_client(sandbox)
    client.access_token()
    set_faults(sandbox, rate=1.0, kinds=["500"])

    with pytest.raises(OutcomeUnknown):
        client.set_campaign_statuses([("2", "paused")])

    assert session.count(":mutate") == 1


def test_throttling_that_outlasts_the_retries_is_raised_as_unavailable(sandbox):
    client, session = make_client(sandbox)
    client.access_token()
    set_faults(sandbox, rate=1.0, kinds=["429"], retryAfter=0)

    with pytest.raises(PlatformUnavailable) as err:
        client.set_ad_group_bids([("1", Decimal("10.00"))])

    assert err.value.code == "quotaError.RESOURCE_TEMPORARILY_EXHAUSTED"
    assert session.count(":mutate") == 3  # the policy's attempts
    assert google_writes(sandbox) == []


def test_reads_are_retried_on_throttling_too(sandbox):
    client, session = make_client(sandbox)
    client.access_token()
    set_faults(
        sandbox, rate=0.5, kinds=["429"], retryAfter=0, seed=fault_seed("429", [True, False])
    )

    assert len(list(client.campaigns())) == 6
    assert session.count("googleAds:searchStream") == 2
