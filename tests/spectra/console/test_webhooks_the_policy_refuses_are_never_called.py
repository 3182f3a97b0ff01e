"""An organization's webhook that points inside Spectra's network is never called, and
the recorded failure says the URL is not allowed without telling whether anything
listens there (so the webhook cannot be used as a port scanner)."""

import pytest

from campaigns.credentials import encrypt_secret
from campaigns.models import AlertKind, Organization, Severity
from campaigns.services.alerts import alert_raise
from tests.campaigns.outbound_support import fake_dns, record_connections

NOT_ALLOWED = "webhook URL is not allowed: its host is a loopback address"


@pytest.fixture
def production_like(settings):
    settings.SPECTRA_ALLOW_LOOPBACK_URLS = False
    return settings


def _notify(tenant, capture, url):
    # Saved behind the validators' back: a URL from before the policy, or a name
    # that resolved elsewhere when it was saved.
    Organization.objects.filter(pk=tenant.org.pk).update(webhook_url_ciphertext=encrypt_secret(url))
    with capture(execute=True):
        alert, _ = alert_raise(
            organization_id=tenant.org.pk,
            kind=AlertKind.SYNC_FAILED,
            severity=Severity.WARNING,
            title="Sync failed",
            message="",
            dedup_key="sync:1",
        )
    alert.refresh_from_db()
    return alert


def test_a_webhook_on_an_internal_endpoint_is_not_called(
    alice, production_like, webhook, tasks_run_inline, django_capture_on_commit_callbacks
):
    alert = _notify(alice, django_capture_on_commit_callbacks, webhook.url)

    assert webhook.received == []
    assert alert.notification_error == NOT_ALLOWED
    assert "secret-token" not in alert.notification_error


def test_a_listening_and_a_closed_internal_port_fail_alike(
    alice, production_like, webhook, tasks_run_inline, django_capture_on_commit_callbacks
):
    listening = _notify(alice, django_capture_on_commit_callbacks, webhook.url)
    listening.delete()
    closed = _notify(alice, django_capture_on_commit_callbacks, "http://127.0.0.1:9/hooks/x")

    assert listening.notification_error == closed.notification_error == NOT_ALLOWED


def test_an_allowed_name_that_resolves_to_the_private_network_is_not_called(
    alice, settings, monkeypatch, tasks_run_inline, django_capture_on_commit_callbacks
):
    settings.SPECTRA_WEBHOOK_HOSTS = ["hooks.example.test"]
    fake_dns(monkeypatch, {"hooks.example.test": [["10.1.2.3"]]})
    connected = record_connections(monkeypatch)

    alert = _notify(alice, django_capture_on_commit_callbacks, "https://hooks.example.test/h/s3")

    assert connected == []
    assert alert.notification_error == (
        "webhook URL is not allowed: its host hooks.example.test resolves to "
        "a private-network address"
    )
