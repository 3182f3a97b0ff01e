""" "What Spectra earned you": the lift holdouts measured, beside what Spectra cost.

Per organization and month: the measured incremental value (experiments.earnings, in the
account currency, with its range), the AI cost that month (creative's metering, USD) and
Spectra's own running cost (SPECTRA_RUNNING_COST_USD_PER_MONTH, per organization; 0
until the operators set it). The shell joins them: no app imports the others.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings

from campaigns.money import money
from creative.models import AISpend
from experiments.earnings import measured_lift_by_month

MONTHS = 3  # the most recent months shown


@dataclass(frozen=True)
class Earned:
    organization: str
    month: date
    earned: str  # in the account currency, with its range
    range: str
    experiments: int
    ai_cost: Decimal  # USD
    running_cost: Decimal  # USD


def _whole(amount: Decimal, currency: str) -> str:
    # An estimate with a range is read at a glance: whole units, not paise.
    return money(amount.quantize(Decimal(1)), currency, whole=True)


def what_spectra_earned(org_ids: list[int] | None) -> list[Earned]:
    """The most recent months' rows, newest first; two queries."""
    lifts = measured_lift_by_month(org_ids)
    months = sorted({m.month for m in lifts}, reverse=True)[:MONTHS]
    lifts = [m for m in lifts if m.month in months]
    ai = dict(
        ((row.organization_id, row.month), row.cost)
        for row in AISpend.objects.filter(
            month__in=months, organization_id__in={m.organization_id for m in lifts}
        )
    )
    running = settings.SPECTRA_RUNNING_COST_USD_PER_MONTH.quantize(Decimal("0.01"))
    return [
        Earned(
            organization=m.organization,
            month=m.month,
            earned=_whole(m.earned, m.currency),
            range=f"{_whole(m.low, m.currency)} to {_whole(m.high, m.currency)}",
            experiments=m.experiments,
            ai_cost=ai.get((m.organization_id, m.month), Decimal(0)).quantize(Decimal("0.01")),
            running_cost=running,
        )
        for m in lifts
    ]
