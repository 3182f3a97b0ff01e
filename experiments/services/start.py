"""Starting an experiment (approver): assign the campaigns to arms and hold the control."""

import math
import secrets

from django.db import transaction
from django.utils import timezone

from campaigns.account_time import account_today
from campaigns.auth import authorize
from campaigns.services.history import apply_transition, save_with_history
from experiments.models import Experiment, ExperimentKind, ExperimentUnit
from experiments.services.holds import holds_sync
from experiments.services.strata import recent_spend_and_roas
from experiments.stats.assignment import pair_strata, stratified_assignment, switchback_schedule


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
            spend, roas = recent_spend_and_roas(
                account=current.account, campaign_ids=[u.campaign_id for u in units]
            )
            assigned = stratified_assignment(spend, roas, seed)
            # The pair each campaign was split within: the readout re-draws within them.
            strata = pair_strata(spend, roas)
            for unit, arm, stratum in zip(units, assigned, strata, strict=True):
                unit.arm = arms[arm == 0]
                unit.stratum = int(stratum)
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
