"""A role counts only in its own organization: an analyst elsewhere is a viewer here."""

from decimal import Decimal

import pytest

from campaigns.models import (
    AdAccount,
    Campaign,
    CampaignStatus,
    GuardrailPolicy,
    Membership,
    Organization,
    Role,
)
from tests.campaigns.admin.conftest import change_url, policy_form_data, populate, transition_url


@pytest.fixture
def mixed_user(alice, bob, django_user_model):
    """Viewer in alice's organization, analyst and approver rights in bob's."""
    user = django_user_model.objects.create_user("carol", password="x", is_staff=True)
    Membership.objects.create(user=user, organization=alice.org, role=Role.VIEWER)
    Membership.objects.create(user=user, organization=bob.org, role=Role.APPROVER)
    return user


def test_her_role_in_bobs_org_does_not_let_her_edit_alices_limits(client, alice, mixed_user):
    client.force_login(mixed_user)

    page = client.get(change_url(alice.campaign))
    response = client.post(
        change_url(alice.campaign),
        {
            "max_daily_spend": "1.00",
            "total_spend_limit": "",
            "reason": "x",
            "ad_groups-TOTAL_FORMS": "0",
            "ad_groups-INITIAL_FORMS": "0",
        },
    )

    assert b'name="max_daily_spend"' not in page.content
    assert response.status_code == 403
    assert Campaign.objects.get(pk=alice.campaign.pk).max_daily_spend is None


def test_she_may_edit_bobs_limits(client, bob, mixed_user):
    client.force_login(mixed_user)

    client.post(
        change_url(bob.campaign),
        {
            "max_daily_spend": "1.00",
            "total_spend_limit": "",
            "reason": "x",
            "ad_groups-TOTAL_FORMS": "0",
            "ad_groups-INITIAL_FORMS": "0",
        },
    )

    assert Campaign.objects.get(pk=bob.campaign.pk).max_daily_spend == Decimal("1.00")


def test_she_sees_decision_buttons_on_bobs_recommendation_but_not_alices(
    client, alice, bob, mixed_user
):
    client.force_login(mixed_user)

    on_alices = client.get(change_url(alice.recommendation)).context["transitions"]
    on_bobs = client.get(change_url(bob.recommendation)).context["transitions"]

    assert on_alices == []
    assert [b.label for b in on_bobs] == ["Approve", "Reject"]


def test_posting_a_pause_on_alices_campaign_is_refused(client, alice, mixed_user):
    client.force_login(mixed_user)

    client.post(transition_url(alice.campaign), {"transition": "pause", "reason": "x"})

    assert Campaign.objects.get(pk=alice.campaign.pk).status == CampaignStatus.ACTIVE


def test_an_org_admin_renames_his_organization_but_an_approver_cannot(client, alice):
    client.force_login(alice.approver)
    refused = client.post(
        change_url(alice.org), {"name": "Hijacked", "slug": "alice-org", "webhook_url": ""}
    )
    client.force_login(alice.admin)
    client.post(
        change_url(alice.org), {"name": "Alice Ltd", "slug": "alice-org", "webhook_url": ""}
    )

    assert refused.status_code == 403
    org = Organization.objects.get(pk=alice.org.pk)
    assert org.name == "Alice Ltd"
    assert org.history.latest("history_date").history_user == alice.admin


def test_only_a_superuser_creates_organizations(client, alice, superuser):
    client.force_login(alice.admin)
    assert client.get("/admin/campaigns/organization/add/").status_code == 403

    client.force_login(superuser)
    client.post(
        "/admin/campaigns/organization/add/",
        {"name": "Carol Co", "slug": "carol-co", "webhook_url": ""},
    )
    assert Organization.objects.filter(slug="carol-co").exists()


def test_an_admin_of_bobs_org_cannot_edit_alices_policy_or_account(
    client, alice, bob, django_user_model
):
    populate(alice, "alice")
    dave = django_user_model.objects.create_user("dave", password="x", is_staff=True)
    Membership.objects.create(user=dave, organization=alice.org, role=Role.VIEWER)
    Membership.objects.create(user=dave, organization=bob.org, role=Role.ADMIN)
    client.force_login(dave)

    policy = client.post(
        change_url(alice.policy), {**policy_form_data(), "max_budget_increase_pct": "99"}
    )
    account = client.post(
        change_url(alice.account),
        {
            "name": "Mine",
            "external_id": "X",
            "currency": "INR",
            "time_zone": "Asia/Kolkata",
            "api_base_url": "https://x.test/",
            "autonomy": "autonomous",
        },
    )

    assert (policy.status_code, account.status_code) == (403, 403)
    assert GuardrailPolicy.objects.get(pk=alice.policy.pk).max_budget_increase_pct == 30
    assert AdAccount.objects.get(pk=alice.account.pk).autonomy == "manual"
