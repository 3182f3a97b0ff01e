"""The admin enforces an organization's account quota, as the API does."""

from campaigns.models import AdAccount, Organization


def _add(client, org):
    return client.post(
        "/admin/campaigns/adaccount/add/",
        {
            "organization": org.pk,
            "name": "One too many",
            "platform": "adobe",
            "external_id": "ACC-X",
            "currency": "INR",
            "time_zone": "Asia/Kolkata",
            "api_base_url": "http://127.0.0.1:8765/",
            "autonomy": "manual",
            "is_active": "on",
        },
        follow=True,
    )


def test_an_admin_cannot_add_an_account_past_the_quota_and_is_told_why(client, alice):
    Organization.objects.filter(pk=alice.org.pk).update(max_accounts=1)  # alice has one
    client.force_login(alice.admin)

    page = _add(client, alice.org).content.decode()

    assert "its quota is 1" in page
    assert not AdAccount.objects.filter(name="One too many").exists()


def test_below_the_quota_the_account_is_added(client, alice):
    Organization.objects.filter(pk=alice.org.pk).update(max_accounts=2)
    client.force_login(alice.admin)

    _add(client, alice.org)

    assert AdAccount.objects.filter(name="One too many", organization=alice.org).exists()
