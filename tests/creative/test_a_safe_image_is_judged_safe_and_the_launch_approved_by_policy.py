"""A generated image is judged by the vision judge, which sees the stored PNG itself:
a valid "safe" verdict makes it SAFE, and a launch with nothing else to flag is approved
by the organization's policy when it lets launches go without a person."""

import base64

import pytest

from campaigns.models import AssetKind, CampaignStatus, GuardrailPolicy, Verdict
from creative.launch.steps import run_step
from tests.creative.launches import planned_launch, run_chain

S = CampaignStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_safe_image_is_safe(llm, alice):
    campaign = planned_launch(alice)
    run_step(campaign.pk, "copy")
    run_step(campaign.pk, "images")

    assert run_step(campaign.pk, "safety") is None

    image = campaign.assets.get(kind=AssetKind.IMAGE)
    assert image.verdict == Verdict.SAFE, image.verdict_reasons
    campaign.refresh_from_db()
    assert campaign.status == S.PENDING_DEPLOYMENT  # a person approves by default


def test_the_judge_is_shown_the_stored_png_as_a_data_url(llm, alice, monkeypatch):
    from django.core.files.storage import default_storage

    from creative.launch.images import stored_name
    from creative.llm import client

    sent = []
    real = client.chat_request

    def spy(**kwargs):
        sent.append(kwargs["messages"])
        return real(**kwargs)

    monkeypatch.setattr("creative.services.generate.chat_request", spy)
    campaign = planned_launch(alice)
    run_step(campaign.pk, "copy")
    run_step(campaign.pk, "images")
    sent.clear()

    run_step(campaign.pk, "safety")

    image = campaign.assets.get(kind=AssetKind.IMAGE)
    with default_storage.open(stored_name(image.image_url), "rb") as f:
        png = f.read()
    parts = [
        part
        for messages in sent
        for m in messages
        if isinstance(m["content"], list)
        for part in m["content"]
        if part["type"] == "image_url"
    ]
    assert [p["image_url"]["url"] for p in parts] == [
        "data:image/png;base64," + base64.b64encode(png).decode()
    ]


def test_a_launch_with_nothing_flagged_is_approved_by_policy(llm, alice):
    GuardrailPolicy.objects.update_or_create(
        organization=alice.org, account=None, defaults={"launch_requires_approval": False}
    )
    campaign = planned_launch(alice)

    run_chain(campaign, start="copy")

    campaign.refresh_from_db()
    assert campaign.brief.review_flags == []
    assert campaign.status in (S.DEPLOYING, S.ACTIVE)
    assert campaign.assets.get(kind=AssetKind.IMAGE).verdict == Verdict.SAFE
