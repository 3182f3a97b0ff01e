"""A look, once taken, stays as it was: the result page's history cannot be rewritten."""

import datetime as dt

import pytest

from experiments.models import AppendOnlyError, Experiment, Readout


def test_a_readout_cannot_be_changed_or_deleted(alice):
    experiment = Experiment.objects.create(
        account=alice.account, kind="holdout", name="Holdout", planned_days=28
    )
    readout = Readout.objects.create(
        experiment=experiment, look=1, as_of=dt.date(2026, 1, 1), estimate=0.02, decision="wait"
    )
    readout.estimate = 0.5
    with pytest.raises(AppendOnlyError):
        readout.save()
    with pytest.raises(AppendOnlyError):
        readout.delete()
    assert Readout.objects.get().estimate == 0.02
