"""A launch leaves review only when every asset that would go out is checked and
safe (or, if uncertain, passed by a person), every ad keeps what its platform needs,
the account may be written to, and an approver says so."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from campaigns.actors import system_user
from campaigns.models import (
    Ad,
    AdKind,
    Asset,
    AssetKind,
    AssetReview,
    Brief,
    CampaignStatus,
    ExecutionMode,
    GuardrailPolicy,
    Verdict,
)
from campaigns.services.errors import ServiceError
from campaigns.services.launches import (
    launch_approve,
    launch_assets_ready,
    launch_problems,
)
from tests.factories import make_ad_group, make_campaign

pytestmark = pytest.mark.django_db
S = CampaignStatus


def _launch(tenant, *, verdicts=(Verdict.SAFE,) * 5, status=S.PENDING_DEPLOYMENT):
    campaign = make_campaign(tenant.account, status=status, external_id="", name="Winter sale")
    Brief.objects.create(
        campaign=campaign,
        objective="conversions",
        start_date="2027-01-01",
        product="Wool socks",
        landing_url="https://example.com/socks",
    )
    group = make_ad_group(campaign, external_id="", name="Socks")
    ad = Ad.objects.create(
        campaign=campaign,
        ad_group=group,
        kind=AdKind.RESPONSIVE_SEARCH,
        final_url="https://example.com/socks",
    )
    kinds = [AssetKind.HEADLINE] * 3 + [AssetKind.DESCRIPTION] * 2
    for n, (kind, verdict) in enumerate(zip(kinds, verdicts, strict=True)):
        Asset.objects.create(
            campaign=campaign, ad=ad, kind=kind, position=n, text=f"{kind} {n}", verdict=verdict
        )
    return campaign


def test_a_safe_launch_is_approved_and_its_deployment_queued(
    alice, django_capture_on_commit_callbacks
):
    campaign = _launch(alice)
    with django_capture_on_commit_callbacks() as callbacks:
        approved = launch_approve(campaign=campaign, actor=alice.approver, note="Looks right")

    assert approved.status == S.DEPLOYING
    assert len(callbacks) == 1  # the deployment task
    brief = Brief.objects.get(campaign=campaign)
    assert brief.approved_by == alice.approver and brief.approved_at is not None
    assert set(Asset.objects.filter(campaign=campaign).values_list("review", flat=True)) == {
        AssetReview.APPROVED
    }
    assert "Looks right" in campaign.history.first().history_change_reason
    # each asset's approval is a version of it, naming who approved
    approvals = Asset.history.filter(campaign=campaign, review=AssetReview.APPROVED)
    assert approvals.count() == 5
    assert {h.history_user for h in approvals} == {alice.approver}


@pytest.mark.parametrize(
    ("verdict", "words"),
    [
        (Verdict.UNSAFE, "unsafe"),
        (Verdict.PENDING, "not been checked"),
        (Verdict.UNCERTAIN, "uncertain"),
    ],
)
def test_an_unsafe_unchecked_or_undecided_asset_stops_the_approval(alice, verdict, words):
    campaign = _launch(alice, verdicts=(verdict,) + (Verdict.SAFE,) * 4)

    with pytest.raises(ServiceError, match=words):
        launch_approve(campaign=campaign, actor=alice.approver)

    campaign.refresh_from_db()
    assert campaign.status == S.PENDING_DEPLOYMENT
    assert not Asset.objects.filter(campaign=campaign, review=AssetReview.APPROVED).exists()


def test_rejecting_an_unsafe_asset_is_not_enough_if_the_ad_is_left_short(alice):
    campaign = _launch(alice, verdicts=(Verdict.UNSAFE,) + (Verdict.SAFE,) * 4)
    Asset.objects.filter(campaign=campaign, verdict=Verdict.UNSAFE).update(
        review=AssetReview.REJECTED
    )

    assert launch_problems(campaign) == ["Socks: 2 usable headlines; the ad needs 3."]


def test_an_uncertain_asset_a_person_passed_may_go(alice):
    campaign = _launch(alice, verdicts=(Verdict.UNCERTAIN,) + (Verdict.SAFE,) * 4)
    Asset.objects.filter(campaign=campaign, verdict=Verdict.UNCERTAIN).update(
        review=AssetReview.APPROVED
    )

    assert launch_approve(campaign=campaign, actor=alice.approver).status == S.DEPLOYING


def test_the_database_refuses_an_approved_unsafe_asset_whatever_writes_it(alice):
    campaign = _launch(alice, verdicts=(Verdict.UNSAFE,) + (Verdict.SAFE,) * 4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.filter(campaign=campaign, verdict=Verdict.UNSAFE).update(
            review=AssetReview.APPROVED
        )


def test_a_read_only_account_cannot_launch(alice):
    alice.account.execution_mode = ExecutionMode.READ_ONLY
    alice.account.save()
    campaign = _launch(alice)
    with pytest.raises(ServiceError, match="read-only"):
        launch_approve(campaign=campaign, actor=alice.approver)


@pytest.mark.parametrize("who", ["viewer", "analyst"])
def test_only_an_approver_approves_a_launch(alice, who):
    campaign = _launch(alice)
    with pytest.raises(PermissionDenied):
        launch_approve(campaign=campaign, actor=getattr(alice, who))


def test_another_organizations_approver_cannot_approve(alice, bob):
    campaign = _launch(alice)
    with pytest.raises(PermissionDenied):
        launch_approve(campaign=campaign, actor=bob.approver)
    campaign.refresh_from_db()
    assert campaign.status == S.PENDING_DEPLOYMENT


def test_a_launch_that_needs_no_person_by_policy_goes_straight_to_deployment(alice):
    GuardrailPolicy.objects.update_or_create(
        organization=alice.org, account=None, defaults={"launch_requires_approval": False}
    )
    campaign = _launch(alice, status=S.GENERATING_ASSETS)

    assert (
        launch_assets_ready(campaign=campaign, actor=system_user(), flags=[]).status == S.DEPLOYING
    )


@pytest.mark.parametrize("flags", [["fallback copy in Socks"], ["images could not be made"]])
def test_a_flagged_launch_waits_for_a_person_whatever_the_policy(alice, flags):
    GuardrailPolicy.objects.update_or_create(
        organization=alice.org, account=None, defaults={"launch_requires_approval": False}
    )
    campaign = _launch(alice, status=S.GENERATING_ASSETS)

    ready = launch_assets_ready(campaign=campaign, actor=system_user(), flags=flags)

    assert ready.status == S.PENDING_DEPLOYMENT
    assert Brief.objects.get(campaign=campaign).review_flags == flags


def test_by_default_every_launch_waits_for_a_person(alice):
    campaign = _launch(alice, status=S.GENERATING_ASSETS)
    assert (
        launch_assets_ready(campaign=campaign, actor=system_user(), flags=[]).status
        == S.PENDING_DEPLOYMENT
    )
