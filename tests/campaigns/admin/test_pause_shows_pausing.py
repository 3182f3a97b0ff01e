"""The console's Pause shows the campaign as "Pausing…" (list and page) until the
platform confirms; the person is told what happens in the account's mode."""

from campaigns.models import Campaign, ExecutionMode
from campaigns.services.campaigns import campaign_pause
from tests.campaigns.admin.conftest import change_url, changelist_url, messages_of, transition_url


def test_a_campaign_being_paused_shows_pausing_in_the_list_and_on_its_page(client, alice, bob):
    campaign_pause(campaign=alice.campaign, actor=alice.analyst, reason="Spend spike")
    client.force_login(alice.viewer)

    listed = client.get(changelist_url("campaign")).content.decode()
    page = client.get(change_url(alice.campaign)).content.decode()

    assert "Pausing…" in listed and "Pausing…" in page
    assert Campaign.objects.get(pk=alice.campaign.pk).status == "active"


def test_in_a_live_account_the_person_is_told_the_pause_is_on_its_way(client, alice):
    alice.account.execution_mode = ExecutionMode.LIVE
    alice.account.save(update_fields=["execution_mode"])
    client.force_login(alice.analyst)

    response = client.post(
        transition_url(alice.campaign), {"transition": "pause", "note": "Spend spike"}, follow=True
    )

    assert any(
        m.startswith("Pausing…") and "once the platform confirms" in m
        for m in messages_of(response)
    )
    assert "Pausing…" in response.content.decode()


def test_in_a_read_only_account_the_person_is_told_it_is_blocked(client, alice):
    alice.account.execution_mode = ExecutionMode.READ_ONLY
    alice.account.save(update_fields=["execution_mode"])
    client.force_login(alice.analyst)

    response = client.post(
        transition_url(alice.campaign), {"transition": "pause", "note": "Spend spike"}, follow=True
    )

    assert any("Blocked: " in m and "read-only" in m for m in messages_of(response))
