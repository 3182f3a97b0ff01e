"""Every AI call a launch makes — strategy, copy, images, the judge — is an AICall
billed to the launch's campaign, and the review shows their sum to the cent."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from campaigns.models import Asset
from creative.models import AICall, Purpose
from creative.services.assets import launch_cost
from tests.creative.launches import make_launch, run_chain


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_every_call_of_a_launch_is_billed_to_its_campaign(llm, alice, bob):
    theirs = make_launch(bob)
    ours = make_launch(alice, product="Trailblazer")
    run_chain(ours)

    calls = AICall.objects.all()
    assert calls.exists() and set(calls.values_list("campaign_id", flat=True)) == {ours.pk}
    assert set(calls.values_list("organization_id", flat=True)) == {alice.org.pk}
    assert {Purpose.STRATEGY, Purpose.COPY, Purpose.IMAGE, Purpose.SAFETY} <= set(
        calls.values_list("purpose", flat=True)
    )
    # each generated asset names the calls that made it, all of them this campaign's
    named = {
        i
        for ids in Asset.objects.filter(campaign=ours).values_list("call_ids", flat=True)
        for i in ids
    }
    assert named and named <= set(calls.values_list("pk", flat=True))

    total = calls.aggregate(total=Sum("cost"))["total"]
    assert total > 0 and launch_cost(ours) == total
    assert launch_cost(theirs) == Decimal("0")
