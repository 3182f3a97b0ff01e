"""The guardrail rules, as pure functions: the optimiser proposes within them and
the executor checks them again before writing (promise 1).

Nothing here touches the database; `limits_of(policy)` turns a GuardrailPolicy
row into plain numbers once, and every rule answers with a Verdict that names
the rule and says why in words.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from campaigns.models.accounts import Autonomy
from campaigns.models.recommendations import RecommendationKind, Risk, Source
from campaigns.money import money

K = RecommendationKind


@dataclass(frozen=True)
class PolicyLimits:
    version: int = 0
    max_budget_increase_pct: Decimal = Decimal("30")
    max_budget_decrease_pct: Decimal = Decimal("30")
    budget_floor: Decimal = Decimal("100")
    budget_neutrality: bool = True
    max_bid_change_pct: Decimal = Decimal("10")
    approval_threshold_pct: Decimal = Decimal("10")
    require_manual_approval: bool = False
    cooldown_hours: int = 72
    max_changes_per_run: int | None = 50
    significance_level: Decimal = Decimal("0.05")
    min_clicks: int = 100
    min_conversions: int = 20
    conversion_lag_days: int = 7
    fatigue_suppress_threshold: Decimal = Decimal("80")
    intent_activate_threshold: Decimal = Decimal("70")
    activate_max_fatigue: Decimal = Decimal("50")
    recommendation_ttl_hours: int = 48


def limits_of(policy) -> PolicyLimits:
    """Plain limits from a GuardrailPolicy (saved or default-constructed)."""
    names = PolicyLimits.__dataclass_fields__
    return PolicyLimits(**{name: getattr(policy, name) for name in names})


@dataclass(frozen=True)
class Verdict:
    ok: bool
    rule: str = ""
    detail: str = ""


ALLOW = Verdict(True)


def _pct(current: Decimal, proposed: Decimal) -> Decimal | None:
    if current == 0:
        return None
    return (proposed - current) / current * 100


def check_budget(
    *,
    current: Decimal,
    proposed: Decimal,
    limits: PolicyLimits,
    max_daily_spend: Decimal | None,
    currency: str = "",
) -> Verdict:
    """May a campaign's daily budget go from `current` to `proposed`?"""

    def m(amount: Decimal) -> str:
        # The account's way of writing money when the caller names its currency.
        return money(amount, currency) if currency else f"{amount}"

    if proposed < 0:
        return Verdict(False, "budget_floor", f"a budget cannot be negative ({m(proposed)})")
    if max_daily_spend is not None and proposed > max_daily_spend:
        return Verdict(
            False,
            "max_daily_spend",
            f"{m(proposed)} is above the campaign's max daily spend {m(max_daily_spend)}",
        )
    if max_daily_spend is not None and proposed == max_daily_spend < current:
        # Cutting a budget down to its spend limit is always allowed, however far and
        # even below the floor: the limit says what may be spent (promise 1 first).
        return ALLOW
    if proposed < limits.budget_floor and proposed < current:
        return Verdict(
            False,
            "budget_floor",
            f"{m(proposed)} is below the budget floor {m(limits.budget_floor)}",
        )
    pct = _pct(current, proposed)
    if pct is None:
        if proposed > 0:
            return Verdict(
                False, "max_budget_increase", "a zero budget cannot be raised by a percentage step"
            )
        return ALLOW
    if pct > limits.max_budget_increase_pct:
        return Verdict(
            False,
            "max_budget_increase",
            f"+{pct:.1f} % is above the +{limits.max_budget_increase_pct} % cap",
        )
    if -pct > limits.max_budget_decrease_pct:
        return Verdict(
            False,
            "max_budget_decrease",
            f"{pct:.1f} % is below the −{limits.max_budget_decrease_pct} % limit",
        )
    return ALLOW


def check_bid(*, current: Decimal, proposed: Decimal, limits: PolicyLimits) -> Verdict:
    """May an ad group's bid go from `current` to `proposed`?"""
    if proposed <= 0:
        return Verdict(False, "bid_positive", f"a bid must be above zero (got {proposed})")
    pct = _pct(current, proposed)
    if pct is not None and abs(pct) > limits.max_bid_change_pct:
        return Verdict(
            False,
            "max_bid_change",
            f"{pct:+.1f} % is beyond the ±{limits.max_bid_change_pct} % bid step",
        )
    return ALLOW


def in_cooldown(last_change_at: datetime | None, *, now: datetime, limits: PolicyLimits) -> bool:
    return last_change_at is not None and now - last_change_at < timedelta(
        hours=limits.cooldown_hours
    )


def check_cooldown(
    last_change_at: datetime | None, *, now: datetime, limits: PolicyLimits
) -> Verdict:
    """One significant change per campaign per cooldown period (seed: 72 h)."""
    if in_cooldown(last_change_at, now=now, limits=limits):
        until = last_change_at + timedelta(hours=limits.cooldown_hours)
        return Verdict(
            False,
            "cooldown",
            f"the campaign changed at {last_change_at:%Y-%m-%d %H:%M} UTC; the "
            f"{limits.cooldown_hours} h cooldown lasts until {until:%Y-%m-%d %H:%M}",
        )
    return ALLOW


# The learning-rate limit: every change that makes a platform's bidding relearn a
# campaign counts towards its cooldown — its budget, any of its bids, pausing or
# resuming it, an audience switched on or off for it.
SIGNIFICANT_KINDS = frozenset(
    [K.BUDGET, K.BID, K.PAUSE, K.RESUME, K.AUDIENCE_ACTIVATE, K.AUDIENCE_SUPPRESS]
)
# Changes that undo or stop spending are never held back by the learning-rate limit.
CORRECTIVE_SOURCES = frozenset([Source.ROLLBACK, Source.SPEND_LIMIT])


