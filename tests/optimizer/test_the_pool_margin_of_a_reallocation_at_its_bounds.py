"""When every leg of a reallocation sits at a bound, the pool's margin (the opportunity
cost a change's confidence is judged against) is the middle of what the allocator's
conditions allow — not the top, where the raise would look worthless."""

import numpy as np

from campaigns.guardrails import PolicyLimits
from campaigns.models import Autonomy
from optimizer.pipeline import plan_account
from tests.optimizer.builders import account_inputs


def test_the_margin_lies_strictly_between_the_raised_and_the_cut_campaigns_returns():
    inputs = account_inputs([5000, 5000], roas=[6.0, 1.5])
    plan = plan_account(inputs, limits=PolicyLimits(), autonomy=Autonomy.AUTONOMOUS)
    raised, cut = sorted(plan.proposals, key=lambda p: p.proposed < p.current)

    assert raised.change_pct == 30.0 and cut.change_pct == -30.0  # both at their bounds
    margin = raised.evidence["portfolio_marginal_roas"]
    # Between the two campaigns' returns on their next ₹1 of budget (the allocator's own
    # λ would be the top of that bracket, where raising looks worthless).
    raised_return = raised.evidence["marginal_roas"]
    cut_return = cut.evidence["marginal_roas"]
    assert cut_return < margin < raised_return
    assert raised.confidence > 0.9 and cut.confidence > 0.9
    assert np.isfinite(margin)
