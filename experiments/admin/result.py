"""What the result page shows: the lift with its interval over the looks, and the decision."""

from campaigns.admin.charts import Series, line_chart
from experiments.models import Experiment, ExperimentMetric, ReadoutDecision


def _pct(value: float) -> str:
    return f"{value:+.0%}" if abs(value) >= 0.1 else f"{value:+.1%}"


def metric_change(experiment: Experiment) -> str:
    """What a readout's estimate is the relative change in."""
    if experiment.metric == ExperimentMetric.CONVERSION_VALUE:
        return "Lift in conversion value"
    return f"Change in {experiment.get_metric_display()} ({experiment.metric.upper()})"


def lift_chart(experiment: Experiment, readouts):
    """The estimate and its interval at each look, against the line of no effect."""
    shown = [r for r in readouts if r.estimate is not None]
    labels = [f"{r.as_of:%d %b} (look {r.look})" for r in shown]
    return line_chart(
        labels,
        [
            Series("lift", [r.estimate for r in shown], colour="#0d6efd"),
            Series("95 % interval, low", [r.low for r in shown], colour="#6c757d", dashed=True),
            Series("95 % interval, high", [r.high for r in shown], colour="#6c757d", dashed=True),
        ],
        title=f"{metric_change(experiment)} at each look",
        limit=0.0,
        limit_label="no effect",
        value_format=_pct,
    )


# What each decision a readout supports asks of the person, and the button that does it.
ACTIONS = {
    ReadoutDecision.SHIP: ("ship", "Ship to all campaigns"),
    ReadoutDecision.STOP: ("stop", "Stop the experiment"),
}


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1%}"


def interval(readout) -> str:
    if readout is None or readout.estimate is None:
        return "—"
    # An end is None where a look too early to bound the lift left it open.
    low, high = (("no bound" if v is None else f"{v:+.1%}") for v in (readout.low, readout.high))
    return f"{low} to {high}"


def shown(experiment: Experiment, readouts) -> dict:
    """The figures the result page prints, in words; each readout gets its own too."""
    for r in readouts:
        r.lift_text, r.interval_text = percent(r.estimate), interval(r)
    latest = readouts[-1] if readouts else None
    return {
        "mde": "—" if experiment.mde is None else f"{experiment.mde:.1%}",
        "lift": percent(latest.estimate) if latest else "—",
        "interval": interval(latest),
        "metric": metric_change(experiment),
        "better": "lower" if experiment.metric == ExperimentMetric.CPA else "higher",
    }
