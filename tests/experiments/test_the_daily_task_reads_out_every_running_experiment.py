"""The daily task takes one readout per running experiment, and running it twice adds none."""

from experiments.models import Readout
from experiments.tasks import take_readouts
from tests.experiments.world import planned, started


def test_it_reads_out_running_experiments_once_a_day(alice, bob):
    running = started(alice.account, alice.analyst, alice.approver)
    planned(bob.account, bob.analyst)  # not started: no readout

    assert take_readouts() == 1
    take_readouts()

    assert list(Readout.objects.values_list("experiment_id", flat=True)) == [running.pk]
