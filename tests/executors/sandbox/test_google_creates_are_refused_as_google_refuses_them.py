"""The sandbox's Google creates refuse what Google refuses, with Google's error enums
and locations; validateOnly writes nothing; partialFailure applies the valid rest."""

import pytest

from executors.sandbox.google_errors import GoogleAdsError
from tests.executors.sandbox.launch_support import CUSTOMER, create, launch, rsa, small_world

HEADLINES = ["Wool socks", "Warm wool socks", "Merino socks"]


def _codes(exc: GoogleAdsError) -> list[str]:
    return [".".join(next(iter(e["errorCode"].items()))) for e in exc.errors]


def _group(world) -> str:
    response = launch(world, "Winter socks", keywords=["wool socks"], headlines=HEADLINES)
    return response["mutateOperationResponses"][2]["resourceName"]


@pytest.mark.parametrize(
    ("headlines", "code"),
    [
        ([*HEADLINES, "A headline well over thirty chars"], "adError.LINE_TOO_WIDE"),
        (HEADLINES[:2], "adError.TOO_FEW_HEADLINES"),
        ([f"Headline {n}" for n in range(16)], "adError.TOO_MANY_HEADLINES"),
    ],
)
def test_an_ad_google_would_refuse_is_refused_with_its_code(headlines, code):
    world = small_world()
    with pytest.raises(GoogleAdsError) as refused:
        create(world, "adGroupAds", {"adGroup": _group(world), "ad": rsa(headlines)})
    assert _codes(refused.value) == [code]
    assert refused.value.errors[0]["location"]["fieldPathElements"][0] == {
        "fieldName": "operations",
        "index": 0,
    }


def test_a_fourth_enabled_ad_in_an_ad_group_is_over_the_limit():
    world = small_world()
    group = _group(world)  # holds one enabled ad
    for _ in range(2):
        create(world, "adGroupAds", {"adGroup": group, "ad": rsa(HEADLINES)})
    with pytest.raises(GoogleAdsError) as refused:
        create(world, "adGroupAds", {"adGroup": group, "ad": rsa(HEADLINES)})
    assert _codes(refused.value) == ["resourceCountLimitExceededError.RESOURCE_LIMIT"]
    paused = create(
        world, "adGroupAds", {"adGroup": group, "status": "PAUSED", "ad": rsa(HEADLINES)}
    )
    assert paused["results"][0]["resourceName"]


def test_duplicate_names_are_refused():
    world = small_world()
    group = _group(world)
    campaign = world.launched.google["adGroups"][group]["campaign"]
    with pytest.raises(GoogleAdsError) as refused:
        create(world, "adGroups", {"name": "Socks", "campaign": campaign})
    assert _codes(refused.value) == ["adGroupError.DUPLICATE_ADGROUP_NAME"]
    with pytest.raises(GoogleAdsError) as refused:
        launch(world, "Winter socks", keywords=["x"], headlines=HEADLINES)
    assert "campaignError.DUPLICATE_CAMPAIGN_NAME" in _codes(refused.value)


def test_validate_only_writes_nothing_and_partial_failure_applies_the_rest():
    world = small_world()
    assert (
        launch(world, "Socks", keywords=["wool socks"], headlines=HEADLINES, validate_only=True)
        == {}
    )
    assert world.writes == [] and world.launched.google["campaigns"] == {}

    group = _group(world)
    before = len(world.writes)
    response = create(
        world,
        "adGroupCriteria",
        {"adGroup": group, "keyword": {"text": "socks", "matchType": "EXACT"}},
    )
    assert response["results"][0]["resourceName"].startswith(
        f"customers/{CUSTOMER}/adGroupCriteria/"
    )
    from executors.sandbox.google_mutate import mutate

    body = {
        "partialFailure": True,
        "operations": [
            {"create": {"adGroup": group, "keyword": {"text": "merino", "matchType": "BROAD"}}},
            {"create": {"adGroup": group, "keyword": {"text": "x", "matchType": "FUZZY"}}},
        ],
    }
    response, applied = mutate(world, CUSTOMER, "adGroupCriteria", body, "t")
    assert applied == 1 and response["results"][1] == {}
    assert "criterionError" in str(response["partialFailureError"])
    assert len(world.writes) == before + 2
