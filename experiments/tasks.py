"""Daily: a readout of every running experiment, and the day's holds (switchbacks turn)."""

import logging

from campaigns.models import AdAccount
from experiments.models import Experiment, ExperimentKind, ExperimentStatus
from experiments.services import experiment_readout, holds_sync

log = logging.getLogger(__name__)


def take_readouts() -> int:
    """One readout per running experiment per account day; safe to run twice."""
    taken = 0
    running = Experiment.objects.filter(status=ExperimentStatus.RUNNING).select_related("account")
    for experiment in running.exclude(kind=ExperimentKind.PLATFORM):
        try:
            experiment_readout(experiment=experiment)
            taken += 1
        except Exception:  # one experiment's trouble must not stop the others' readouts
            log.exception("readout of experiment %s failed", experiment.pk)
    for account in AdAccount.objects.filter(
        experiments__status=ExperimentStatus.RUNNING
    ).distinct():
        holds_sync(account=account)
    return taken
