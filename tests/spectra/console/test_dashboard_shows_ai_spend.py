"""The dashboard says what the AI cost this month against the budget, per tenant."""

from decimal import Decimal

from django.urls import reverse

from creative.llm.client import Attempt
from creative.metering import CallContext, meter
from creative.models import AISettings, CallOutcome, Purpose


def _spend(org, tokens):
    context = CallContext(
        organization_id=org.pk,
        purpose=Purpose.COPY,
        provider_name="sandbox",
        model="sandbox-writer",
    )
    meter(context, Attempt(1, CallOutcome.OK, 100, input_tokens=tokens))


def test_each_organization_sees_its_own_ai_spend_against_its_budget(client, alice, bob):
    from creative.defaults import install_defaults

    install_defaults()
    AISettings.objects.create(organization=alice.org, monthly_budget=Decimal("25"))
    _spend(alice.org, 3_000_000)  # $1.20 at $0.40 per million
    _spend(bob.org, 50_000_000)  # $20.00
    client.force_login(alice.viewer)

    page = client.get(reverse("admin:index")).content.decode()

    tile = page.split('id="tile-ai-spend"', 1)[1].split("</a>", 1)[0]
    assert "$1.20" in tile and "of a $25 budget" in tile
    assert "$20.00" not in page
