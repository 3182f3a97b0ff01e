"""A step that stopped half-way (the model unavailable, the worker killed) is run again
and makes only what is missing: the ad groups already written keep their copy, the
assets already judged keep their verdicts, and a unit cut off mid-write left nothing."""

import pytest

from campaigns.models import Ad, Asset, Verdict
from campaigns.services import history
from creative.launch.steps import run_step
from creative.llm.errors import AIUnavailable
from creative.models import AICall, Purpose
from tests.creative.launches import ai_calls, planned_launch

DOWN = ["500", "500", "500"]  # every attempt of one call


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_copy_interrupted_after_one_ad_group_writes_only_the_other(llm, alice):
    campaign = planned_launch(alice, groups=("Trail shoes", "Rain jackets"))
    llm.set_faults(next=["ok", *DOWN])

    with pytest.raises(AIUnavailable):
        run_step(campaign.pk, "copy")
    first = list(Asset.objects.filter(campaign=campaign).values_list("pk", "text"))
    assert Ad.objects.filter(campaign=campaign).count() == 1 and first

    llm.set_faults(next=[])
    before = AICall.objects.filter(campaign=campaign, purpose=Purpose.COPY).count()
    assert run_step(campaign.pk, "copy") == "images"

    assert AICall.objects.filter(campaign=campaign, purpose=Purpose.COPY).count() == before + 1
    assert set(first) <= set(Asset.objects.filter(campaign=campaign).values_list("pk", "text"))
    assert Ad.objects.filter(campaign=campaign).values("ad_group").distinct().count() == 2


def test_safety_interrupted_judges_only_what_is_still_pending(llm, alice):
    campaign = planned_launch(alice)
    run_step(campaign.pk, "copy")
    run_step(campaign.pk, "images")
    texts = Asset.objects.filter(campaign=campaign).exclude(kind="image").count()
    llm.set_faults(next=["ok", "ok", *DOWN])

    with pytest.raises(AIUnavailable):
        run_step(campaign.pk, "safety")
    judged = set(
        Asset.objects.filter(campaign=campaign).exclude(verdict=Verdict.PENDING).values_list("pk")
    )
    assert len(judged) == 2

    llm.set_faults(next=[])
    calls = ai_calls(campaign)
    assert run_step(campaign.pk, "safety") is None

    # one judge call for each text asset still pending, none for the two already judged
    assert ai_calls(campaign) - calls == texts - 2
    assert not Asset.objects.filter(campaign=campaign, verdict=Verdict.PENDING).exists()


def test_a_worker_killed_mid_write_leaves_nothing_of_that_ad_group(llm, alice, monkeypatch):
    campaign = planned_launch(alice)
    real, saved = history.save_with_history, []

    def dies_after_five(obj, **kw):
        saved.append(obj)
        if len(saved) == 5:
            raise SystemExit("killed")  # as kill -9 ends the transaction: nothing commits
        real(obj, **kw)

    monkeypatch.setattr("creative.launch.ad_copy.save_with_history", dies_after_five)
    with pytest.raises(SystemExit):
        run_step(campaign.pk, "copy")
    assert not Ad.objects.filter(campaign=campaign).exists()
    assert not Asset.objects.filter(campaign=campaign).exists()

    monkeypatch.setattr("creative.launch.ad_copy.save_with_history", real)
    assert run_step(campaign.pk, "copy") == "images"
    assert Asset.objects.filter(campaign=campaign, kind="headline").count() >= 3
