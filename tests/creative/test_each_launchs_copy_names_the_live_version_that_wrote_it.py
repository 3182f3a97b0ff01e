"""With two versions of the ad-copy prompt live, each launch's copy is written by one of
them, picked per campaign by their traffic shares, and every asset and its AI call name
that version: what a prompt test reads to know which arm made which ad group."""

from campaigns.models import Asset, AssetKind
from creative.models import AICall, PromptStatus, PromptVersion, Purpose
from creative.services.prompts import prompt_draft, prompt_publish
from tests.creative.launches import make_launch, run_chain

LAUNCHES = 8


def _second_version(superuser) -> tuple[PromptVersion, PromptVersion]:
    live = PromptVersion.objects.get(name="ad-copy", status=PromptStatus.PUBLISHED)
    candidate = prompt_draft(
        name="ad-copy",
        system=live.system + "\nPrefer warm, concrete words.",
        template=live.template,
        schema=live.schema,
        actor=superuser,
    )
    return live, prompt_publish(version=candidate, actor=superuser, traffic_share=50)


def test_each_launch_is_written_by_one_live_version_and_its_assets_say_which(llm, alice, superuser):
    live, candidate = _second_version(superuser)
    campaigns = []
    for _ in range(LAUNCHES):
        campaign = make_launch(alice)
        run_chain(campaign, start="strategy")
        campaigns.append(campaign)

    used = []
    for campaign in campaigns:
        copy = Asset.objects.filter(
            campaign=campaign, kind__in=[AssetKind.HEADLINE, AssetKind.DESCRIPTION]
        )
        versions = set(copy.values_list("prompt_version_id", flat=True))
        assert len(versions) == 1 and versions <= {live.pk, candidate.pk}
        calls = AICall.objects.filter(campaign=campaign, purpose=Purpose.COPY)
        assert set(calls.values_list("prompt_version_id", flat=True)) == versions
        used.append(versions.pop())
    assert set(used) == {live.pk, candidate.pk}  # both arms get launches
