"""Google campaign experiments: the platform side follows the experiment's state.

Experiments may not import the executors (nor they it), so the hand-off is state: an
approver starts, ships or stops the experiment in the console or the API, and this job
creates and schedules it on Google, promotes it, or ends it — only for LIVE accounts
whose writes are switched on, like every other platform write.
"""

import logging

from campaigns.models import ExecutionMode
from campaigns.switches import writes_allowed
from executors.clients.factory import client_for
from experiments.models import Experiment, ExperimentKind, ExperimentStatus
from experiments.services.platform import experiment_record_platform
from experiments.tasks import take_readouts

log = logging.getLogger(__name__)
S = ExperimentStatus
# The experiment's state, the platform status it is in, and the call that moves it on.
ENDINGS = {S.SHIPPED: "promoteExperiment", S.STOPPED: "endExperiment", S.CANCELLED: "endExperiment"}


def _blocked(experiment: Experiment) -> str:
    account = experiment.account
    if account.execution_mode != ExecutionMode.LIVE:
        return f"account '{account}' is {account.get_execution_mode_display().lower()}"
    switch = writes_allowed(account.organization_id)
    return "" if switch.enabled else switch.reason


def platform_experiment_sync(experiment: Experiment) -> Experiment:
    """Create and schedule a running experiment on Google; promote or end a finished one."""
    blocked = _blocked(experiment)
    if blocked:
        return experiment_record_platform(experiment=experiment, note=f"Waiting: {blocked}.")
    client = client_for(experiment.account)
    if experiment.status == S.RUNNING and not experiment.platform_experiment:
        campaign = experiment.units.select_related("campaign").first().campaign
        name = client.create_experiment(
            name=f"{experiment.name} (Spectra #{experiment.pk})",
            suffix=" [Spectra trial]",
            control_campaign_id=campaign.external_id,
        )
        experiment_record_platform(experiment=experiment, resource_name=name, status="SETUP")
        client.experiment_action(name, "scheduleExperiment")
    elif experiment.platform_status == "ENABLED" and experiment.status in ENDINGS:
        client.experiment_action(experiment.platform_experiment, ENDINGS[experiment.status])
    status = client.experiment(experiment.platform_experiment).get("status", "")
    return experiment_record_platform(experiment=experiment, status=status)


def experiments_tick() -> int:
    """The experiments job: today's readouts, then every Google experiment's platform side."""
    taken = take_readouts()
    pending = Experiment.objects.filter(kind=ExperimentKind.PLATFORM).exclude(
        platform_status__in=["PROMOTED", "HALTED", "REMOVED"]
    )
    for experiment in pending.exclude(status=S.PLANNED).select_related("account"):
        try:
            platform_experiment_sync(experiment)
        except Exception:  # one account's trouble must not stop the others
            log.exception("Google experiment of experiment %s could not be synced", experiment.pk)
    return taken
