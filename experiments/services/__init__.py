"""Services that change experiments: plan, start, readout, stop and ship."""

from experiments.services.decide import experiment_cancel, experiment_ship, experiment_stop
from experiments.services.holds import holds_sync
from experiments.services.plan import ExperimentPlan, experiment_plan
from experiments.services.readouts import experiment_readout
from experiments.services.start import experiment_start

__all__ = [
    "ExperimentPlan",
    "experiment_cancel",
    "experiment_plan",
    "experiment_readout",
    "experiment_ship",
    "experiment_start",
    "experiment_stop",
    "holds_sync",
]
