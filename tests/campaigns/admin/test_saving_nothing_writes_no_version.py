"""Saving a form with nothing changed writes no history row (and says so); a real change
still does. The reason box alone is not a change."""

from campaigns.models import Campaign
from tests.campaigns.admin.conftest import change_url, messages_of
from tests.campaigns.admin.test_campaign_limits import _form


def _versions(campaign) -> int:
    return Campaign.history.filter(id=campaign.pk).count()


def test_an_unchanged_form_saved_with_a_reason_writes_no_version(client, alice):
    client.force_login(alice.analyst)
    client.post(change_url(alice.campaign), _form())
    before = _versions(alice.campaign)

    response = client.post(change_url(alice.campaign), _form(reason="just looking"), follow=True)

    assert response.status_code == 200
    assert _versions(alice.campaign) == before
    assert any("Nothing was changed" in m for m in messages_of(response))


def test_a_changed_field_still_writes_one(client, alice):
    client.force_login(alice.analyst)
    client.post(change_url(alice.campaign), _form())
    before = _versions(alice.campaign)

    client.post(change_url(alice.campaign), _form(max_daily_spend="9000.00"))

    assert _versions(alice.campaign) == before + 1
