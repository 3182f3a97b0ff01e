"""Calendar months in UTC, the unit AI spend is budgeted and billed in.

Metering's running total, the budget check's "wait until next month" and the invoice
all cut a month at the same instant, so a call is never counted in one month and
billed in another.
"""

from datetime import UTC, date, datetime, time, timedelta


def month_bounds(when: date | datetime) -> tuple[datetime, datetime]:
    """[start, end) of the UTC month holding `when`."""
    if isinstance(when, datetime):
        when = when.astimezone(UTC).date()
    first = when.replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (
        datetime.combine(first, time.min, tzinfo=UTC),
        datetime.combine(following, time.min, tzinfo=UTC),
    )


def month_start(when: date | datetime) -> datetime:
    return month_bounds(when)[0]
