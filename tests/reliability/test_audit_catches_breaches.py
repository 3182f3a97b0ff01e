"""The chaos audit is not blind: each figure it must report as zero does count a breach."""

from decimal import Decimal
from types import SimpleNamespace

from campaigns.models import Campaign
from tests.reliability.harness import _Account, _duplicates, _mismatches
from tests.spectra.cycle.conftest import synced_account


def _entry(platform: str) -> SimpleNamespace:
    return SimpleNamespace(account=SimpleNamespace(pk=1, platform=platform))


def _write(key=None, *, day=3, path="/campaign/CMP-0001", amount=100.0) -> dict:
    body = {"budget": {"allocated": amount, "currency": "INR"}}
    return {"idempotencyKey": key, "day": day, "path": path, "body": body}


def test_an_adobe_key_applied_twice_is_a_duplicate():
    writes = [_write("k1"), _write("k2"), _write("k1")]
    assert _duplicates(_entry("adobe"), writes) == [(1, "k1", 2)]


def test_the_same_google_write_twice_in_a_day_is_a_duplicate_but_not_on_another_day():
    assert len(_duplicates(_entry("google_ads"), [_write(), _write()])) == 1
    assert _duplicates(_entry("google_ads"), [_write(day=3), _write(day=4)]) == []


def test_a_platform_change_spectra_does_not_know_of_is_a_mismatch(alice, today_sandbox):
    account = synced_account(alice.org, today_sandbox)
    entry = _Account(account, today_sandbox)
    assert _mismatches(entry) == []

    campaign = Campaign.objects.filter(account=account).first()
    with today_sandbox.lock:
        today_sandbox.world.set_campaign_budget(campaign.external_id, 1234.0)

    assert _mismatches(entry) == [(campaign.pk, "budget", campaign.daily_budget, Decimal("1234"))]
