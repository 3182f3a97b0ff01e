"""Which days to read: complete days in the account's own time zone."""

from datetime import datetime, timedelta

from campaigns.account_time import account_today
from campaigns.models import AdAccount

__all__ = ["account_today", "sync_window"]


def sync_window(account: AdAccount, *, days: int, now: datetime | None = None):
    """The last `days` complete days, ending yesterday in the account's time zone."""
    if days < 1:
        raise ValueError("A sync window needs at least one day.")
    yesterday = account_today(account, now) - timedelta(days=1)
    return yesterday - timedelta(days=days - 1), yesterday
