"""Lists and pages speak the account's currency and show the evidence behind a proposal."""

from decimal import Decimal

from campaigns.admin.display import money, value_change
from tests.campaigns.admin.conftest import change_url, changelist_url
from tests.factories import make_account, make_campaign, make_recommendation


def test_rupees_get_their_sign_and_other_currencies_their_code():
    assert money(Decimal("5000"), "INR") == "₹5,000.00"
    assert money(Decimal("1234567.5"), "USD") == "USD 1,234,567.50"
    assert money(None, "INR") == "—"


def test_rupees_are_grouped_in_lakhs_and_crores():
    assert money(Decimal("500000"), "INR") == "₹5,00,000.00"
    assert money(Decimal("123456789.5"), "INR") == "₹12,34,56,789.50"
    assert money(Decimal("-150000"), "INR") == "-₹1,50,000.00"
    assert money(Decimal("999"), "INR") == "₹999.00"
    assert money(Decimal("500000"), "USD") == "USD 500,000.00"


def test_a_change_reads_as_before_arrow_after_and_percentage():
    assert value_change(Decimal("500000"), Decimal("600000"), "INR") == (
        "₹5,00,000 → ₹6,00,000 (+20 %)"
    )
    assert value_change(Decimal("200"), Decimal("150"), "EUR") == "EUR 200 → EUR 150 (-25 %)"
    assert value_change(Decimal("0"), Decimal("100"), "INR") == "₹0 → ₹100"


def test_a_change_keeps_paise_and_a_fractional_percentage_when_there_are_any():
    assert value_change(Decimal("15.50"), Decimal("17.25"), "INR") == ("₹15.50 → ₹17.25 (+11.3 %)")


def test_the_recommendation_list_shows_the_change_in_the_accounts_currency(client, alice):
    usd = make_campaign(make_account(alice.org, currency="USD"), daily_budget=Decimal("100"))
    make_recommendation(usd, proposed_value=Decimal("110"))
    client.force_login(alice.viewer)

    content = client.get(changelist_url("recommendation")).content.decode()

    assert "₹5,000 → ₹6,000 (+20 %)" in content
    assert "USD 100 → USD 110 (+10 %)" in content


def test_the_campaign_list_shows_budget_with_currency_and_a_status_badge(client, alice):
    client.force_login(alice.viewer)

    content = client.get(changelist_url("campaign")).content.decode()

    assert '<td class="field-daily_budget_display">₹5,000</td>' in content  # read at a glance
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
