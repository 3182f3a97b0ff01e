"""The world's curve for a created campaign depends on how well its keywords and
headlines fit its offer (the words of its final URL): better assets convert better."""

from executors.sandbox.launched import fit, google_curves
from tests.executors.sandbox.launch_support import launch, small_world


def test_fit_is_the_share_of_keywords_and_headlines_on_the_offer():
    offer = "https://example.com/wool-socks"
    assert (
        fit(offer, ["wool socks", "warm socks"], ["Socks on sale", "Buy now", "Free delivery"])
        == (1.0 + 1 / 3) / 2
    )
    assert fit(offer, ["cheap shoes"], ["Shoes on sale"]) == 0.0


def test_a_campaign_on_its_offer_expects_more_conversions_for_the_same_budget():
    world = small_world()
    launch(
        world,
        "Good",
        keywords=["wool socks", "merino socks"],
        headlines=["Wool socks on sale", "Warm socks", "Merino wool"],
    )
    launch(
        world,
        "Poor",
        keywords=["cheap shoes", "boots"],
        headlines=["Great deals", "Shop now", "Free delivery"],
    )

    curves = {c["name"]: c for c in google_curves(world)}

    assert curves["Good"]["fit"] == 1.0 and curves["Poor"]["fit"] == 0.0
    assert curves["Good"]["budget"] == curves["Poor"]["budget"]
    assert curves["Good"]["expectedConversions"] > 3 * curves["Poor"]["expectedConversions"]
    assert world.truth()["launched"] == google_curves(world)
