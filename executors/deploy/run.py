"""deploy_campaign: the whole deployment of one campaign in DEPLOYING, safe to repeat.

The gate first (kill switch, breaker, rate limit, quota: closed → "waiting", nothing
changes and the task layer retries); the documented structure limits (a clear
refusal → FAILED with the reason, nothing sent); then the platform's deployment
(executors.deploy.google / .adobe), which looks everything up by the name Spectra
gave it before creating, so a deployment killed half-way creates only the rest.
Transient trouble (unavailable, throttled, an unknown outcome) never fails a launch.
"""

from campaigns.models import Campaign, CampaignStatus, ExecutionMode, Platform
from campaigns.services.launches import launch_deployed, launch_fail, launch_simulated
from executors.clients.errors import PlatformAuthError, PlatformError
from executors.clients.factory import client_for
from executors.deploy.adobe import AdobeDeployment
from executors.deploy.common import OUT, Refused, Transient
from executors.deploy.google import GoogleDeployment
from executors.deploy.plan import plan_problems, read_plan
from executors.pipeline.gate import Gate

ACTIVE, FAILED, SIMULATED, WAITING = "active", "failed", "simulated", "waiting"


def _fail(deployment, reason: str, *, actor) -> str:
    deployment.log("deploy.fail", outcome=OUT.FAILED, detail=reason)
    launch_fail(campaign=deployment.campaign, actor=actor, reason=reason)
    return FAILED


def deploy_campaign(campaign_id: int, *, actor) -> str | None:
    """ "active" / "failed" / "simulated" / "waiting"; None when no longer DEPLOYING."""
    campaign = Campaign.objects.select_related("account", "brief").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != CampaignStatus.DEPLOYING:
        return None
    account = campaign.account
    plan = read_plan(campaign)
    kind = GoogleDeployment if account.platform == Platform.GOOGLE_ADS else AdobeDeployment
    deployment = kind(campaign, plan, None, actor=actor)
    if account.execution_mode == ExecutionMode.READ_ONLY:
        return _fail(
            deployment, "The account is read-only: Spectra creates nothing on it.", actor=actor
        )
    existing = (
        Campaign.objects.filter(account=account)
        .exclude(external_id="")
        .exclude(pk=campaign.pk)
        .count()
    )
    problems = plan_problems(plan, account.platform, existing)
    if problems:
        return _fail(deployment, "Over the platform's limits: " + " ".join(problems), actor=actor)

    gate = Gate(account)
    if not deployment.dry_run:
        if reason := gate.switched_off():
            deployment.log("deploy.gate", outcome=OUT.BLOCKED, detail=f"kill switch: {reason}")
            return WAITING
        hold = gate.admit(operations=plan.size, mutate=True, rate=1)
        if hold is not None:
            deployment.log("deploy.gate", outcome=OUT.BLOCKED, detail=hold.reason)
            return WAITING
    try:
        deployment.client = client_for(account)
        outcome = deployment.run()
    except Transient as exc:
        if deployment.dry_run:
            pass
        elif exc.trouble:
            gate.troubled(str(exc))
        else:
            gate.answered()
        deployment.log("deploy.wait", outcome=OUT.RETRYING, detail=str(exc))
        return WAITING
    except Refused as exc:
        if not deployment.dry_run:
            gate.answered()
        return _fail(deployment, str(exc), actor=actor)
    except PlatformAuthError as exc:
        gate.untested()
        deployment.log("deploy.wait", outcome=OUT.RETRYING, detail=f"credentials refused: {exc}")
        return WAITING
    except PlatformError as exc:  # unavailable, malformed: transient by nature
        if not deployment.dry_run:
            gate.troubled(str(exc))
        deployment.log("deploy.wait", outcome=OUT.RETRYING, detail=str(exc))
        return WAITING
    if not deployment.dry_run:
        gate.answered()
    if outcome == SIMULATED:
        launch_simulated(campaign=campaign, actor=actor)
        return SIMULATED
    launch_deployed(campaign=campaign, actor=actor)
    return ACTIVE
