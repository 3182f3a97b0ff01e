"""An alert is acknowledged from its own page: approvers and admins see the button, the
others do not and are refused, and another organization's alert is not there at all."""

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.models import Alert, AlertKind, Severity
from campaigns.services.alerts import alert_raise

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(alice):
    alert, _created = alert_raise(
        organization_id=alice.org.pk,
        account=alice.account,
        kind=AlertKind.EXECUTION_FAILED,
        severity=Severity.WARNING,
        title="Could not apply a budget",
        message="400 from the platform",
        dedup_key="test:1",
    )
    return alert


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(alert) -> str:
    return reverse("admin:campaigns_alert_change", args=[alert.pk])


def _ack(alert) -> str:
    return reverse("admin:campaigns_alert_acknowledge", args=[alert.pk])


def test_an_approver_acknowledges_it_on_its_page(alice, alert):
    client = _client(alice.approver)
    assert b'id="alert-acknowledge"' in client.get(_page(alert)).content

    response = client.post(_ack(alert), follow=True)

    alert.refresh_from_db()
    assert alert.acknowledged_by == alice.approver
    assert b'id="alert-acknowledged"' in response.content
    assert b'id="alert-acknowledge"' not in response.content


def test_a_viewer_sees_no_button_and_is_refused(alice, alert):
    client = _client(alice.viewer)
    assert b'id="alert-acknowledge"' not in client.get(_page(alert)).content

    client.post(_ack(alert))

    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_another_organization_gets_a_404_and_a_get_does_nothing(alice, bob, alert):
    assert _client(bob.admin).post(_ack(alert)).status_code == 404
    assert _client(alice.admin).get(_ack(alert)).status_code == 405
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None
