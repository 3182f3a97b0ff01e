"""The steps of a launch's generation, run one at a time by the task layer.

    next_step = run_step(campaign_id, "strategy")   # "copy", … or None when done

AIUnavailable (and any other error) goes up: the task layer retries the step later and,
once its retries are spent, calls `give_up`.
"""

from campaigns.actors import system_user
from campaigns.models import Campaign, CampaignStatus
from campaigns.services.launches import launch_fail
from creative.launch import ad_copy, images, safety, strategy
from creative.launch.launch import launch_of

STEPS = ("strategy", "copy", "images", "safety")
RUNNERS = {
    "strategy": strategy.run,
    "copy": ad_copy.run,
    "images": images.run,
    "safety": safety.run,
}


def _next(step: str) -> str | None:
    n = STEPS.index(step)
    return STEPS[n + 1] if n + 1 < len(STEPS) else None


def run_step(campaign_id: int, step: str) -> str | None:
    """Run one step; the next step's name, or None once the launch left generation."""
    if step not in RUNNERS:
        raise ValueError(f"No launch step {step!r}; the steps are {', '.join(STEPS)}.")
    launch = launch_of(campaign_id)
    if launch is None:
        return None
    RUNNERS[step](launch)
    if not Campaign.objects.filter(
        pk=campaign_id, status=CampaignStatus.GENERATING_ASSETS
    ).exists():
        return None
    return _next(step)


def give_up(campaign_id: int, step: str, reason: str) -> str | None:
    """A step's retries are spent: images go text-only and the launch goes on; any
    other step fails the launch with the reason. Returns the next step or None."""
    launch = launch_of(campaign_id)
    if launch is None:
        return None
    if step == "images":
        images.go_text_only(launch, reason[:200])
        return _next(step)
    launch_fail(
        campaign=launch.campaign,
        actor=system_user(),
        reason=f"The {step} step failed after its retries: {reason}",
    )
    return None
