import numpy as np

from experiments.stats.lift import bootstrap_lift, jackknife_lift


def _arms(rng, n=24, lift=0.0):
    size = rng.lognormal(10, 0.8, 2 * n)
    pre = size * rng.lognormal(0, 0.1, 2 * n)
    post = size * rng.lognormal(0, 0.1, 2 * n)
    post[:n] *= 1 + lift
    return post[:n], post[n:], pre[:n], pre[n:]


def test_the_jackknife_did_interval_covers_the_true_lift_about_95_percent():
    rng = np.random.default_rng(3)
    covered = []
    for i in range(600):
        t, c, tp, cp = _arms(rng, lift=0.1)
        r = jackknife_lift(treatment=t, control=c, treatment_pre=tp, control_pre=cp, seed=i)
        covered.append(r.low <= 0.1 <= r.high)
    assert 0.92 <= np.mean(covered) <= 0.98


def test_the_did_estimate_recovers_a_known_lift_exactly_without_noise():
    size = np.arange(1.0, 21.0)
    r = jackknife_lift(
        treatment=size[:10] * 1.2, control=size[10:], treatment_pre=size[:10], control_pre=size[10:]
    )
    assert abs(r.estimate - 0.2) < 1e-12


def test_the_bootstrap_agrees_with_the_jackknife_on_the_estimate():
    rng = np.random.default_rng(5)
    t, c, tp, cp = _arms(rng, lift=0.05)
    j = jackknife_lift(treatment=t, control=c, treatment_pre=tp, control_pre=cp)
    est, low, high = bootstrap_lift(treatment=t, control=c, treatment_pre=tp, control_pre=cp)
    assert abs(est - j.estimate) < 1e-12
    assert low < est < high
