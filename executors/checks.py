"""The guardrails again, at execution time, on the current rows (promise 1).

The optimiser proposed within them when it ran; since then a person may have
changed a limit, another change may have executed, the day's budget of changes
may be spent, or someone may have flipped the kill switch. Each check answers
with a campaigns.guardrails Verdict naming its rule.
"""

from datetime import datetime

from campaigns.actors import system_user
from campaigns.execution_rules import (
    CORRECTIVE,
    executed_today,
    execution_refusals,
    is_persons_pause,
    switch_exemption,
)
from campaigns.guardrails import ALLOW, PolicyLimits, Verdict
from campaigns.models import Recommendation, RecommendationKind, RecommendationStatus
from campaigns.services.recommendations import recommendation_note
from campaigns.switches import SwitchState, writes_allowed

__all__ = [
    "BLOCK",
    "CORRECTIVE",
    "GO",
    "WAIT",
    "change_set_turn",
    "executed_today",
    "execution_checks",
    "is_persons_pause",
]

K = RecommendationKind


def _switch_passed(rec: Recommendation, switch: SwitchState, why: str) -> None:
    # The audit says that a switch was off and why this change went through anyway.
    recommendation_note(
        recommendation=rec,
        actor=system_user(),
        reason=f"Kill switch passed ({switch.reason}): {why}",
    )


def execution_checks(
    rec: Recommendation, *, limits: PolicyLimits, now: datetime, done_today: int | None = None
) -> Verdict:
    """The first rule (campaigns.execution_rules) that refuses `rec` now, or ALLOW.

    `done_today` lets a batch count once instead of once per recommendation. A change
    that passes a switch which is off says so in its audit.
    """
    switch = writes_allowed(rec.account.organization_id)
    passed = switch_exemption(rec, switch)
    if passed:
        _switch_passed(rec, switch, passed)
    refusals = execution_refusals(rec, limits=limits, now=now, done_today=done_today, switch=switch)
    return next(refusals, ALLOW)


GO, WAIT, BLOCK = "go", "wait", "block"


def change_set_turn(rec: Recommendation) -> tuple[str, str]:
    """Whether a leg of a reallocation may be written now: (GO | WAIT | BLOCK, why).

    A reallocation keeps its pool's total only if its decreases land before its
    increases: an increase goes only once the decreases already applied on the
    platform free at least what it (and the set's increases applied or in flight)
    adds, so the total on the platform never exceeds the one approved, not even
    between two writes. While a decrease is still on its way the increase waits;
    once none is left to come, an increase that would exceed the total is blocked.
    """
    if (
        rec.kind != K.BUDGET
        or not rec.change_set_id
        or rec.proposed_value is None
        or rec.current_value is None
        or rec.proposed_value <= rec.current_value
    ):
        return GO, ""
    legs = (
        Recommendation.objects.filter(change_set_id=rec.change_set_id, kind=K.BUDGET)
        .exclude(pk=rec.pk)
        .values_list("status", "current_value", "proposed_value")
    )
    R = RecommendationStatus
    freed = used = 0
    coming = False
    for status, before, after in legs:
        if after < before:
            if status == R.EXECUTED:
                freed += before - after
            elif status in (R.PROPOSED, R.APPROVED, R.EXECUTING):
                coming = True
        elif after > before and status in (R.EXECUTED, R.EXECUTING):
            used += after - before
    need = rec.proposed_value - rec.current_value
    if used + need <= freed:
        return GO, ""
    if coming:
        return WAIT, (
            f"its reallocation's decreases are not all applied yet ({freed} freed, "
            f"{used + need} needed): an increase never goes before them"
        )
    return BLOCK, (
        f"its reallocation's decreases freed {freed}, and this increase with those already "
        f"applied needs {used + need}: the pool's total would exceed what was approved"
    )
