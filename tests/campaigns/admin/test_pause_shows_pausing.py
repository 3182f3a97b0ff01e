"""The console's Pause shows the campaign as "Pausing…" (list and page) until the
platform confirms, and its button says "Pausing…" and cannot be pressed meanwhile (the
same for Resume); the person is told what happens in the account's mode."""

import re

from campaigns.models import Campaign, CampaignStatus, ExecutionMode, Recommendation
from campaigns.services.campaigns import campaign_pause, campaign_resume
from campaigns.services.recommendations import recommendation_block
from tests.campaigns.admin.conftest import change_url, changelist_url, messages_of, transition_url

PAUSE_BUTTON = re.compile(r'<button type="submit" name="transition" value="pause"')
RESUME_BUTTON = re.compile(r'<button type="submit" name="transition" value="resume"')


def _held_button(page: str, name: str) -> str:
    """The disabled button of `name` and the reason shown under it ('' if none)."""
    button = re.search(
        rf'<button type="button"[^>]*id="transition-{name}" disabled[^>]*>([^<]*)<', page
    )
    why = re.search(rf'id="transition-{name}-held">([^<]*)<', page)
    return f"{button.group(1)} | {why.group(1)}" if button and why else ""


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
        transition_url(alice.campaign),
        {"transition": "pause", "reason": "Spend spike"},
        follow=True,
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
        transition_url(alice.campaign),
        {"transition": "pause", "reason": "Spend spike"},
        follow=True,
    )

    assert any("Blocked: " in m and "read-only" in m for m in messages_of(response))


def test_while_a_pause_is_on_its_way_the_page_offers_no_pause_button_and_says_why(client, alice):
    alice.account.execution_mode = ExecutionMode.LIVE
    alice.account.save(update_fields=["execution_mode"])
    campaign_pause(campaign=alice.campaign, actor=alice.analyst, reason="Spend spike")
    client.force_login(alice.analyst)

    page = client.get(change_url(alice.campaign)).content.decode()

    assert not PAUSE_BUTTON.search(page)
    held = _held_button(page, "pause")
    assert held.startswith("Pausing… | Asked for by alice-analyst at ")
    assert "(Asia/Kolkata). Pausing…: the pause of " in held  # the account's clock
    assert held.endswith("once the platform confirms.")
    assert 'value="archive"' in page  # the other transitions stay


def test_in_a_dry_run_account_the_held_button_says_the_pause_is_simulated(client, alice):
    campaign_pause(campaign=alice.campaign, actor=alice.analyst, reason="Spend spike")
    client.force_login(alice.analyst)

    held = _held_button(client.get(change_url(alice.campaign)).content.decode(), "pause")

    assert "Simulated: " in held and "nothing is written to the platform" in held


def test_while_a_resume_is_on_its_way_the_page_offers_no_resume_button(client, alice):
    Campaign.objects.filter(pk=alice.campaign.pk).update(status=CampaignStatus.PAUSED)
    campaign_resume(campaign=alice.campaign, actor=alice.analyst, reason="Back on")
    client.force_login(alice.analyst)

    page = client.get(change_url(alice.campaign)).content.decode()

    assert not RESUME_BUTTON.search(page)
    assert _held_button(page, "resume").startswith("Resuming… | Asked for by alice-analyst at ")


def test_pressing_pause_twice_asks_the_platform_once_and_says_so(client, alice):
    client.force_login(alice.analyst)
    form = {"transition": "pause", "reason": "Spend spike"}

    client.post(transition_url(alice.campaign), form)
    second = client.post(transition_url(alice.campaign), form, follow=True)

    assert Recommendation.objects.filter(campaign=alice.campaign, kind="pause").count() == 1
    assert any(
        m.startswith("Pausing… already: ") and "nothing more was sent" in m
        for m in messages_of(second)
    )
    assert not PAUSE_BUTTON.search(second.content.decode())


def test_a_pause_that_did_not_go_through_gives_the_button_back(client, alice):
    change = campaign_pause(campaign=alice.campaign, actor=alice.analyst, reason="Spend spike")
    recommendation_block(
        recommendation=change, actor=alice.analyst, rule="kill_switch", detail="switched off"
    )
    client.force_login(alice.analyst)

    page = client.get(change_url(alice.campaign)).content.decode()

    assert PAUSE_BUTTON.search(page)
    assert not _held_button(page, "pause")
