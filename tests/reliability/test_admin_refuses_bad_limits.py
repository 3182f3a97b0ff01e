"""Hostile input through the admin: a bad spend limit or policy value is refused on the
form with a message, and nothing is saved."""

import pytest

from campaigns.models import Campaign, GuardrailPolicy
from tests.campaigns.admin.conftest import change_url, policy_form_data

LIMIT_FORM = {
    "max_daily_spend": "8000.00",
    "total_spend_limit": "250000.00",
    "target_roas": "",
    "target_cpa": "",
    "reason": "hostile input",
    "ad_groups-TOTAL_FORMS": "0",
    "ad_groups-INITIAL_FORMS": "0",
}
BAD_LIMITS = ["-5", "0", "abc", "NaN", "Infinity", "1e20", "12.345", "8000;DROP"]


@pytest.mark.parametrize("value", BAD_LIMITS)
@pytest.mark.parametrize("field", ["max_daily_spend", "total_spend_limit"])
def test_a_bad_spend_limit_is_refused_with_a_message(client, alice, field, value):
    client.force_login(alice.analyst)

    response = client.post(change_url(alice.campaign), LIMIT_FORM | {field: value})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and errors[field][0].strip()
    campaign = Campaign.objects.get(pk=alice.campaign.pk)
    assert (campaign.max_daily_spend, campaign.total_spend_limit) == (None, None)


BAD_POLICY = [
    ("max_budget_increase_pct", "-10"),
    ("max_budget_increase_pct", "1000"),
    ("max_budget_increase_pct", "NaN"),
    ("budget_floor", "-1"),
    ("budget_floor", "lots"),
    ("max_bid_change_pct", "Infinity"),
    ("cooldown_hours", "-3"),
]


@pytest.mark.parametrize(("field", "value"), BAD_POLICY)
def test_a_bad_policy_value_is_refused_with_a_message(client, tenants, field, value):
    alice, _ = tenants
    client.force_login(alice.admin)

    response = client.post(
        change_url(alice.policy), {**policy_form_data(), field: value, "reason": "hostile"}
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors, f"{field}={value!r} was accepted"
    assert any(message.strip() for messages in form.errors.values() for message in messages)
    assert GuardrailPolicy.objects.get(pk=alice.policy.pk).version == 1
