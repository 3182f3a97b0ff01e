"""The daily operations quota per platform account: counted exactly, visible, enforced.

Google Ads counts operations per day (basic access: 15,000; standard access:
no daily limit): a query or report is one operation, a mutate request one
per changed item, any other request one. Spectra counts the same way per
account and account-local day, with limits per platform in
PLATFORM_DAILY_OPERATIONS (0 = no limit).

Counts are atomic F() increments on one row per account and day (created on
first use, the unique constraint settling a race), so concurrent workers
never lose an operation. `quota_reserve` is the check-and-count in one
conditional UPDATE: two workers cannot both take the last 10 operations.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import AdAccount
from executors.models import ApiQuotaUsage


class QuotaExhausted(Exception):
    """The account's operations for today are spent; try again at `resets_at`."""

    def __init__(self, message: str, *, limit: int, used: int, requested: int, resets_at):
        super().__init__(message)
        self.limit, self.used, self.requested, self.resets_at = limit, used, requested, resets_at


@dataclass(frozen=True)
class QuotaDay:
    """An account's quota day: its local date and when the next one begins (aware)."""

    day: date
    resets_at: datetime


def quota_day(account: AdAccount, now: datetime | None = None) -> QuotaDay:
    """The account-local date at `now`, and the instant the following day begins."""
    zone = zoneinfo.ZoneInfo(account.time_zone)
    local = timezone.localtime(now or timezone.now(), zone)
    tomorrow = local.date() + timedelta(days=1)
    return QuotaDay(day=local.date(), resets_at=datetime.combine(tomorrow, time(), tzinfo=zone))


def daily_operations_limit(account: AdAccount) -> int | None:
    """The account's platform's daily operations limit; None when there is none."""
    limit = settings.PLATFORM_DAILY_OPERATIONS.get(account.platform, 0)
    return limit or None


def _increments(operations: int, mutate: bool) -> dict:
    if operations < 0:
        raise ValueError(f"Operations are counted up, not down ({operations}).")
    return {
        "operations": F("operations") + operations,
        "mutate_operations": F("mutate_operations") + (operations if mutate else 0),
    }


def quota_record(
    account: AdAccount, operations: int, mutate: bool = False, *, now: datetime | None = None
) -> None:
    """Count `operations` already sent for `account` today, whatever the limit.

    For calls that must happen anyway (reads of a sync) and for settling up
    after the fact; to check the limit before a call, use `quota_reserve`.
    """
    now = now or timezone.now()
    day = quota_day(account, now).day
    rows = ApiQuotaUsage.objects.filter(account_id=account.pk, day=day)
    increments = _increments(operations, mutate) | {"updated_at": now}
    for _ in range(2):
        if rows.update(**increments):
            return
        try:
            with transaction.atomic():
                ApiQuotaUsage.objects.create(
                    account_id=account.pk,
                    day=day,
                    operations=operations,
                    mutate_operations=operations if mutate else 0,
                )
            return
        except IntegrityError:
            continue  # another worker created today's row first; add to it
    raise RuntimeError(f"Could not count the quota of {account} for {day}.")


def quota_reserve(
    account: AdAccount, operations: int, mutate: bool = False, *, now: datetime | None = None
) -> None:
    """Count `operations` for `account` today if they fit its daily limit; else QuotaExhausted.

    Check and count are one conditional UPDATE, so workers racing for the
    last operations of the day can never take more than there is. Counted
    when reserved: a call that then fails is not given back (the platform
    counts most failed requests too).
    """
    limit = daily_operations_limit(account)
    if limit is None:
        quota_record(account, operations, mutate, now=now)
        return
    now = now or timezone.now()
    today = quota_day(account, now)
    rows = ApiQuotaUsage.objects.filter(account_id=account.pk, day=today.day)
    increments = _increments(operations, mutate) | {"updated_at": now}
    for _ in range(2):
        if rows.filter(operations__lte=limit - operations).update(**increments):
            return
        used = rows.values_list("operations", flat=True).first()
        if used is not None or operations > limit:
            used = used or 0
            raise QuotaExhausted(
                f"{account} has used {used:,} of its {limit:,} daily operations for "
                f"{today.day} ({account.time_zone}); {operations:,} more would exceed them. "
                f"The quota resets at {today.resets_at:%Y-%m-%d %H:%M %Z}.",
                limit=limit,
                used=used,
                requested=operations,
                resets_at=today.resets_at,
            )
        try:
            with transaction.atomic():
                ApiQuotaUsage.objects.create(
                    account_id=account.pk,
                    day=today.day,
                    operations=operations,
                    mutate_operations=operations if mutate else 0,
                )
            return
        except IntegrityError:
            continue  # another worker created today's row first; reserve in it
    raise RuntimeError(f"Could not reserve the quota of {account} for {today.day}.")


def quota_used(account: AdAccount, *, now: datetime | None = None) -> int:
    """Operations counted for `account` on its current local day."""
    day = quota_day(account, now).day
    used = (
        ApiQuotaUsage.objects.filter(account_id=account.pk, day=day)
        .values_list("operations", flat=True)
        .first()
    )
    return used or 0


def quota_remaining(account: AdAccount, *, now: datetime | None = None) -> int | None:
    """Operations `account` may still send today; None when its platform has no daily limit."""
    limit = daily_operations_limit(account)
    if limit is None:
        return None
    return max(limit - quota_used(account, now=now), 0)
