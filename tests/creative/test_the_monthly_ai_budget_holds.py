"""Past its monthly AI budget an organization's generation waits, its admins are told
once, and another organization is not affected."""

from decimal import Decimal

import pytest

from campaigns.models import Alert, AlertKind
from creative.llm.client import Attempt
from creative.llm.errors import AIUnavailable
from creative.metering import CallContext, meter, month_spend
from creative.models import AICall, AISettings, CallOutcome, Purpose
from tests.creative.conftest import ad_copy


def _copy(org):
    return ad_copy(org)


def test_spent_budget_stops_generation_and_alerts_once(llm, alice, bob):
    AISettings.objects.create(organization=alice.org, monthly_budget=Decimal("0.01"))
    earlier = CallContext(  # earlier this month: 24,750 tokens at $0.40/M = $0.0099
        organization_id=alice.org.pk,
        purpose=Purpose.COPY,
        provider_name="sandbox",
        model="sandbox-writer",
    )
    meter(earlier, Attempt(1, CallOutcome.OK, 100, input_tokens=24_750))
    assert month_spend(alice.org.pk) == Decimal("0.0099")
    _copy(alice.org)  # this one spends the rest

    for _ in range(2):
        with pytest.raises(AIUnavailable, match="AI budget") as refused:
            _copy(alice.org)

    assert refused.value.outcome == CallOutcome.OVER_BUDGET
    assert refused.value.retry_at.day == 1  # next month
    alert = Alert.objects.get(kind=AlertKind.AI_BUDGET)
    assert alert.organization == alice.org
    assert AICall.objects.filter(outcome=CallOutcome.OVER_BUDGET).count() == 2
    # The running total is what the calls cost, to the millionth.
    assert month_spend(alice.org.pk) == sum(AICall.objects.values_list("cost", flat=True))
    _copy(bob.org)  # bob's budget is his own
