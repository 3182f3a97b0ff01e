from experiments.admin.experiments import ExperimentAdmin

__all__ = ["ExperimentAdmin"]
