"""A month's AI bill per organization: lines by campaign and purpose in cents that add
up to the total, on screen and as CSV, and only ever the person's own."""

from datetime import UTC, date, datetime
from decimal import Decimal

from django.urls import reverse

from creative.invoices import cents_that_add_up, invoice_for
from creative.models import AICall

URL = reverse("admin:creative_aicall_invoice")


def test_lines_rounded_to_the_cent_add_up_to_the_total_rounded_once():
    amounts = [Decimal("0.004"), Decimal("0.004"), Decimal("0.004")]  # $0.012 in all

    lines, total = cents_that_add_up(amounts)

    assert total == Decimal("0.01")
    assert sum(lines) == total
    assert lines == [Decimal("0.01"), Decimal("0.00"), Decimal("0.00")]


def test_many_small_amounts_still_add_up():
    amounts = [Decimal("0.000333")] * 3000 + [Decimal("1.235")]

    lines, total = cents_that_add_up(amounts)

    assert sum(lines) == total == Decimal("2.23")


def _call(org, campaign, purpose, cost, when):
    call = AICall.objects.create(
        organization=org,
        campaign=campaign,
        purpose=purpose,
        provider_name="sandbox",
        model="sandbox-writer",
        outcome="ok",
        cost=Decimal(cost),
        input_tokens=100,
        output_tokens=50,
    )
    AICall.objects.filter(pk=call.pk).update(created_at=when)


def test_the_invoice_groups_by_campaign_and_purpose_within_the_month(alice):
    inside = datetime(2026, 11, 15, tzinfo=UTC)
    _call(alice.org, alice.campaign, "copy", "0.125", inside)
    _call(alice.org, alice.campaign, "copy", "0.125", inside)
    _call(alice.org, alice.campaign, "safety", "0.010", inside)
    _call(alice.org, None, "test", "0.003", inside)
    _call(alice.org, alice.campaign, "copy", "9.000", datetime(2026, 12, 1, tzinfo=UTC))

    invoice = invoice_for(organization_id=alice.org.pk, month=date(2026, 11, 1))

    got = [(line.campaign, line.purpose, line.calls, line.cost) for line in invoice.lines]
    assert got == [
        ("(no campaign)", "Prompt test", 1, Decimal("0.00")),
        ("alice campaign", "Ad copy", 2, Decimal("0.25")),
        ("alice campaign", "Brand-safety judge", 1, Decimal("0.01")),
    ]
    assert invoice.total == Decimal("0.26") == sum(line.cost for line in invoice.lines)


def test_the_page_and_the_csv_show_the_bill(client, alice):
    _call(alice.org, alice.campaign, "copy", "1.5", datetime(2026, 11, 3, tzinfo=UTC))
    client.force_login(alice.viewer)

    page = client.get(URL, {"organization": alice.org.pk, "month": "2026-11"}).content.decode()
    csv = client.get(URL, {"organization": alice.org.pk, "month": "2026-11", "format": "csv"})

    assert "<strong>$1.50</strong>" in page
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[-1] == "total,,1,,,,1.50"


def test_a_bad_month_is_a_message_not_a_500(client, alice):
    client.force_login(alice.viewer)

    response = client.get(URL, {"month": "November"}, follow=True)

    assert response.status_code == 200
    assert "is not a month" in response.content.decode()


def test_bob_cannot_read_alices_bill(client, alice, bob):
    _call(alice.org, alice.campaign, "copy", "7.77", datetime(2026, 11, 3, tzinfo=UTC))
    client.force_login(bob.admin)

    page = client.get(URL, {"organization": alice.org.pk, "month": "2026-11"}).content.decode()

    assert "7.77" not in page and "alice" not in page
