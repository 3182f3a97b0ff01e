"""What a Google campaign experiment is on the platform, as the shell last found it."""

from campaigns.actors import system_user
from campaigns.services.history import save_with_history
from experiments.models import Experiment, ExperimentKind


def experiment_record_platform(
    *, experiment: Experiment, resource_name: str = "", status: str = "", note: str = ""
) -> Experiment:
    """Record the platform side of a Google experiment (created, its status, or why not)."""
    if experiment.kind != ExperimentKind.PLATFORM:
        raise ValueError("only Google campaign experiments have a platform side")
    experiment.platform_experiment = resource_name or experiment.platform_experiment
    experiment.platform_status = status or experiment.platform_status
    experiment.platform_note = note
    save_with_history(
        experiment,
        actor=system_user(),
        reason=note or f"Google experiment {experiment.platform_experiment}: {status}",
        update_fields=["platform_experiment", "platform_status", "platform_note"],
    )
    return experiment
