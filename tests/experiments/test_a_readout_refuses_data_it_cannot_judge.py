import numpy as np
import pytest

from experiments.stats.lift import randomization_lift
from experiments.stats.sequential import sequential_lift

PRE = np.array([100.0, 120, 90, 110, 95, 105])
ARMS = np.array([1, 0, 1, 0, 1, 0])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(arms=np.array([1, 0, 0, 0, 0, 0])), "each arm needs at least two campaigns"),
        (dict(post=PRE[:5]), "one value per campaign"),
        (dict(post=np.where(ARMS == 1, -5.0, 100.0)), "cannot be negative"),
        (dict(post=np.array([100.0, 1, np.nan, 1, 1, 1])), "must be numbers"),
        (dict(post=np.where(ARMS == 1, 0.0, 100.0)), "some conversion value in the experiment"),
        (dict(pre=np.where(ARMS == 0, 0.0, 100.0)), "some conversion value in the pre-period"),
    ],
)
def test_it_says_what_is_wrong_in_words(change, message):
    data = dict(pre=PRE, post=PRE * 1.1, arms=ARMS) | change
    with pytest.raises(ValueError, match=message):
        randomization_lift(**data, draws=50)


def test_more_looks_than_planned_are_refused():
    with pytest.raises(ValueError, match="more looks were taken than the plan has"):
        sequential_lift(
            pre=PRE, posts=np.tile(PRE, (3, 1)), arms=ARMS, fractions=[0.5, 1.0], draws=50
        )
