"""Starting an experiment (approver): assign the campaigns to arms and hold the control."""

import datetime as dt
import math
import secrets

import numpy as np
from django.db import transaction
from django.utils import timezone

from campaigns.account_time import account_today
from campaigns.auth import authorize
from campaigns.services.history import apply_transition, save_with_history
from experiments.models import Experiment, ExperimentKind, ExperimentUnit
from experiments.selectors import daily_totals, lag_days_of
from experiments.services.holds import holds_sync
from experiments.stats.assignment import stratified_assignment, switchback_schedule
from experiments.stats.windows import last_complete_day

RECENT_DAYS = 28  # spend and ROAS the strata are built from


def _recent_spend_and_roas(experiment: Experiment, units) -> tuple[np.ndarray, np.ndarray]:
    account = experiment.account
    last = last_complete_day(today=account_today(account), lag_days=lag_days_of(account))
    totals = daily_totals(
        [u.campaign_id for u in units], last - dt.timedelta(RECENT_DAYS - 1), last
    )
    spend = np.array(
        [sum(v[1] for v in totals.get(u.campaign_id, {}).values()) for u in units], float
    )
    value = np.array(
        [sum(v[0] for v in totals.get(u.campaign_id, {}).values()) for u in units], float
    )
    roas = np.divide(value, spend, out=np.zeros_like(value), where=spend > 0)
    return spend, roas


def experiment_start(*, experiment: Experiment, actor, seed: int | None = None) -> Experiment:
    """Start a planned experiment: campaigns are split at random, stratified by recent spend
    and ROAS (or given a switchback schedule); the seed is recorded so the split can be
    reproduced; control campaigns are held from today."""
    authorize(actor, "experiments.start_experiment", experiment)
    seed = secrets.randbelow(2**31) if seed is None else seed
    with transaction.atomic():
        current = Experiment.objects.select_for_update().get(pk=experiment.pk)
        apply_transition(current, "start")
        units = list(current.units.order_by("pk"))
        arms = {a.is_control: a for a in current.arms.all()}
        if current.kind == ExperimentKind.SWITCHBACK:
            periods = math.ceil(current.planned_days / current.switchback_period_days)
            schedule = switchback_schedule(len(units), periods, seed)
            for unit, row in zip(units, schedule, strict=True):
                unit.periods = [int(x) for x in row]
        elif current.kind == ExperimentKind.HOLDOUT:
            spend, roas = _recent_spend_and_roas(current, units)
            assigned = stratified_assignment(spend, roas, seed)
            order = np.argsort(np.argsort(-spend, kind="stable"), kind="stable")
            for unit, arm, rank in zip(units, assigned, order, strict=True):
                unit.arm = arms[arm == 0]
                unit.stratum = int(rank // 4)
        else:  # a platform experiment: the campaign is the control, its copy the treatment
            for unit in units:
                unit.arm = arms[True]
        ExperimentUnit.objects.bulk_update(units, ["arm", "stratum", "periods"])
        current.seed = seed
        current.start_date = account_today(current.account)
        current.started_by, current.started_at = actor, timezone.now()
        save_with_history(current, actor=actor, reason=f"Started (assignment seed {seed})")
        holds_sync(account=current.account)
    return current
