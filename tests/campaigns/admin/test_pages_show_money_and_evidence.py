"""Lists and pages speak the account's currency and show the evidence behind a proposal."""

from decimal import Decimal

from campaigns.admin.display import money, value_change
from tests.campaigns.admin.conftest import change_url, changelist_url
from tests.factories import make_account, make_campaign, make_recommendation


def test_rupees_get_their_sign_and_other_currencies_their_code():
    assert money(Decimal("5000"), "INR") == "₹5,000.00"
    assert money(Decimal("1234567.5"), "USD") == "USD 1,234,567.50"
    assert money(None, "INR") == "—"


def test_a_change_reads_as_before_arrow_after_and_percentage():
    assert value_change(Decimal("5000"), Decimal("6000"), "INR") == (
        "₹5,000.00 → ₹6,000.00 (+20.0 %)"
    )
    assert value_change(Decimal("200"), Decimal("150"), "EUR") == (
        "EUR 200.00 → EUR 150.00 (-25.0 %)"
    )
    assert value_change(Decimal("0"), Decimal("100"), "INR") == "₹0.00 → ₹100.00"


def test_the_recommendation_list_shows_the_change_in_the_accounts_currency(client, alice):
    usd = make_campaign(make_account(alice.org, currency="USD"), daily_budget=Decimal("100"))
    make_recommendation(usd, proposed_value=Decimal("110"))
    client.force_login(alice.viewer)

    content = client.get(changelist_url("recommendation")).content.decode()

    assert "₹5,000.00 → ₹6,000.00 (+20.0 %)" in content
    assert "USD 100.00 → USD 110.00 (+10.0 %)" in content


def test_the_campaign_list_shows_budget_with_currency_and_a_status_badge(client, alice):
    client.force_login(alice.viewer)

    content = client.get(changelist_url("campaign")).content.decode()

    assert "₹5,000.00" in content
    assert "border-radius" in content and ">Active</span>" in content


def test_the_recommendation_page_shows_reason_and_pretty_evidence(client, alice):
    rec = make_recommendation(
        alice.campaign,
        evidence={"roas_before": 2.1, "roas_after": 2.9, "p_value": 0.03},
    )
    client.force_login(alice.viewer)

    content = client.get(change_url(rec)).content.decode()

    assert "ROAS up 40 % week over week" in content
    assert "<pre" in content
    assert "&quot;p_value&quot;: 0.03" in content


def test_the_quarantine_page_shows_the_refused_payload(client, tenants):
    alice, _ = tenants
    client.force_login(alice.viewer)

    content = client.get(change_url(alice.quarantined_row)).content.decode()

    assert "alice: clicks exceed impressions" in content
    assert "&quot;impressions&quot;: 10" in content