def is_significant(kind: str, *, targets_campaign: bool) -> bool:
    """Does this change start its campaign's cooldown when it executes?

    Audience changes count only where they target a campaign (an account-level
    segment is not one campaign's learning).
    """
    return targets_campaign and kind in SIGNIFICANT_KINDS


def held_by_cooldown(kind: str, *, source: str, targets_campaign: bool) -> bool:
    """Does the cooldown hold this change back (at proposal and at execution)?

    Not a pause (it stops spending), not a corrective change (rollback, spend
    limit), and not a person's resume (the person who paused decides); every
    other significant change waits for the cooldown to end.
    """
    if not is_significant(kind, targets_campaign=targets_campaign):
        return False
    if kind == K.PAUSE or source in CORRECTIVE_SOURCES:
        return False
    return not (kind == K.RESUME and source == Source.PERSON)


def check_spend_limits(
    *,
    spend_today: Decimal,
    spend_to_date: Decimal,
    max_daily_spend: Decimal | None,
    total_spend_limit: Decimal | None,
) -> Verdict:
    """Has a campaign already spent what it was allowed to?"""
    if max_daily_spend is not None and spend_today >= max_daily_spend:
        return Verdict(
            False,
            "max_daily_spend",
            f"today's spend {spend_today} reached the max daily spend {max_daily_spend}",
        )
    if total_spend_limit is not None and spend_to_date >= total_spend_limit:
        return Verdict(
            False,
            "total_spend_limit",
            f"lifetime spend {spend_to_date} reached the limit {total_spend_limit}",
        )
    return ALLOW


def risk_of(
    kind: str, change_pct: Decimal | float | None, limits: PolicyLimits, *, assumed: bool = False
) -> str:
    """Low: a small step; medium: a full step, an audience switch, or any change that rests
    on an `assumed` response rather than the campaign's own data; high: a pause."""
    if kind == K.PAUSE:
        return Risk.HIGH
    if kind in (K.AUDIENCE_ACTIVATE, K.AUDIENCE_SUPPRESS, K.RESUME) or assumed:
        return Risk.MEDIUM
    if change_pct is not None and abs(Decimal(str(change_pct))) <= limits.approval_threshold_pct:
        return Risk.LOW
    return Risk.MEDIUM


def requires_approval(*, risk: str, autonomy: str, limits: PolicyLimits) -> bool:
    """Does a person have to approve? Policy first, then the account's autonomy."""
    if limits.require_manual_approval or autonomy == Autonomy.MANUAL:
        return True
    if autonomy == Autonomy.AUTO_LOW_RISK:
        return risk != Risk.LOW
    return risk == Risk.HIGH  # autonomous: everything within guardrails but pauses


# --- change sets: a reallocation's total kept to the cent -------------------------

CENT = Decimal("0.01")


def budget_bounds(
    *,
    current: Decimal,
    limits: PolicyLimits,
    max_daily_spend: Decimal | None,
    quantum: Decimal = CENT,
) -> tuple[Decimal, Decimal]:
    """The lowest and highest daily budget `check_budget` allows from `current`, in steps
    of `quantum` (the currency's minor unit).

    Rounded inwards, so every value in the range passes `check_budget`.
    """
    step_down = (current * (1 - limits.max_budget_decrease_pct / 100)).quantize(
        quantum, rounding="ROUND_CEILING"
    )
    lower = min(current, max(step_down, limits.budget_floor))
    upper = (current * (1 + limits.max_budget_increase_pct / 100)).quantize(
        quantum, rounding="ROUND_FLOOR"
    )
    if max_daily_spend is not None:
        upper = min(upper, max_daily_spend)
        lower = min(lower, upper)
    return lower, upper


@dataclass(frozen=True)
class Rebalance:
    """The other legs' new values (same order as given), or why none fits."""

    values: list[Decimal] | None
    detail: str = ""


def rebalance_legs(
    *,
    proposed: list[Decimal],
    bounds: list[tuple[Decimal, Decimal]],
    target_total: Decimal,
    quantum: Decimal = CENT,
) -> Rebalance:
    """Move the legs' `proposed` values, within their `bounds`, so they sum to `target_total`.

    The shift is shared in proportion to each leg's room in the direction it must
    move, then rounded to `quantum` (the currency's minor unit) with a
    largest-remainder step, so the total matches exactly and no leg leaves its
    bounds.
    """

    def floor(value: Decimal) -> int:
        return int((value / quantum).to_integral_value("ROUND_FLOOR"))

    def ceil(value: Decimal) -> int:
        return int((value / quantum).to_integral_value("ROUND_CEILING"))

    units = [floor(p) for p in proposed]
    shift = floor(target_total) - sum(units)
    if shift == 0:
        return Rebalance(list(proposed))
    up = shift > 0
    room = [
        max(floor(hi) - u, 0) if up else max(u - ceil(lo), 0)
        for u, (lo, hi) in zip(units, bounds, strict=True)
    ]
    need, available = abs(shift), sum(room)
    if available < need:
        direction = "raised" if up else "lowered"
        return Rebalance(
            None,
            f"the other legs can be {direction} by at most {available * quantum} in "
            f"total within their caps and floors, and {need * quantum} is needed",
        )
    # Largest remainder: floor each proportional share, then one unit each to the
    # largest fractions (ties to the earlier leg) until the shift is met exactly.
    shares = [need * r // available for r in room]
    fractions = [need * r % available for r in room]
    for i in sorted(range(len(room)), key=lambda i: -fractions[i])[: need - sum(shares)]:
        shares[i] += 1
    sign = 1 if up else -1
    return Rebalance([(u + sign * s) * quantum for u, s in zip(units, shares, strict=True)])
