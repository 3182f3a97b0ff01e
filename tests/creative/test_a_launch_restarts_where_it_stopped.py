"""A step that stopped half-way (the model unavailable, the worker killed) is run again
and makes only what is missing: the ad groups already written keep their copy, the
assets already judged keep their verdicts, and a unit cut off mid-write left nothing."""

import pytest

from campaigns.models import Ad, Asset, Verdict
from campaigns.services import history
from creative.launch import safety
from creative.launch.steps import run_step
from creative.llm.errors import AIUnavailable
from creative.models import AICall, Purpose
from tests.creative.launches import planned_launch

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


def test_safety_interrupted_judges_only_what_is_still_pending(llm, alice, monkeypatch):
    campaign = planned_launch(alice, groups=("Trail shoes", "Rain jackets"))
    run_step(campaign.pk, "copy")
    run_step(campaign.pk, "images")
    # Each ad group's assets are judged in one call: the first group's answers, then
    # the provider is down.
    llm.set_faults(next=["ok", *DOWN])

    with pytest.raises(AIUnavailable):
        run_step(campaign.pk, "safety")
    texts = Asset.objects.filter(campaign=campaign).exclude(kind="image")
    judged = dict(texts.exclude(verdict=Verdict.PENDING).values_list("pk", "verdict"))
    assert judged and texts.filter(verdict=Verdict.PENDING).exists()

    llm.set_faults(next=[])
    asked = []
    real = safety.batch_verdicts
    monkeypatch.setattr(
        safety, "batch_verdicts", lambda **kw: asked.extend(kw["assets"]) or real(**kw)
    )
    assert run_step(campaign.pk, "safety") is None

    # the group still pending is judged; nothing judged before is sent again
    assert asked and not {int(key) for key in asked} & set(judged)
    assert dict(texts.filter(pk__in=judged).values_list("pk", "verdict")) == judged
    assert not texts.filter(verdict=Verdict.PENDING).exists()


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
