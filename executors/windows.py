"""Which days to read: complete days in the account's own time zone."""

import zoneinfo
from datetime import date, datetime, timedelta

from django.utils import timezone

from campaigns.models import AdAccount


def account_today(account: AdAccount, now: datetime | None = None) -> date:
    """'Today' where the account's budgets reset (its platform time zone)."""
    now = now or timezone.now()
    return now.astimezone(zoneinfo.ZoneInfo(account.time_zone)).date()


def sync_window(account: AdAccount, *, days: int, now: datetime | None = None):
    """The last `days` complete days, ending yesterday in the account's time zone."""
    if days < 1:
        raise ValueError("A sync window needs at least one day.")
    yesterday = account_today(account, now) - timedelta(days=1)
    return yesterday - timedelta(days=days - 1), yesterday
