"""The migration that gives a provider's health row the shared breaker's fields keeps a
breaker that was open before it open (until the same time), and a healthy one closed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import BreakerState
from creative.llm import health
from creative.models import ProviderHealth
from tests.factories import migrate

BEFORE = [("creative", "0004_alter_aicall_options_alter_aiprovider_options_and_more")]


@pytest.fixture
def back_to_latest_afterwards():
    """Leave the schema fully migrated: later tests share this database."""
    yield
    migrate()


@pytest.mark.django_db(transaction=True)
def test_an_open_provider_breaker_stays_open_until_the_same_time(back_to_latest_afterwards):
    until = timezone.now() + timedelta(seconds=45)
    OldHealth = migrate(BEFORE).get_model("creative", "ProviderHealth")
    OldHealth.objects.create(scope="provider:1", consecutive_failures=5, open_until=until)
    OldHealth.objects.create(scope="provider:2", consecutive_failures=1)

    migrate()  # through 0005_provider_health_breaker

    tripped, healthy = ProviderHealth.objects.order_by("scope")
    assert (tripped.state, tripped.retry_at, tripped.consecutive_failures) == (
        BreakerState.OPEN,
        until,
        5,
    )
    assert healthy.state == BreakerState.CLOSED
    assert health.admit("provider:1", timezone.now()) == until
    assert health.admit("provider:2", timezone.now()) is None
