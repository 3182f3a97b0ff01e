"""Money as integer minor units, and totals that match to the last unit.

The optimiser does its arithmetic in floats but every budget it proposes is an integer
number of minor units (paise for INR, yen for JPY), so a portfolio total can be held
exactly. `largest_remainder` turns a continuous allocation into integers without
breaking any bound and without losing or inventing a single unit.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from campaigns.money import currency_symbol, write_amount  # noqa: F401

# Floats carry representation error (1.005 is stored as 1.00499…): values are first rounded
# to this many decimals of a minor unit, so amounts round as they were written.
_FLOAT_GUARD_DECIMALS = 6
# An ideal within this relative distance of an integer is that integer (float noise).
_INTEGER_TOLERANCE = 1e-9


def to_minor(amounts: np.ndarray | Decimal | Iterable, exponent: int) -> np.ndarray:
    """Amounts in the account currency as int64 minor units, rounded half away from zero.

    Accepts a Decimal, an array (or iterable) of Decimals, or a float array. Decimals are
    rounded exactly (ROUND_HALF_UP, as the sync layer does); floats are rounded as their
    decimal representation reads, so 1.005 becomes 101 at exponent 2. The result has the
    shape of the input (a 0-d array for a scalar).
    """
    _check_exponent(exponent)
    if isinstance(amounts, Decimal):
        return np.asarray(_decimal_to_minor(amounts, exponent), dtype=np.int64)
    arr = np.asarray(amounts)
    if arr.dtype == object:
        flat = [_decimal_to_minor(Decimal(x), exponent) for x in arr.ravel()]
        return np.asarray(flat, dtype=np.int64).reshape(arr.shape)
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("amounts must be finite (no NaN or infinity)")
    scaled = np.round(arr * 10.0**exponent, _FLOAT_GUARD_DECIMALS)
    if np.any(np.abs(scaled) >= 2.0**62):
        raise ValueError("an amount is too large to hold in int64 minor units")
    return (np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)).astype(np.int64)


def from_minor(minor: np.ndarray | Iterable[int] | int, exponent: int) -> list[Decimal]:
    """Minor units back to Decimals with exactly `exponent` decimal places."""
    _check_exponent(exponent)
    flat = np.asarray(minor).ravel()
    if flat.dtype.kind not in "iu" and not (flat.dtype == object or flat.size == 0):
        raise ValueError(f"minor units must be integers, got dtype {flat.dtype}")
    return [Decimal(int(m)).scaleb(-exponent) for m in flat]


def largest_remainder(
    target_total: int, ideal: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> np.ndarray:
    """Integers within [lower, upper] that sum exactly to `target_total`.

    Each result is floor(ideal) or ceil(ideal) (clipped into its bounds); the units still
    missing after flooring go one each to the largest fractional remainders, ties to the
    lower index, so the result is deterministic. `ideal` should already lie within the
    bounds and sum to `target_total` up to float error. Raises ValueError when no such
    rounding exists (bounds that cannot hold the total, or an ideal that does not sum to it).
    """
    ideal = np.asarray(ideal, dtype=np.float64)
    lower = np.asarray(lower, dtype=np.int64)
    upper = np.asarray(upper, dtype=np.int64)
    target_total = int(target_total)
    if not (ideal.shape == lower.shape == upper.shape) or ideal.ndim != 1:
        raise ValueError("ideal, lower and upper must be 1-d arrays of the same length")
    if not np.all(np.isfinite(ideal)):
        raise ValueError("ideal must be finite")
    bad = np.flatnonzero(lower > upper)
    if bad.size:
        raise ValueError(f"lower exceeds upper at index {int(bad[0])}")
    if not exact_sum(lower) <= target_total <= exact_sum(upper):
        raise ValueError(
            f"bounds cannot hold a total of {target_total}: they allow "
            f"{exact_sum(lower)} to {exact_sum(upper)}"
        )

    nearest = np.round(ideal)
    snap = np.abs(ideal - nearest) <= _INTEGER_TOLERANCE * np.maximum(1.0, np.abs(ideal))
    ideal = np.where(snap, nearest, ideal)
    floor = np.floor(ideal)
    # Clip in float first so that an out-of-range ideal cannot overflow the int64 cast.
    base = np.clip(floor, lower.astype(np.float64), upper.astype(np.float64))
    base = np.clip(base.astype(np.int64), lower, upper)
    fraction = ideal - floor
    can_round_up = (fraction > 0) & (floor >= lower) & (base < upper)

    missing = target_total - exact_sum(base)
    available = int(can_round_up.sum())
    if missing < 0 or missing > available:
        raise ValueError(
            f"ideal does not round to {target_total} within the bounds "
            f"({missing} units to place, {available} places that may round up)"
        )
    order = np.flatnonzero(can_round_up)
    # Stable sort on descending remainder: equal remainders keep index order.
    order = order[np.argsort(-fraction[order], kind="stable")]
    base[order[:missing]] += 1
    return base


def exact_sum(values: np.ndarray) -> int:
    """Sum of an int64 array as a Python int (int64 sums overflow with unset caps)."""
    values = np.asarray(values)
    if values.size == 0:
        return 0
    return int(values.astype(object).sum())


def format_minor(minor: int, exponent: int, symbol: str = "") -> str:
    """A human amount for messages: `format_minor(12345600, 2, "₹")` → "₹1,23,456.00"
    (written as everywhere else: campaigns.money)."""
    return write_amount(Decimal(int(minor)).scaleb(-exponent), places=exponent, unit=symbol)


def _decimal_to_minor(amount: Decimal, exponent: int) -> int:
    if not amount.is_finite():
        raise ValueError(f"amount {amount} is not finite")
    value = int(amount.scaleb(exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if abs(value) >= 2**63:
        raise ValueError(f"amount {amount} is too large to hold in int64 minor units")
    return value


def _check_exponent(exponent: int) -> None:
    if not 0 <= int(exponent) <= 6:
        raise ValueError(f"currency exponent must be between 0 and 6, got {exponent}")


# currency_symbol (imported above) is the symbol reasons are written with: callers
# ask this module for it, beside the amounts.
