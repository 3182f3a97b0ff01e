"""Whatever goes wrong with the image judge — a refusal, an answer that is not the
verdict's shape (also after its one repair), a provider whose model takes no images, an
image file that cannot be read — the image is UNCERTAIN and a person looks; it is never
SAFE. A judge that stays unavailable leaves it unjudged for the step's retry."""

import pytest

from campaigns.models import Asset, AssetKind, Verdict
from creative.launch.steps import run_step
from creative.llm.errors import AIUnavailable
from tests.creative.launches import planned_launch


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _imaged_launch(alice):
    campaign = planned_launch(alice)
    run_step(campaign.pk, "copy")
    run_step(campaign.pk, "images")
    return campaign


def _image(campaign) -> Asset:
    return campaign.assets.get(kind=AssetKind.IMAGE)


# The ad group's copy is judged first, in one call; the image judge's calls follow.
@pytest.mark.parametrize(
    "fault", ["refusal", "invalid_json", "missing_fields", "wrong_types", "length"]
)
def test_a_judge_answer_that_is_no_verdict_leaves_the_image_uncertain(llm, alice, fault):
    campaign = _imaged_launch(alice)
    llm.set_faults(next=["ok", fault, fault, fault, fault])

    assert run_step(campaign.pk, "safety") is None

    image = _image(campaign)
    assert image.verdict == Verdict.UNCERTAIN
    assert any("a person looks" in reason for reason in image.verdict_reasons)
    campaign.refresh_from_db()
    assert any("uncertain" in flag for flag in campaign.brief.review_flags)


def test_a_provider_without_vision_leaves_the_image_to_a_person(llm, alice):
    campaign = _imaged_launch(alice)
    llm.set_faults(vision=False)

    assert run_step(campaign.pk, "safety") is None

    image = _image(campaign)
    assert image.verdict == Verdict.UNCERTAIN
    [reason] = image.verdict_reasons
    assert "would not judge the image" in reason and "only supported by certain models" in reason


def test_an_image_file_that_is_gone_is_left_to_a_person(llm, alice):
    from django.core.files.storage import default_storage

    from creative.launch.images import stored_name

    campaign = _imaged_launch(alice)
    default_storage.delete(stored_name(_image(campaign).image_url))

    run_step(campaign.pk, "safety")

    assert _image(campaign).verdict == Verdict.UNCERTAIN


def test_a_judge_that_stays_unavailable_leaves_the_image_unjudged(llm, alice):
    campaign = _imaged_launch(alice)
    llm.set_faults(next=["ok", "503", "503", "503"])  # every attempt the client makes

    with pytest.raises(AIUnavailable):
        run_step(campaign.pk, "safety")

    assert _image(campaign).verdict == Verdict.PENDING
