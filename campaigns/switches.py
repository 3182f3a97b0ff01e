"""Reading the kill switches, as the executor checks them before every write.

Three switches, any of which stops writes: the environment
(`SPECTRA_EXECUTION_ENABLED`, for operators without a database), the global
`ExecutionSwitch` row (Spectra's operators, from the console) and the
organization's own `execution_enabled` (its admins). The database answers are
kept for at most `TTL` seconds per process so a batch of thousands of changes
does not ask thousands of times; a flip in this process is seen at once, in
another within `TTL`.
"""

import time
from dataclasses import dataclass

from django.conf import settings

TTL = 1.0
# Which switch is off: a person's pause passes an organization's own switch, not the
# operators' (the environment or the global row).
ENVIRONMENT, GLOBAL, ORGANIZATION = "environment", "global", "organization"

# The last answer, replaced whole (never cleared then refilled): a thread that reads it
# while another refreshes it sees the old answer or the new one, never half of either.
_cache: dict = {}


@dataclass(frozen=True)
class SwitchState:
    enabled: bool
    reason: str = ""
    scope: str = ""  # the switch that is off (ENVIRONMENT, GLOBAL, ORGANIZATION)
    organization_id: int | None = None  # whose switch, when scope is ORGANIZATION


def forget_switches() -> None:
    global _cache
    _cache = {}


def _load() -> dict:
    from campaigns.models import ExecutionSwitch, Organization

    global _cache
    now = time.monotonic()
    state = _cache
    if state.get("at", -TTL) + TTL > now:
        return state
    row = ExecutionSwitch.objects.filter(pk=ExecutionSwitch.SINGLETON_PK).first()
    state = {
        "at": now,
        "global_on": row is None or row.enabled,
        "global_reason": row.reason if row else "",
        "orgs_off": frozenset(
            Organization.objects.filter(execution_enabled=False).values_list("pk", flat=True)
        ),
    }
    _cache = state
    return state


def _environment_off() -> SwitchState:
    return SwitchState(False, "platform writes are switched off in the environment", ENVIRONMENT)


def _global_off(state: dict) -> SwitchState:
    why = f": {state['global_reason']}" if state["global_reason"] else ""
    return SwitchState(False, f"platform writes are switched off globally{why}", GLOBAL)


def _organization_off(organization_id: int) -> SwitchState:
    return SwitchState(
        False,
        "platform writes are switched off for this organization",
        ORGANIZATION,
        organization_id,
    )


def writes_allowed(organization_id: int | None = None) -> SwitchState:
    """May Spectra write to platforms now (for this organization)? With the reason if not."""
    if not settings.SPECTRA_EXECUTION_ENABLED:
        return _environment_off()
    state = _load()
    if not state["global_on"]:
        return _global_off(state)
    if organization_id is not None and organization_id in state["orgs_off"]:
        return _organization_off(organization_id)
    return SwitchState(True)


def switches_off(organization_ids=()) -> list[SwitchState]:
    """Every switch that is off now, outermost first: the environment, the global row and
    each of these organizations' own. `writes_allowed` answers with the first of them;
    a console shows them all, so switching one back on reveals no surprise."""
    off = [] if settings.SPECTRA_EXECUTION_ENABLED else [_environment_off()]
    state = _load()
    if not state["global_on"]:
        off.append(_global_off(state))
    off += [_organization_off(pk) for pk in organization_ids if pk in state["orgs_off"]]
    return off
