"""'Today' for an account: the day in the time zone where its budgets reset.

Shared by the optimiser (which day's data is complete) and the executor (which
day's changes count, which days to sync), so neither imports the other.
"""

import zoneinfo
from datetime import date, datetime

from django.utils import timezone


def account_today(account, now: datetime | None = None) -> date:
    """'Today' where the account's budgets reset (its platform time zone)."""
    now = now or timezone.now()
    return now.astimezone(zoneinfo.ZoneInfo(account.time_zone)).date()


def account_time(account, moment: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """`moment` as the account's clock shows it (the zone its pages speak)."""
    return moment.astimezone(zoneinfo.ZoneInfo(account.time_zone)).strftime(fmt)
