"""The launch's tasks: each generation step and the deployment in a task of its own.

The brief records the step to run next (`Brief.step`), how often it was tried and
when it may run (`step_due_at`). A task claims its step with one conditional UPDATE
that also pushes `step_due_at` out to a lease, so a second delivery of the same task
finds nothing to claim, and a worker killed mid-step leaves a lease that runs out;
`resume_launches` (every minute) queues again every step that is due — a retry whose
backoff has passed, or the step of a worker that died. The steps themselves keep what
exists and make only what is missing (creative.launch, executors.deploy), so running
one again never regenerates an asset or creates a duplicate on the platform.
"""

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_q.tasks import async_task

from campaigns.actors import system_user
from campaigns.models import Brief, Campaign, CampaignStatus
from campaigns.redaction import redact_text
from campaigns.services.errors import TransitionRefused
from campaigns.services.launches import DEPLOY_TASK, GENERATE_TASK, launch_fail
from creative.launch.steps import STEPS, give_up, run_step
from executors.tasks import deploy_campaign_task

DEPLOY = "deploy"
MAX_ATTEMPTS = 5
# Seconds before attempt n + 1 of a failed step (the last value for any later one).
BACKOFF_S = (60, 120, 300, 600, 900)
# A closed gate or an outcome not known yet is no failure: look again in two minutes.
WAITING_S = 120


@dataclass(frozen=True)
class Claim:
    campaign_id: int
    step: str
    attempt: int
    lease: datetime

    def mine(self):
        """The brief, as long as this task still holds the step's lease."""
        return Brief.objects.filter(
            campaign_id=self.campaign_id, step=self.step, step_due_at=self.lease
        )


def lease_seconds() -> int:
    """Longer than a task may run: a lease still held after it belongs to a dead worker."""
    return settings.Q_CLUSTER["timeout"] + settings.LAUNCH_LEASE_MARGIN_S


def _claim(campaign_id: int, step: str) -> Claim | None:
    now = timezone.now()
    lease = now + timedelta(seconds=lease_seconds())
    claimed = Brief.objects.filter(campaign_id=campaign_id, step=step, step_due_at__lte=now).update(
        step_due_at=lease, step_attempts=F("step_attempts") + 1
    )
    if claimed != 1:
        return None
    attempt = Brief.objects.filter(campaign_id=campaign_id).values_list("step_attempts", flat=True)
    return Claim(campaign_id, step, attempt.get(), lease)


def _queue(campaign_id: int, step: str) -> None:
    args = (campaign_id,) if step == DEPLOY else (campaign_id, step)
    task = DEPLOY_TASK if step == DEPLOY else GENERATE_TASK
    async_task(task, *args, task_name=f"launch {step} · campaign {campaign_id}")


def _move_on(claim: Claim, next_step: str | None) -> None:
    """The step is done: note the next one and queue it, or note that none is left."""
    with transaction.atomic():
        if next_step is None:
            claim.mine().update(step="", step_attempts=0, step_due_at=None, step_error="")
        elif claim.mine().update(
            step=next_step, step_attempts=0, step_due_at=timezone.now(), step_error=""
        ):
            transaction.on_commit(lambda: _queue(claim.campaign_id, next_step), robust=True)


def _in_words(exc: Exception) -> str:
    return redact_text(str(exc).strip() or type(exc).__name__)[:2000]


def _retry_later(claim: Claim, error: str) -> None:
    delay = BACKOFF_S[min(claim.attempt, len(BACKOFF_S)) - 1]
    claim.mine().update(step_error=error, step_due_at=timezone.now() + timedelta(seconds=delay))


def generate_task(campaign_id: int, step: str | None = None) -> str | None:
    """Run one generation step of a launch (the brief's current one when not named).

    Returns the next step, "" when generation is over, or None when the step failed
    and waits for its retry, or this delivery had nothing to do (another worker holds
    the step, or it is not due).
    """
    if step is None:
        step = Brief.objects.filter(campaign_id=campaign_id).values_list("step", flat=True).first()
    if step not in STEPS:
        return None
    claim = _claim(campaign_id, step)
    if claim is None:
        return None
    try:
        next_step = run_step(campaign_id, step)
    except Exception as exc:  # any failure is retried, then given up: never left stuck
        error = _in_words(exc)
        if claim.attempt < MAX_ATTEMPTS:
            _retry_later(claim, error)
            return None
        claim.mine().update(step_error=error)
        next_step = give_up(campaign_id, step, f"{error} ({claim.attempt} attempts)")
    _move_on(claim, next_step)
    return next_step or ""


def deploy_task(campaign_id: int) -> str | None:
    """Deploy a launch (executors.deploy): "active", "failed", "simulated", "waiting",
    or None when this delivery had nothing to do."""
    claim = _claim(campaign_id, DEPLOY)
    if claim is None:
        return None
    try:
        outcome = deploy_campaign_task(campaign_id)
    except Exception as exc:  # a defect or an outage of our own: retried, then failed
        error = _in_words(exc)
        if claim.attempt < MAX_ATTEMPTS:
            _retry_later(claim, error)
            return None
        claim.mine().update(step_error=error)
        _fail(campaign_id, f"Deployment failed after {claim.attempt} attempts: {error}")
        _move_on(claim, None)
        return "failed"
    if outcome == "waiting":
        # Waiting is not a failure: the attempts start again from nothing.
        claim.mine().update(
            step_attempts=0,
            step_due_at=timezone.now() + timedelta(seconds=WAITING_S),
            step_error="Waiting: the platform is not reachable or a kill switch is on; "
            "deployment tries again.",
        )
        return outcome
    _move_on(claim, None)  # active, failed, simulated, or no longer deploying
    return outcome


def _fail(campaign_id: int, reason: str) -> None:
    campaign = Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.DEPLOYING).first()
    if campaign is None:
        return
    # A person may have moved it meanwhile (archived it): then nothing is left to fail.
    with contextlib.suppress(TransitionRefused):
        launch_fail(campaign=campaign, actor=system_user(), reason=reason)


def resume_launches() -> int:
    """Queue again every launch step that is due: a retry whose backoff has passed, or
    a step whose lease ran out because its worker died. Returns how many were queued.

    A step queued twice costs a claim that finds nothing; a step never queued again
    would leave its launch stuck.
    """
    due = list(
        Brief.objects.filter(step_due_at__lte=timezone.now())
        .exclude(step="")
        .order_by("step_due_at")
        .values_list("campaign_id", "step")
    )
    for campaign_id, step in due:
        _queue(campaign_id, step)
    return len(due)
