"""Rollback from the admin: a button on an executed change, a button per campaign version."""

from campaigns.models import Campaign, Recommendation, RecommendationStatus, Source
from executors.pipeline import execute_recommendation
from tests.executors.execution.conftest import approved_budget, platform_budget


def test_an_approver_rolls_back_an_executed_change_from_its_page(
    client, sandbox, live_account, alice
):
    rec = approved_budget(live_account, alice.approver)
    execute_recommendation(rec.pk)
    client.force_login(alice.approver)

    page = client.get(f"/admin/campaigns/recommendation/{rec.pk}/change/")
    assert "Roll back this change" in page.text
    response = client.post(
        f"/admin/campaigns/recommendation/{rec.pk}/rollback/", {"note": "Too aggressive"}
    )

    rollback = Recommendation.objects.get(rollback_of=rec)
    assert response.status_code == 302
    assert (rollback.status, rollback.source) == (RecommendationStatus.APPROVED, Source.ROLLBACK)
    execute_recommendation(rollback.pk)
    assert platform_budget(sandbox, "CMP-0001") == rec.current_value


def test_a_viewer_sees_no_rollback_button_and_is_refused(client, live_account, alice):
    rec = approved_budget(live_account, alice.approver)
    execute_recommendation(rec.pk)
    client.force_login(alice.viewer)

    assert (
        "Roll back this change"
        not in client.get(f"/admin/campaigns/recommendation/{rec.pk}/change/").text
    )
    client.post(f"/admin/campaigns/recommendation/{rec.pk}/rollback/", {"note": "x"})
    assert not Recommendation.objects.filter(rollback_of=rec).exists()


def test_a_campaign_is_rolled_back_to_a_version_from_its_versions_page(
    client, sandbox, live_account, alice
):
    rec = approved_budget(live_account, alice.approver)
    campaign = Campaign.objects.get(pk=rec.campaign_id)
    first = campaign.history.order_by("history_date").first()
    execute_recommendation(rec.pk)
    client.force_login(alice.approver)

    page = client.get(f"/admin/campaigns/campaign/{campaign.pk}/versions/")
    assert "Roll back to this version" in page.text
    client.post(
        f"/admin/campaigns/campaign/{campaign.pk}/versions/{first.history_id}/rollback/",
        {"note": "launch settings"},
    )

    for pending in Recommendation.objects.filter(source=Source.ROLLBACK):
        execute_recommendation(pending.pk)
    assert platform_budget(sandbox, campaign.external_id) == first.daily_budget


def test_another_organization_cannot_see_or_roll_back_the_versions(
    client, live_account, alice, bob
):
    campaign = Campaign.objects.filter(account=live_account).first()
    version = campaign.history.first()
    client.force_login(bob.admin)

    assert client.get(f"/admin/campaigns/campaign/{campaign.pk}/versions/").status_code == 404
    response = client.post(
        f"/admin/campaigns/campaign/{campaign.pk}/versions/{version.history_id}/rollback/"
    )
    assert response.status_code == 404
    assert not Recommendation.objects.filter(source=Source.ROLLBACK).exists()


def test_a_rollback_without_a_reason_is_refused_and_creates_nothing(client, live_account, alice):
    campaign = Campaign.objects.filter(account=live_account).first()
    version = campaign.history.first()
    client.force_login(alice.approver)

    response = client.post(
        f"/admin/campaigns/campaign/{campaign.pk}/versions/{version.history_id}/rollback/",
        {"note": "  "},
        follow=True,
    )

    assert "Say why" in response.content.decode()
    assert not Recommendation.objects.filter(source=Source.ROLLBACK).exists()
