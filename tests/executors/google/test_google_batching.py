"""Mutates go out in requests of at most 10,000 operations."""

from decimal import Decimal

import pytest

from executors.sandbox.server import SandboxServer
from tests.executors.conftest import START
from tests.executors.google.conftest import make_client


@pytest.fixture(scope="module")
def big_sandbox():
    # 3,334 campaigns x 3 ad groups = 10,002 ad groups.
    with SandboxServer(
        seed=3,
        campaigns=3334,
        ad_groups_per_campaign=3,
        audiences=0,
        history_days=1,
        start_date=START,
    ) as server:
        yield server


def test_ten_thousand_and_one_bids_are_sent_in_two_requests(big_sandbox):
    client, session = make_client(big_sandbox)
    changes = [(str(i), Decimal("12.34")) for i in range(1, 10_002)]

    results = client.set_ad_group_bids(changes)

    assert session.count(":mutate") == 2
    assert len(results) == 10_001 and all(r.ok for r in results)
    assert [r.external_id for r in results[9_999:10_001]] == ["10000", "10001"]
    assert client.current_bids(["1", "10001", "10002"])["10001"] == Decimal("12.34")
    assert client.current_bids(["10002"])["10002"] != Decimal("12.34")
