"""A brief that cannot launch gets a message on each field that is wrong, and
nothing is created; a good one becomes a DRAFT campaign with its brief."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.account_time import account_today
from campaigns.models import Brief, Campaign, CampaignStatus, GuardrailPolicy
from campaigns.services.errors import ServiceError
from campaigns.services.launches import brief_create, brief_update
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def _data(account, **changes):
    start = account_today(account) + timedelta(days=3)
    return {
        "name": "Winter socks",
        "daily_budget": "5000",
        "total_budget": "150000",
        "objective": "conversions",
        "target_cpa": "450",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=30)).isoformat(),
        "locations": ["IN"],
        "languages": ["en", "hi"],
        "product": "Merino wool socks",
        "landing_url": "https://example.com/socks",
        "selling_points": ["Warm", "Free returns"],
        "prices": "₹799 a pair",
    } | changes


def _refused(tenant, **changes) -> dict:
    before = Campaign.objects.count(), Brief.objects.count()
    with pytest.raises(ValidationError) as refused:
        brief_create(
            account=tenant.account, data=_data(tenant.account, **changes), actor=tenant.analyst
        )
    assert (Campaign.objects.count(), Brief.objects.count()) == before  # nothing created
    return refused.value.message_dict


def test_a_good_brief_is_a_draft_campaign_with_its_brief(alice):
    campaign = brief_create(account=alice.account, data=_data(alice.account), actor=alice.analyst)

    assert (campaign.status, campaign.external_id) == (CampaignStatus.DRAFT, "")
    assert (campaign.daily_budget, campaign.total_spend_limit) == (
        Decimal("5000"),
        Decimal("150000"),
    )
    assert (campaign.target_cpa, campaign.target_roas) == (Decimal("450"), None)
    brief = campaign.brief
    assert (brief.languages, brief.selling_points, brief.created_by) == (
        ["en", "hi"],
        ["Warm", "Free returns"],
        alice.analyst,
    )
    assert campaign.history.first().history_user == alice.analyst


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"daily_budget": "50"}, "daily_budget", "Below the floor"),
        ({"daily_budget": "-5"}, "daily_budget", "more than zero"),
        ({"daily_budget": "lots"}, "daily_budget", "Enter an amount"),
        ({"daily_budget": ""}, "daily_budget", "required"),
        ({"daily_budget": "5000.005"}, "daily_budget", "steps of 0.01"),
        # Beyond what the campaign's columns hold: a field message, never a 500.
        ({"daily_budget": "1e999999999"}, "daily_budget", "Too large"),
        ({"target_cpa": "10000000000"}, "target_cpa", "Too large"),
        ({"total_budget": "1e20"}, "total_budget", "Too large"),
        ({"total_budget": "4000"}, "total_budget", "Less than one day"),
        ({"target_cpa": ""}, "target_cpa", "target cost per action"),
        ({"objective": "value", "target_cpa": ""}, "target_roas", "target ROAS"),
        ({"objective": "fame"}, "objective", "One of"),
        ({"target_roas": "0", "objective": "value"}, "target_roas", "between 0.01 and 1000"),
        ({"start_date": "2020-01-01"}, "start_date", "In the past"),
        ({"start_date": "tomorrow"}, "start_date", "A date"),
        ({"end_date": "2020-01-01"}, "end_date", "Before the start date"),
        ({"landing_url": "javascript:alert(1)"}, "landing_url", "web address"),
        ({"landing_url": "example.com"}, "landing_url", "web address"),
        ({"locations": []}, "locations", "at least one"),
        ({"languages": ["english-as-spoken"]}, "languages", "over 8 characters"),
        ({"selling_points": [f"point {n}" for n in range(25)]}, "selling_points", "At most 20"),
        ({"selling_points": [1, 2]}, "selling_points", "list of words"),
        ({"product": "  "}, "product", "Say what is offered"),
        ({"name": ""}, "name", "Give the campaign a name"),
        ({"prices": "x" * 301}, "prices", "At most 300"),
    ],
)
def test_each_wrong_field_gets_its_own_message(alice, changes, field, words):
    errors = _refused(alice, **changes)

    assert list(errors) == [field]
    assert any(words in message for message in errors[field]), errors


def test_a_yen_budget_in_sen_is_refused(alice):
    account = make_account(alice.org, currency="JPY", time_zone="Asia/Tokyo")
    data = _data(account, daily_budget="5000.50", target_cpa="450")
    with pytest.raises(ValidationError) as refused:
        brief_create(account=account, data=data, actor=alice.analyst)
    assert "steps of 1" in refused.value.message_dict["daily_budget"][0]


def test_the_organizations_launch_limit_holds(alice):
    GuardrailPolicy.objects.update_or_create(
        organization=alice.org, account=None, defaults={"max_launch_daily_budget": Decimal("3000")}
    )
    errors = _refused(alice)
    assert "limit of ₹3,000.00 a day" in errors["daily_budget"][0]


def test_a_name_the_account_already_uses_is_refused(alice):
    assert "already has a campaign" in _refused(alice, name=alice.campaign.name)["name"][0]


def test_several_wrong_fields_are_all_named_at_once(alice):
    errors = _refused(alice, daily_budget="50", landing_url="nope", locations=[])
    assert set(errors) == {"daily_budget", "landing_url", "locations"}


def test_a_viewer_cannot_write_a_brief(alice):
    with pytest.raises(PermissionDenied):
        brief_create(account=alice.account, data=_data(alice.account), actor=alice.viewer)


def test_nobody_writes_a_brief_on_another_organizations_account(alice, bob):
    with pytest.raises(PermissionDenied):
        brief_create(account=alice.account, data=_data(alice.account), actor=bob.admin)
    assert not Brief.objects.exists()


def test_a_draft_brief_changes_and_a_launched_one_does_not(alice):
    campaign = brief_create(account=alice.account, data=_data(alice.account), actor=alice.analyst)

    changed = brief_update(
        campaign=campaign, data=_data(alice.account, daily_budget="6000"), actor=alice.analyst
    )
    assert changed.daily_budget == Decimal("6000")

    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.GENERATING_ASSETS)
    campaign.refresh_from_db()
    with pytest.raises(ServiceError, match="Only a draft"):
        brief_update(campaign=campaign, data=_data(alice.account), actor=alice.analyst)
