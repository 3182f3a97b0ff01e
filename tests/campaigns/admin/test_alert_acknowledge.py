"""Alerts are acknowledged through the service, by roles that may, in their own organization."""

from campaigns.models import Alert
from tests.campaigns.admin.conftest import changelist_url, messages_of

URL = changelist_url("alert")


def _acknowledge(client, *alerts):
    return client.post(
        URL,
        {"action": "acknowledge_selected", "_selected_action": [a.pk for a in alerts], "index": 0},
    )


def test_an_analyst_acknowledges_an_alert(client, tenants):
    alice, _ = tenants
    client.force_login(alice.analyst)

    response = _acknowledge(client, alice.alert)

    alert = Alert.objects.get(pk=alice.alert.pk)
    assert alert.acknowledged_by == alice.analyst
    assert alert.acknowledged_at is not None
    assert "Acknowledged 1 alert(s)." in messages_of(response)


def test_acknowledging_twice_reports_who_did_it_first(client, tenants):
    alice, _ = tenants
    client.force_login(alice.analyst)
    _acknowledge(client, alice.alert)
    client.force_login(alice.approver)

    response = _acknowledge(client, alice.alert)

    assert Alert.objects.get(pk=alice.alert.pk).acknowledged_by == alice.analyst
    assert any("already acknowledged by alice-analyst" in m for m in messages_of(response))


def test_a_viewer_is_not_offered_acknowledge_and_cannot_post_it(client, tenants):
    alice, _ = tenants
    client.force_login(alice.viewer)

    assert b"acknowledge_selected" not in client.get(URL).content
    _acknowledge(client, alice.alert)

    assert Alert.objects.get(pk=alice.alert.pk).acknowledged_at is None


def test_bobs_analyst_cannot_acknowledge_alices_alert(client, tenants):
    alice, bob = tenants
    client.force_login(bob.analyst)

    _acknowledge(client, alice.alert)

    assert Alert.objects.get(pk=alice.alert.pk).acknowledged_at is None


def test_the_open_filter_hides_acknowledged_alerts(client, tenants):
    alice, _ = tenants
    client.force_login(alice.analyst)
    _acknowledge(client, alice.alert)

    response = client.get(URL, {"acknowledged": "no"})

    assert list(response.context["cl"].result_list) == []
