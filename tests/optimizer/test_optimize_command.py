"""`manage.py optimize --account ID [--dry-run]`: a readable table of what would change and
why; a dry run stores nothing, a real run stores one run; an unknown account is refused."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from campaigns.models import Recommendation
from optimizer.models import OptimizationRun, RunStatus
from tests.factories import make_ad_group, make_campaign
from tests.optimizer.builders import AS_OF, write_daily_metrics


@pytest.fixture
def account(alice):
    weak = make_campaign(alice.account, name="alice weak campaign")
    write_daily_metrics(alice.campaign, alice.ad_group, roas=6.0, seed=1)
    write_daily_metrics(weak, make_ad_group(weak), roas=1.5, seed=2)
    return alice.account


def optimize(*args) -> str:
    out = StringIO()
    call_command("optimize", *args, "--as-of", AS_OF.isoformat(), stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_changes_with_their_reasons_and_stores_nothing(account):
    recommendations = Recommendation.objects.count()

    output = optimize("--account", str(account.pk), "--dry-run")

    assert "Dry run: nothing stored." in output
    assert "reason" in output  # the table's header
    lines = [line for line in output.splitlines() if line.startswith("budget ")]
    assert len(lines) == 2
    assert any("Raise the daily budget ₹5,000.00 → ₹6,500.00" in line for line in lines)
    assert any("Lower the daily budget ₹5,000.00" in line for line in lines)
    assert "2 proposed" in output
    assert not OptimizationRun.objects.exists()
    assert Recommendation.objects.count() == recommendations


def test_without_dry_run_it_stores_a_run_and_prints_its_recommendations(account):
    output = optimize("--account", str(account.pk))

    run = OptimizationRun.objects.get(account=account)
    assert run.status == RunStatus.SUCCEEDED
    assert f"Optimisation run #{run.pk} (succeeded) as of {AS_OF}" in output
    assert run.recommendations.count() == 2
    for rec in run.recommendations.all():
        assert rec.reason in output


def test_an_unknown_account_is_refused_with_a_clear_message(db):
    with pytest.raises(CommandError, match=r"No ad account with id 987654\."):
        optimize("--account", "987654")
