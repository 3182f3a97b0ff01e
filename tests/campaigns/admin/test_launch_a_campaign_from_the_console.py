"""The "Launch a campaign" form: an analyst's brief becomes a draft whose page offers
"Generate assets"; a bad brief gets the launch service's messages beside its fields and
creates nothing; another organization's account is not on offer and is refused when
posted anyway; viewers cannot open the form."""

import pytest
from django.urls import reverse

from campaigns.models import Brief, Campaign, CampaignStatus
from tests.campaigns.admin.conftest import change_url, messages_of
from tests.factories import brief_fields

pytestmark = pytest.mark.django_db
URL = "/admin/campaigns/campaign/launch/"


def _post(client, user, data):
    client.force_login(user)
    return client.post(URL, data)


def _counts():
    return Campaign.objects.count(), Brief.objects.count()


def test_the_form_offers_only_accounts_of_the_analysts_organization(client, alice, bob):
    client.force_login(alice.analyst)
    page = client.get(URL).content.decode()

    assert alice.account.name in page
    assert bob.account.name not in page
    assert "Adobe Advertising" in page  # the platform comes from the account


def test_a_good_brief_becomes_a_draft_with_a_generate_button(client, alice):
    response = _post(
        client, alice.analyst, {"account": alice.account.pk, **brief_fields(alice.account)}
    )

    campaign = Campaign.objects.get(name="Winter socks launch")
    assert response.status_code == 302 and response["Location"] == change_url(campaign)
    assert campaign.status == CampaignStatus.DRAFT and campaign.account == alice.account
    assert campaign.brief.locations == ["IN", "Mumbai"]
    assert campaign.brief.selling_points == ["Warm in the cold", "Free returns"]
    page = client.get(change_url(campaign)).content.decode()
    assert 'id="launch-generate"' in page and 'id="launch-edit-brief"' in page


def test_field_errors_show_beside_their_fields_and_nothing_is_created(client, alice):
    before = _counts()
    data = {"account": alice.account.pk, **brief_fields(alice.account)}
    data |= {"daily_budget": "5000.505", "landing_url": "not a url", "objective": "value"}

    response = _post(client, alice.analyst, data)

    assert response.status_code == 200 and _counts() == before
    errors = response.context["form"].errors
    assert "steps of 0.01" in errors["daily_budget"][0]
    assert "web address" in errors["landing_url"][0]
    assert "target ROAS" in errors["target_roas"][0]
    page = response.content.decode()
    assert "Nothing was created" in page
    assert page.index("steps of 0.01") > page.index("field-daily_budget")


def test_an_absurd_amount_is_a_field_error_not_a_server_error(client, alice):
    before = _counts()
    fields = brief_fields(alice.account, daily_budget="1e999999999", target_cpa="50000000000")

    response = _post(client, alice.analyst, {"account": alice.account.pk, **fields})

    assert response.status_code == 200 and _counts() == before
    errors = response.context["form"].errors
    assert errors["daily_budget"] == errors["target_cpa"] == ["Too large."]


def test_another_organizations_account_is_refused(client, alice, bob):
    before = _counts()
    response = _post(
        client, alice.analyst, {"account": bob.account.pk, **brief_fields(bob.account)}
    )

    assert response.status_code == 200 and _counts() == before
    assert "account" in response.context["form"].errors


def test_a_viewer_cannot_open_the_form_nor_see_the_entry(client, alice):
    client.force_login(alice.viewer)
    assert client.get(URL).status_code == 403
    assert (
        _post(
            client, alice.viewer, {"account": alice.account.pk, **brief_fields(alice.account)}
        ).status_code
        == 403
    )
    listing = client.get(reverse("admin:campaigns_campaign_changelist")).content.decode()
    assert 'id="launch-a-campaign"' not in listing
    client.force_login(alice.analyst)
    listing = client.get(reverse("admin:campaigns_campaign_changelist")).content.decode()
    assert 'id="launch-a-campaign"' in listing


def test_generate_assets_starts_the_launch_and_a_failed_one_goes_back_to_draft(client, alice):
    _post(client, alice.analyst, {"account": alice.account.pk, **brief_fields(alice.account)})
    campaign = Campaign.objects.get(name="Winter socks launch")
    transition = reverse("admin:campaigns_campaign_transition", args=[campaign.pk])

    client.post(transition, {"transition": "start_asset_generation", "reason": ""})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.GENERATING_ASSETS

    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.FAILED)
    Brief.objects.filter(campaign=campaign).update(failure_reason="The copy step gave up.")
    page = client.get(change_url(campaign)).content.decode()
    assert "The launch failed: The copy step gave up." in page
    refused = client.post(transition, {"transition": "reset_to_draft", "reason": ""})
    assert "Say why" in " ".join(messages_of(refused))
    client.post(transition, {"transition": "reset_to_draft", "reason": "New landing page"})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.history.first().history_change_reason == "Back to draft: New landing page"


def test_a_drafts_brief_is_edited_with_the_same_checks(client, alice):
    _post(client, alice.analyst, {"account": alice.account.pk, **brief_fields(alice.account)})
    campaign = Campaign.objects.get(name="Winter socks launch")
    url = reverse("admin:campaigns_campaign_brief", args=[campaign.pk])
    assert "Merino wool socks" in client.get(url).content.decode()

    bad = client.post(url, brief_fields(alice.account, product=""))
    assert "Say what is offered." in bad.context["form"].errors["product"]
    client.post(url, brief_fields(alice.account, product="Alpaca socks"))
    campaign.refresh_from_db()
    assert campaign.brief.product == "Alpaca socks"


def test_another_organizations_draft_is_not_found(client, alice, bob):
    _post(client, bob.analyst, {"account": bob.account.pk, **brief_fields(bob.account)})
    campaign = Campaign.objects.get(name="Winter socks launch")
    client.force_login(alice.analyst)
    assert (
        client.get(reverse("admin:campaigns_campaign_brief", args=[campaign.pk])).status_code == 404
    )
