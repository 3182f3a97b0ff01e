"""Only complete conversion windows count: conversions keep arriving for `lag` days."""

import datetime as dt


def last_complete_day(*, today: dt.date, lag_days: int) -> dt.date:
    """The last day whose conversions are all in: yesterday, less the conversion lag."""
    if lag_days < 0:
        raise ValueError("lag_days must be >= 0")
    return today - dt.timedelta(days=1 + lag_days)


def readout_days(*, start: dt.date, end: dt.date, today: dt.date, lag_days: int) -> int:
    """How many days of [start, end] a readout may use today (0 when none is complete)."""
    last = min(end, last_complete_day(today=today, lag_days=lag_days))
    return max(0, (last - start).days + 1)
