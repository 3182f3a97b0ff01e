"""A fixed-window count in one database row, shared by every worker: "count n more in
this window if the total stays within the limit", as conditional UPDATEs that can never
admit more than the limit, on SQLite and PostgreSQL alike.

It serves any row with a `window` (the window's number: a Unix second, a Unix minute)
and a count field: a platform account's per-second rate limit
(executors.resilience.ratelimit, RateLimitWindow) and an AI endpoint's per-minute
request window (creative.llm.health, ProviderHealth).
"""

from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.db.models import F


@dataclass(frozen=True)
class RowWindow:
    """The one row found (and created) by `key` in `model`, counting in `count`."""

    model: type[models.Model]
    key: dict
    count: str

    def take(self, window: int, operations: int, limit: int) -> bool:
        """Count `operations` in `window` if the total stays within `limit`; say whether
        it did. A row still on an older window starts this one."""
        rows = self.model.objects.filter(**self.key)
        for _ in range(2):
            fits = {f"{self.count}__lte": limit - operations}
            if rows.filter(window=window, **fits).update(
                **{self.count: F(self.count) + operations}
            ):
                return True
            if rows.filter(window__lt=window).update(window=window, **{self.count: operations}):
                return True  # the first call of a new window
            if rows.exists():
                return False  # this window is full (or a faster clock already began the next)
            try:
                with transaction.atomic():
                    self.model.objects.create(**self.key, window=window, **{self.count: operations})
                return True
            except IntegrityError:
                continue  # another worker created the row first; count in it
        return False
