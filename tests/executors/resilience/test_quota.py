"""Daily operations per account: counted exactly, by the account's own day, and enforced."""

from datetime import UTC, datetime, timedelta

import pytest

from campaigns.models import AdAccount
from executors.models import ApiQuotaUsage
from executors.resilience import (
    QuotaExhausted,
    quota_record,
    quota_remaining,
    quota_reserve,
    quota_used,
)
from tests.executors.resilience.conftest import race
from tests.factories import make_account

# 17:00 UTC is 22:30 in Asia/Kolkata; 18:30 UTC is the next local midnight.
EVENING = datetime(2026, 10, 15, 17, 0, tzinfo=UTC)
NEXT_LOCAL_DAY = datetime(2026, 10, 15, 18, 30, tzinfo=UTC)


@pytest.fixture
def google(alice, settings):
    settings.PLATFORM_DAILY_OPERATIONS = {"google_ads": 100, "adobe": 0}
    return make_account(alice.org, name="alice google", platform="google_ads")


def test_recorded_operations_reduce_what_remains_today(google):
    assert quota_remaining(google, now=EVENING) == 100

    quota_record(google, 30, now=EVENING)
    quota_record(google, 12, mutate=True, now=EVENING)

    assert quota_remaining(google, now=EVENING) == 58
    usage = ApiQuotaUsage.objects.get(account=google)
    assert (usage.day.isoformat(), usage.operations, usage.mutate_operations) == (
        "2026-10-15",
        42,
        12,
    )


def test_the_day_is_the_accounts_own(google):
    quota_record(google, 40, now=EVENING)

    assert quota_remaining(google, now=NEXT_LOCAL_DAY - timedelta(seconds=1)) == 60
    assert quota_remaining(google, now=NEXT_LOCAL_DAY) == 100
    quota_record(google, 5, now=NEXT_LOCAL_DAY)
    assert sorted(ApiQuotaUsage.objects.values_list("day", "operations")) == [
        (datetime(2026, 10, 15).date(), 40),
        (datetime(2026, 10, 16).date(), 5),
    ]


def test_a_reservation_within_the_limit_is_counted(google):
    quota_reserve(google, 60, mutate=True, now=EVENING)
    quota_reserve(google, 40, mutate=True, now=EVENING)

    assert quota_remaining(google, now=EVENING) == 0


def test_a_reservation_beyond_the_limit_raises_and_counts_nothing(google):
    quota_record(google, 95, now=EVENING)

    with pytest.raises(QuotaExhausted) as refused:
        quota_reserve(google, 10, mutate=True, now=EVENING)

    assert quota_used(google, now=EVENING) == 95
    error = refused.value
    assert (error.limit, error.used, error.requested) == (100, 95, 10)
    assert error.resets_at == NEXT_LOCAL_DAY
    assert "95 of its 100 daily operations" in str(error)


def test_a_first_reservation_larger_than_the_whole_day_raises(google):
    with pytest.raises(QuotaExhausted):
        quota_reserve(google, 101, now=EVENING)

    assert not ApiQuotaUsage.objects.exists()


def test_recording_is_never_refused_even_past_the_limit(google):
    quota_record(google, 150, now=EVENING)

    assert quota_used(google, now=EVENING) == 150
    assert quota_remaining(google, now=EVENING) == 0


def test_a_platform_without_a_daily_limit_has_nothing_to_exhaust(alice, google):
    adobe = alice.account  # adobe: 0 means no limit in this test's settings

    quota_reserve(adobe, 10_000, now=EVENING)

    assert quota_remaining(adobe, now=EVENING) is None
    assert quota_used(adobe, now=EVENING) == 10_000


def test_accounts_have_separate_quotas(alice, bob, google, settings):
    other = make_account(bob.org, name="bob google", platform="google_ads")
    quota_record(google, 100, now=EVENING)

    assert quota_remaining(google, now=EVENING) == 0
    assert quota_remaining(other, now=EVENING) == 100


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_are_exact(google):
    account_id = google.pk

    def record():
        account = AdAccount.objects.get(pk=account_id)
        for _ in range(5):
            quota_record(account, 3, mutate=True, now=EVENING)

    race(record, 8)

    usage = ApiQuotaUsage.objects.get(account_id=account_id)
    assert (usage.operations, usage.mutate_operations) == (8 * 5 * 3, 8 * 5 * 3)


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_take_more_than_the_limit(google):
    account_id = google.pk
    quota_record(google, 70, now=EVENING)  # 30 left: room for three of the ten

    def reserve():
        try:
            quota_reserve(AdAccount.objects.get(pk=account_id), 10, now=EVENING)
        except QuotaExhausted:
            return False
        return True

    granted = race(reserve, 10)

    assert granted.count(True) == 3
    assert ApiQuotaUsage.objects.get(account_id=account_id).operations == 100
