"""The optimiser's working data: daily metrics as dense arrays.

Every analysis step is a pure function over a MetricFrame, so the whole
pipeline runs (and is tested) without a database. Rows are entities
(campaigns or ad groups), columns are consecutive days.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np

MEASURES = ("impressions", "clicks", "conversions", "value", "spend")


@dataclass(frozen=True)
class MetricFrame:
    dates: np.ndarray  # datetime64[D], shape (D,), consecutive, ascending
    entity_ids: np.ndarray  # int64, shape (N,): campaign or ad group primary keys
    impressions: np.ndarray  # float64, shape (N, D)
    clicks: np.ndarray
    conversions: np.ndarray
    value: np.ndarray  # conversion value, account currency
    spend: np.ndarray
    as_of: date  # the account's "today" when the data was read (first incomplete day)
    # Cells excluded by cleaning: (entity index, day index) -> reason.
    excluded: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def days_since(self) -> np.ndarray:
        """Age of each column in days relative to as_of (yesterday = 1)."""
        return (np.datetime64(self.as_of, "D") - self.dates).astype(np.int64)

    @property
    def weekdays(self) -> np.ndarray:
        """Monday = 0 … Sunday = 6, per column."""
        return ((self.dates.astype("datetime64[D]").astype(np.int64) + 3) % 7).astype(np.int64)

    def __post_init__(self):
        n, d = len(self.entity_ids), len(self.dates)
        for name in MEASURES:
            arr = getattr(self, name)
            if arr.shape != (n, d):
                raise ValueError(f"{name} has shape {arr.shape}, expected {(n, d)}")
