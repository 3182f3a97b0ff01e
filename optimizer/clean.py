"""Step 1 of the pipeline: make every cell of a MetricFrame something the maths can trust.

A cell is one entity on one day. A cell that cannot be true — a measure that is not a
number, a negative measure, more clicks than impressions — is zeroed in all five measures
and recorded in `frame.excluded` with a reason a marketer can read. It is never dropped
silently: a zeroed cell looks like a day without traffic, so every later step asks
`usable_mask` and leaves excluded days out of totals, baselines and tests.

Conversions above clicks are kept. View-through conversions, several purchases after one
click, and conversions credited to the day of the click all make it possible, and
excluding those days would bias conversion rates down. `suspicious_cells` lists the cells
where conversions exceed clicks by more than `SUSPICIOUS_EXCESS`, so a person can look.
"""

from dataclasses import replace

import numpy as np

from optimizer.frame import MEASURES, MetricFrame

# Conversions may exceed clicks by this much (fractional attribution, one view-through)
# before a cell is listed as suspicious.
SUSPICIOUS_EXCESS = 1.0


def clean_frame(frame: MetricFrame) -> MetricFrame:
    """Return a copy of `frame` with impossible cells zeroed and their reasons recorded.

    Reasons already in `frame.excluded` (from the loader) are kept, so cleaning twice
    gives the same frame.
    """
    arrays = {name: np.array(getattr(frame, name), dtype=np.float64) for name in MEASURES}
    problems: dict[tuple[int, int], list[str]] = {}

    def record(mask: np.ndarray, describe) -> None:
        for i, j in zip(*np.nonzero(mask), strict=True):
            problems.setdefault((int(i), int(j)), []).append(describe(int(i), int(j)))

    for name, v in arrays.items():
        record(~np.isfinite(v), lambda i, j, n=name, v=v: f"{n} is {_bad(v[i, j])}")
        # Infinite cells were reported just above; report each problem once.
        negative = np.isfinite(v) & (v < 0)
        record(negative, lambda i, j, n=name, v=v: f"{n} is negative ({v[i, j]:g})")
    clicks, impressions = arrays["clicks"], arrays["impressions"]
    sane = np.isfinite(clicks) & np.isfinite(impressions) & (clicks >= 0) & (impressions >= 0)
    record(
        sane & (clicks > impressions),
        lambda i, j: f"clicks ({clicks[i, j]:g}) exceed impressions ({impressions[i, j]:g})",
    )

    excluded = dict(frame.excluded)
    for cell, reasons in problems.items():
        reason = "; ".join(reasons)
        previous = excluded.get(cell)
        excluded[cell] = reason if previous is None else f"{previous}; {reason}"

    bad = ~_usable(arrays["clicks"].shape, excluded)
    for values in arrays.values():
        values[bad] = 0.0
    return replace(frame, **arrays, excluded=excluded)


def usable_mask(frame: MetricFrame) -> np.ndarray:
    """Boolean (N, D): True where the cell was not excluded by cleaning or loading."""
    return _usable((len(frame.entity_ids), len(frame.dates)), frame.excluded)


def suspicious_cells(frame: MetricFrame) -> dict[tuple[int, int], str]:
    """Kept cells whose conversions exceed clicks by more than SUSPICIOUS_EXCESS."""
    usable = usable_mask(frame)
    with np.errstate(invalid="ignore"):  # NaN cells are the cleaner's business, not ours
        odd = usable & (frame.conversions > frame.clicks + SUSPICIOUS_EXCESS)
    return {
        (int(i), int(j)): (
            f"conversions ({frame.conversions[i, j]:g}) exceed clicks ({frame.clicks[i, j]:g}); "
            "kept, but check view-through and attribution settings"
        )
        for i, j in zip(*np.nonzero(odd), strict=True)
    }


def _usable(shape: tuple[int, int], excluded: dict[tuple[int, int], str]) -> np.ndarray:
    usable = np.ones(shape, dtype=bool)
    if excluded:
        rows, cols = np.array(list(excluded), dtype=np.int64).T
        usable[rows, cols] = False
    return usable


def _bad(value: float) -> str:
    if np.isnan(value):
        return "not a number"
    return "infinite" if value > 0 else "negative infinity"
