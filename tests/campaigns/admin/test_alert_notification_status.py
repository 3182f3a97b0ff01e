"""The alert list says whether people were told, and a failed notification can be sent again."""

from django.utils import timezone
from django_q.models import OrmQ

from campaigns.models import Alert
from tests.campaigns.admin.conftest import changelist_url, messages_of

URL = changelist_url("alert")


def _notify_again(client, *alerts):
    return client.post(
        URL,
        {"action": "notify_selected_again", "_selected_action": [a.pk for a in alerts], "index": 0},
    )


def test_a_failed_webhook_shows_in_the_alert_list(client, tenants):
    alice, _ = tenants
    Alert.objects.filter(pk=alice.alert.pk).update(
        notified_at=timezone.now(), notification_error="webhook answered HTTP 500"
    )
    client.force_login(alice.viewer)

    response = client.get(URL)

    assert "webhook answered HTTP 500" in response.content.decode()


def test_an_analyst_queues_the_notification_again(client, tenants):
    alice, _ = tenants
    client.force_login(alice.analyst)

    response = _notify_again(client, alice.alert)

    [queued] = OrmQ.objects.all()
    assert queued.func() == "campaigns.tasks.alert_notify_task"
    assert queued.task["args"] == (alice.alert.pk, True)
    assert "Queued notifications for 1 alert(s)." in messages_of(response)


def test_a_viewer_cannot_send_notifications_again(client, tenants):
    alice, _ = tenants
    client.force_login(alice.viewer)

    assert b"notify_selected_again" not in client.get(URL).content
    _notify_again(client, alice.alert)

    assert not OrmQ.objects.exists()


def test_bobs_analyst_cannot_notify_about_alices_alert(client, tenants):
    alice, bob = tenants
    client.force_login(bob.analyst)

    _notify_again(client, alice.alert)

    assert not OrmQ.objects.exists()
