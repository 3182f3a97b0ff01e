"""A mutate whose answer is lost is never re-sent blindly: OutcomeUnknown says read back."""

from decimal import Decimal

import pytest

from executors.clients.errors import OutcomeUnknown
from tests.executors.google.conftest import google_writes, make_client, set_faults


def test_a_reset_during_a_mutate_raises_outcome_unknown_and_sends_it_once(sandbox):
    client, session = make_client(sandbox)
    client.access_token()
    set_faults(sandbox, rate=1.0, kinds=["reset"])

    with pytest.raises(OutcomeUnknown) as err:
        client.set_ad_group_bids([("3", Decimal("31.00")), ("4", Decimal("32.00"))])

    assert session.count(":mutate") == 1, "no blind retry: Google has no idempotency key"
    assert err.value.unknown == ["3", "4"]
    assert not err.value.retryable
    assert "read the values back" in str(err.value)
    set_faults(sandbox, rate=0)
    # The write did happen; reading back is how the executor finds out.
    assert client.current_bids(["3", "4"]) == {"3": Decimal("31.00"), "4": Decimal("32.00")}
    assert len(google_writes(sandbox)) == 2


def test_a_cut_off_answer_to_a_mutate_is_an_unknown_outcome_too(sandbox):
    client, session = make_client(sandbox)
    client.access_token()
    set_faults(sandbox, rate=1.0, kinds=["malformed"])

    with pytest.raises(OutcomeUnknown):
        client.set_campaign_statuses([("5", "paused")])

    assert session.count(":mutate") == 1
    set_faults(sandbox, rate=0)
    assert client.current_statuses(["5"]) == {"5": "paused"}


def test_a_timeout_during_a_mutate_is_an_unknown_outcome(sandbox):
    client, session = make_client(sandbox)
    client.timeout = 0.3
    client.access_token()
    set_faults(sandbox, rate=1.0, kinds=["slow"], slowSeconds=1.0)

    with pytest.raises(OutcomeUnknown):
        client.set_ad_group_bids([("6", Decimal("16.00"))])

    assert session.count(":mutate") == 1


def test_earlier_batches_are_reported_as_completed_when_a_later_one_is_lost(sandbox, monkeypatch):
    monkeypatch.setattr("executors.clients.google_ads.MAX_OPERATIONS", 2)
    client, _ = make_client(sandbox)
    client.access_token()
    set_faults(sandbox, rate=0)
    original = client._send_write
    sent = []

    def lose_the_second(url, headers, body):
        sent.append(body)
        if len(sent) == 2:
            raise OutcomeUnknown("lost")
        return original(url, headers, body)

    client._send_write = lose_the_second
    changes = [(str(i), Decimal("10.00")) for i in range(1, 6)]

    with pytest.raises(OutcomeUnknown) as err:
        client.set_ad_group_bids(changes)

    assert [r.external_id for r in err.value.completed] == ["1", "2"]
    assert err.value.unknown == ["3", "4"]
    assert err.value.unsent == ["5"]
