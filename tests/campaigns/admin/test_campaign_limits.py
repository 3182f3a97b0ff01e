"""Limits, targets and pin are edited through campaign_update_limits; the rest is read-only."""

from decimal import Decimal

from campaigns.admin import campaigns as campaign_admin
from campaigns.models import Campaign, CampaignStatus
from campaigns.services.errors import ServiceError
from tests.campaigns.admin.conftest import change_url, messages_of


def _form(**overrides) -> dict:
    data = {
        "max_daily_spend": "8000.00",
        "total_spend_limit": "250000.00",
        "target_roas": "",
        "target_cpa": "",
        "reason": "Festival week cap",
        # AdGroup inline management form (read-only inline, no rows posted)
        "ad_groups-TOTAL_FORMS": "0",
        "ad_groups-INITIAL_FORMS": "0",
    }
    return data | overrides


def _fresh(campaign) -> Campaign:
    return Campaign.objects.get(pk=campaign.pk)


def test_an_analyst_sets_limits_and_history_records_him_and_his_reason(client, alice):
    client.force_login(alice.analyst)

    response = client.post(change_url(alice.campaign), _form(is_pinned="on"))

    assert response.status_code == 302, response.context and response.context["errors"]
    campaign = _fresh(alice.campaign)
    assert campaign.max_daily_spend == Decimal("8000.00")
    assert campaign.total_spend_limit == Decimal("250000.00")
    assert campaign.is_pinned is True
    last = Campaign.history.filter(id=campaign.pk).latest("history_date")
    assert last.history_user == alice.analyst
    assert last.history_change_reason == "Festival week cap"


def test_an_empty_reason_falls_back_to_a_default_one(client, alice):
    client.force_login(alice.analyst)

    client.post(change_url(alice.campaign), _form(reason=""))

    last = Campaign.history.filter(id=alice.campaign.pk).latest("history_date")
    assert last.history_change_reason == "Edited in the admin"


def test_the_form_shows_the_reason_field_only_to_someone_who_may_edit(client, alice):
    client.force_login(alice.analyst)
    editable = client.get(change_url(alice.campaign))
    client.force_login(alice.viewer)
    read_only = client.get(change_url(alice.campaign))

    assert b'name="reason"' in editable.content
    assert b'name="max_daily_spend"' in editable.content
    assert b'name="reason"' not in read_only.content
    assert b'name="max_daily_spend"' not in read_only.content


def test_a_viewer_cannot_edit_limits(client, alice):
    client.force_login(alice.viewer)

    response = client.post(change_url(alice.campaign), _form())

    assert response.status_code == 403
    assert _fresh(alice.campaign).max_daily_spend is None


def test_status_budget_and_spend_cannot_be_posted_into_the_form(client, alice):
    client.force_login(alice.analyst)

    client.post(
        change_url(alice.campaign),
        _form(
            status=CampaignStatus.ARCHIVED,
            daily_budget="1.00",
            spend_to_date="0",
            name="Renamed",
            account=alice.account.pk,
        ),
    )

    campaign = _fresh(alice.campaign)
    assert campaign.status == CampaignStatus.ACTIVE
    assert campaign.daily_budget == Decimal("5000.00")
    assert campaign.name == "alice campaign"
    assert campaign.max_daily_spend == Decimal("8000.00")  # the allowed part did save


def test_a_non_positive_limit_is_refused_with_a_field_error(client, alice):
    client.force_login(alice.analyst)

    response = client.post(change_url(alice.campaign), _form(max_daily_spend="0"))

    assert response.status_code == 200
    assert "max_daily_spend" in response.context["adminform"].form.errors
    assert _fresh(alice.campaign).max_daily_spend is None


def test_a_refusal_by_the_service_is_a_message_not_a_500(client, alice, monkeypatch):
    # The role check in the form and the one in the service agree; if they ever
    # did not, the service's answer wins and the page says so.
    def refuse(**kwargs):
        raise ServiceError("Limits are frozen during the audit.")

    monkeypatch.setattr(campaign_admin, "campaign_update_limits", refuse)
    client.force_login(alice.analyst)

    response = client.post(change_url(alice.campaign), _form())

    assert response.status_code == 302
    assert response.url == change_url(alice.campaign)
    assert "Limits are frozen during the audit." in messages_of(response)
    assert not any("successfully" in m for m in messages_of(response))
    assert _fresh(alice.campaign).max_daily_spend is None


def test_campaigns_cannot_be_added_or_deleted_in_the_admin(client, alice, superuser):
    client.force_login(superuser)

    assert client.get("/admin/campaigns/campaign/add/").status_code == 403
    assert client.get(f"/admin/campaigns/campaign/{alice.campaign.pk}/delete/").status_code == 403
