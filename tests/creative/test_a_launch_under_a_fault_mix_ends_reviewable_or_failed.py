"""Under a mix of every fault the model has, a launch driven the way the task layer
drives it (each step retried, then given up) always ends: in review with every asset
judged, or FAILED saying why — never stuck generating, never with an unchecked asset."""

import pytest

from campaigns.models import Asset, Brief, CampaignStatus, Verdict
from creative.launch.steps import give_up, run_step
from tests.creative.launches import make_launch

S = CampaignStatus
MIX = {
    "500": 0.05,
    "503": 0.03,
    "429": 0.02,
    "refusal": 0.03,
    "invalid_json": 0.03,
    "missing_fields": 0.02,
    "unsafe": 0.02,
    "empty": 0.02,
    "length": 0.02,
}
ATTEMPTS = 5  # what spectra.launch gives a step before give_up


def _drive(campaign_id: int) -> None:
    step = "strategy"
    while step is not None:
        for _ in range(ATTEMPTS):
            try:
                step = run_step(campaign_id, step)
                break
            except Exception as exc:  # the task layer catches everything
                error = exc
        else:
            step = give_up(campaign_id, step, str(error))


@pytest.mark.parametrize("seed", [3, 11])
def test_every_launch_ends_in_review_or_failed_with_a_reason(llm, alice, settings, tmp_path, seed):
    settings.MEDIA_ROOT = tmp_path
    llm.set_faults(mix=MIX, seed=seed)
    campaign = make_launch(alice)

    _drive(campaign.pk)

    campaign.refresh_from_db()
    brief = Brief.objects.get(campaign=campaign)
    # The mix did bite (a launch makes a few dozen calls: its judge, one per ad group).
    assert sum(llm.faults()["injected"].values()) >= 3
    assert campaign.status in (S.PENDING_DEPLOYMENT, S.DEPLOYING, S.FAILED)
    if campaign.status == S.FAILED:
        assert brief.failure_reason
    else:
        assert not Asset.objects.filter(campaign=campaign, verdict=Verdict.PENDING).exists()
        assert campaign.ads.exists()
