"""A new alert is e-mailed to the organization's approvers and admins and POSTed to its webhook."""

import pytest
from django.db import transaction
from django_q.models import OrmQ

from campaigns.models import Alert, AlertKind, Severity
from campaigns.services.admin_support import organization_set_webhook
from campaigns.services.alerts import alert_raise
from campaigns.services.notifications import alert_notify


@pytest.fixture
def emails(alice, bob):
    """Give every user of both tenants an address, so who gets mail is visible."""
    for tenant in (alice, bob):
        for user in (tenant.viewer, tenant.analyst, tenant.approver, tenant.admin):
            user.email = f"{user.username}@example.com"
            user.save(update_fields=["email"])


def _raise(tenant, capture, dedup_key="spend:1", title="Spend limit reached"):
    with capture(execute=True):
        alert, created = alert_raise(
            organization_id=tenant.org.pk,
            kind=AlertKind.SPEND_LIMIT,
            severity=Severity.CRITICAL,
            title=title,
            message="Today's spend ₹7,200 passed the ₹7,000 cap.",
            dedup_key=dedup_key,
            account=tenant.account,
            campaign=tenant.campaign,
            data={"spend": "7200.00"},
        )
    alert.refresh_from_db()
    return alert, created


def test_a_new_alert_emails_the_approvers_and_admins_of_its_organization_only(
    alice, bob, emails, tasks_run_inline, mailoutbox, django_capture_on_commit_callbacks
):
    alert, _ = _raise(alice, django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mailoutbox) == [
        "alice-admin@example.com",
        "alice-approver@example.com",
    ]
    assert all(len(m.to) == 1 for m in mailoutbox)
    assert "Spend limit reached" in mailoutbox[0].subject
    assert "₹7,200" in mailoutbox[0].body
    assert alert.notified_at is not None
    assert alert.notification_error == ""


def test_the_webhook_receives_the_alert_as_json_without_its_data(
    alice, emails, webhook, tasks_run_inline, mailoutbox, django_capture_on_commit_callbacks
):
    organization_set_webhook(organization=alice.org, actor=alice.admin, url=webhook.url)

    alert, _ = _raise(alice, django_capture_on_commit_callbacks)

    assert len(webhook.received) == 1
    payload = webhook.received[0]
    assert payload["event"] == "alert.raised"
    assert payload["alert"]["id"] == alert.pk
    assert payload["alert"]["severity"] == "critical"
    assert payload["organization"]["slug"] == alice.org.slug
    assert payload["campaign"]["name"] == alice.campaign.name
    assert "data" not in payload["alert"]
    assert "7200.00" not in str(payload)
    assert webhook.headers[0]["Content-Type"] == "application/json"
    assert alert.notification_error == ""


def test_a_failing_webhook_is_recorded_and_the_emails_still_go_out(
    alice, emails, webhook, tasks_run_inline, mailoutbox, django_capture_on_commit_callbacks
):
    webhook.status = 500
    organization_set_webhook(organization=alice.org, actor=alice.admin, url=webhook.url)

    alert, created = _raise(alice, django_capture_on_commit_callbacks)

    assert created
    assert len(webhook.received) == 1
    assert alert.notification_error == "webhook answered HTTP 500"
    assert alert.notified_at is not None
    assert len(mailoutbox) == 2


def test_an_unreachable_webhook_is_recorded_without_its_secret_url(
    alice, tasks_run_inline, django_capture_on_commit_callbacks
):
    # Port 9 (discard): nothing listens there on a test machine.
    organization_set_webhook(
        organization=alice.org,
        actor=alice.admin,
        url="http://127.0.0.1:9/hooks/spectra-secret-token",
    )

    alert, _ = _raise(alice, django_capture_on_commit_callbacks)

    assert alert.notification_error == "webhook could not be reached"
    assert "secret-token" not in alert.notification_error


def test_refreshing_an_open_alert_tells_nobody_again(
    alice, emails, tasks_run_inline, mailoutbox, django_capture_on_commit_callbacks
):
    _raise(alice, django_capture_on_commit_callbacks)
    _, created = _raise(alice, django_capture_on_commit_callbacks, title="Spend limit still over")

    assert not created
    assert len(mailoutbox) == 2


def test_the_raiser_only_queues_the_notification(
    alice, emails, webhook, mailoutbox, django_capture_on_commit_callbacks
):
    organization_set_webhook(organization=alice.org, actor=alice.admin, url=webhook.url)

    alert, _ = _raise(alice, django_capture_on_commit_callbacks)

    assert mailoutbox == []
    assert webhook.received == []
    assert alert.notified_at is None
    [queued] = OrmQ.objects.all()
    assert queued.func() == "campaigns.tasks.alert_notify_task"
    assert queued.task["args"] == (alert.pk,)


def test_nothing_is_queued_when_the_raisers_transaction_rolls_back(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                alert_raise(
                    organization_id=alice.org.pk,
                    kind=AlertKind.SYNC_FAILED,
                    severity=Severity.WARNING,
                    title="Sync failed",
                    message="",
                )
                raise RuntimeError("the sync failed after all")
        except RuntimeError:
            pass

    assert callbacks == []
    assert not Alert.objects.filter(title="Sync failed").exists()
    assert not OrmQ.objects.exists()


def test_a_redelivered_notification_task_sends_nothing_twice(
    alice, emails, tasks_run_inline, mailoutbox, django_capture_on_commit_callbacks
):
    alert, _ = _raise(alice, django_capture_on_commit_callbacks)

    alert_notify(alert_id=alert.pk)

    assert len(mailoutbox) == 2
