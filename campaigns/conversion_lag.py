"""Which recent days are still gathering conversions, for the pages a person reads.

The optimiser measures it (optimizer.lag: the share of a day's final conversions
reported k days later) and keeps the curve on each run's summary; pages read the
account's latest run, so a chart marks the same days the optimiser corrected. Before
any run, the policy's conversion-lag window says which days are young, without shares.
By name, through the app registry: `campaigns` never imports the optimiser.
"""

from dataclasses import dataclass
from datetime import date

from django.apps import apps

from campaigns.selectors import policy_for_account

# A day this close to complete reads as complete: the curve is capped at 1 and a share
# of 99.5 % changes no figure a person reads.
COMPLETE = 0.995


@dataclass(frozen=True)
class ConversionLag:
    """`by_age[k - 1]`: the share of the conversions of the day k days before today
    reported so far (None: young, share unknown); older days are complete."""

    by_age: tuple[float | None, ...]
    source: str  # "history", "fallback" (the optimiser's policy curve) or "policy"
    reason: str

    def share(self, day: date, today: date) -> float | None:
        """Share of `day`'s final conversions in so far: 1.0 when complete, None when
        it is young and the share unknown. Today is as young as yesterday, or younger."""
        age = (today - day).days
        if age > len(self.by_age):
            return 1.0
        return self.by_age[max(age, 1) - 1]

    def incomplete(self, day: date, today: date) -> bool:
        share = self.share(day, today)
        return share is None or share < COMPLETE


def conversion_lag_of(account) -> ConversionLag:
    """The account's conversion lag as its latest successful optimisation measured it."""
    run = apps.get_model("optimizer", "OptimizationRun")
    measured = (
        run.objects.filter(account=account, status="succeeded")
        .order_by("-as_of")
        .values_list("summary__conversion_lag", flat=True)
        .first()
    )
    if isinstance(measured, dict) and isinstance(measured.get("by_age"), list):
        return ConversionLag(
            tuple(float(share) for share in measured["by_age"]),
            str(measured.get("source", "history")),
            str(measured.get("reason", "")),
        )
    days = policy_for_account(account).conversion_lag_days
    return ConversionLag(
        (None,) * days,
        "policy",
        f"no optimisation has measured it yet: the policy's {days}-day lag window",
    )
