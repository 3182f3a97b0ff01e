"""A deployment that has not installed the batch judge's prompt yet (Spectra's defaults
install it) still judges every asset: one call each, as before."""

from creative.models import AICall, PromptVersion
from creative.safety import SAFE, UNCERTAIN, Rules, batch_verdicts


def test_each_asset_goes_to_the_single_judge(llm, alice):
    PromptVersion.objects.filter(name="safety-judge-batch").delete()
    assets = {"1": [("headline", "Shop trail shoes")], "2": [("headline", "Proven trail shoes")]}

    verdicts = batch_verdicts(organization_id=alice.org.pk, assets=assets, rules=Rules())

    assert {k: v.verdict for k, v in verdicts.items()} == {"1": SAFE, "2": UNCERTAIN}
    assert list(AICall.objects.values_list("prompt_version__name", flat=True)) == [
        "safety-judge",
        "safety-judge",
    ]
