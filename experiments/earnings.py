"""What Spectra's changes earned, as measured by holdouts, per organization and month.

Each experiment counts once, by its latest look with an estimate and a bounded interval:
the treatment arm's value over the days counted, less what it would have been without
Spectra (value / (1 + lift)). The interval's ends give the range. Months are those of
the look's last day.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from campaigns.money import minor_unit
from experiments.models import ExperimentKind, ExperimentMetric, Readout


@dataclass(frozen=True)
class MeasuredLift:
    organization_id: int
    organization: str
    month: date
    currency: str
    earned: Decimal
    low: Decimal
    high: Decimal
    experiments: int


def _round(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(minor_unit(currency))


def _incremental(value: Decimal, lift: float) -> Decimal:
    return value * Decimal(str(lift / (1 + lift)))


def measured_lift_by_month(org_ids: list[int] | None) -> list[MeasuredLift]:
    """Measured incremental value per (organization, month, currency); one query."""
    looks = (
        Readout.objects.exclude(estimate=None)
        .exclude(low=None)  # a look too early to bound the lift measures no range yet
        .exclude(high=None)
        .exclude(treatment_value=None)
        .filter(experiment__kind__in=[ExperimentKind.HOLDOUT, ExperimentKind.SWITCHBACK])
        # A CPA or ROAS change is not a lift in value: it earns nothing countable here.
        .filter(experiment__metric=ExperimentMetric.CONVERSION_VALUE)
        .select_related("experiment__account__organization")
        .order_by("experiment_id", "-look")
    )
    if org_ids is not None:
        looks = looks.filter(experiment__account__organization_id__in=org_ids)
    latest = {}
    for look in looks:
        latest.setdefault(look.experiment_id, look)
    sums = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0), 0])
    names = {}
    for look in latest.values():
        account = look.experiment.account
        key = (account.organization_id, look.last_day.replace(day=1), account.currency)
        names[account.organization_id] = account.organization.name
        row = sums[key]
        row[0] += _incremental(look.treatment_value, look.estimate)
        row[1] += _incremental(look.treatment_value, look.low)
        row[2] += _incremental(look.treatment_value, look.high)
        row[3] += 1
    return [
        MeasuredLift(
            org,
            names[org],
            month,
            currency,
            _round(earned, currency),
            _round(low, currency),
            _round(high, currency),
            n,
        )
        for (org, month, currency), (earned, low, high, n) in sorted(
            sums.items(), key=lambda kv: (kv[0][1], names[kv[0][0]]), reverse=True
        )
    ]
