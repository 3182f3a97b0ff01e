"""Telling people about a new alert: e-mail to the organization's approvers and admins,
and a JSON POST to its webhook when it has one.

Runs in a django-q2 task (campaigns.tasks), never in the raiser's transaction,
so a slow or dead webhook cannot hold up a sync or an execution. A channel
that fails is recorded on the alert (`notification_error`), never raised: the
alert itself is already safe in the database and visible in the console.
"""

import logging
import smtplib

import requests
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone

from campaigns.credentials import CredentialsUnreadable, organization_webhook_url
from campaigns.models import Alert, Membership, Role
from campaigns.urlpolicy import OutboundURLRefused, Purpose, guarded_session

logger = logging.getLogger(__name__)

# (connect, read) seconds: a webhook gets a moment, not a worker.
WEBHOOK_TIMEOUT = (3.05, 5)
NOTIFIED_ROLES = (Role.APPROVER, Role.ADMIN)


def alert_recipients(organization_id: int) -> list[str]:
    """E-mail addresses of the organization's active approvers and admins."""
    return sorted(
        set(
            Membership.objects.filter(
                organization_id=organization_id,
                role__in=NOTIFIED_ROLES,
                user__is_active=True,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def alert_webhook_payload(alert: Alert) -> dict:
    """What the webhook receives: what happened and where, never credentials or raw data.

    `alert.data` is left out on purpose: it is free-form evidence that may one
    day hold something an outside endpoint should not see. The alert id lets a
    receiver drop a duplicate (delivery is at least once).
    """
    account, campaign = alert.account, alert.campaign
    return {
        "event": "alert.raised",
        "alert": {
            "id": alert.pk,
            "kind": alert.kind,
            "severity": alert.severity,
            "title": alert.title,
            "message": alert.message,
            "created_at": alert.created_at.isoformat(),
            "console_path": reverse("admin:campaigns_alert_change", args=[alert.pk]),
        },
        "organization": {"id": alert.organization_id, "slug": alert.organization.slug},
        "account": (
            {"id": account.pk, "name": account.name, "platform": account.platform}
            if account
            else None
        ),
        "campaign": {"id": campaign.pk, "name": campaign.name} if campaign else None,
    }


def _email_body(alert: Alert) -> str:
    lines = [
        alert.message or alert.title,
        "",
        f"Organization: {alert.organization.name}",
    ]
    if alert.account:
        lines.append(f"Account: {alert.account}")
    if alert.campaign:
        lines.append(f"Campaign: {alert.campaign}")
    lines += [
        f"Severity: {alert.get_severity_display()}",
        f"Raised: {alert.created_at:%Y-%m-%d %H:%M} UTC",
        "",
        "Acknowledge it in the console: "
        + reverse("admin:campaigns_alert_change", args=[alert.pk]),
    ]
    return "\n".join(lines)


def _send_emails(alert: Alert, recipients: list[str]) -> None:
    subject = f"[Spectra] {alert.get_severity_display()}: {alert.title}"
    body = _email_body(alert)
    # One message per person: colleagues' addresses are not shared in To/Cc.
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for address in recipients
    ]
    with get_connection() as connection:
        connection.send_messages(messages)


def _webhook_failure(exc: requests.RequestException) -> str:
    # Never the exception text itself: requests puts the URL in it, and webhook
    # URLs (Slack, Teams) carry their secret in the path.
    if isinstance(exc, OutboundURLRefused):
        # Refused before anything was sent, so this says nothing about what answers there.
        return f"webhook URL is not allowed: {exc.reason}"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"webhook answered HTTP {exc.response.status_code}"
    if isinstance(exc, requests.Timeout):
        return "webhook timed out"
    if isinstance(exc, requests.ConnectionError):
        return "webhook could not be reached"
    return f"webhook failed ({type(exc).__name__})"


def _post_webhook(alert: Alert) -> None:
    # The guarded session checks the URL and every address its host resolves to
    # (the organization typed this URL) and refuses redirects.
    with guarded_session(Purpose.WEBHOOK) as session:
        response = session.post(
            organization_webhook_url(alert.organization),
            json=alert_webhook_payload(alert),
            timeout=WEBHOOK_TIMEOUT,
            allow_redirects=False,
            headers={"User-Agent": "Spectra-alerts/1"},
        )
    response.raise_for_status()


def alert_notify(*, alert_id: int, force: bool = False) -> Alert:
    """E-mail the organization's approvers and admins and POST to its webhook; record it.

    Sets `notified_at` when done and `notification_error` to what failed ("" if
    nothing did). An alert already notified is left alone unless `force`
    (someone asked to send it again), so a redelivered task tells nobody twice.
    """
    alert = Alert.objects.select_related("organization", "account", "campaign").get(pk=alert_id)
    if alert.notified_at is not None and not force:
        return alert
    errors = []
    recipients = alert_recipients(alert.organization_id)
    if recipients:
        try:
            _send_emails(alert, recipients)
        except (smtplib.SMTPException, OSError) as exc:
            errors.append(f"e-mail failed ({type(exc).__name__}: {exc})")
    if alert.organization.has_webhook:
        try:
            _post_webhook(alert)
        except requests.RequestException as exc:
            errors.append(_webhook_failure(exc))
        except CredentialsUnreadable:
            errors.append("webhook URL is unreadable with the current key; enter it again")
    if errors:
        logger.warning("Alert %s: notification incomplete: %s", alert.pk, "; ".join(errors))
    alert.notified_at = timezone.now()
    alert.notification_error = "; ".join(errors)
    Alert.objects.filter(pk=alert.pk).update(
        notified_at=alert.notified_at, notification_error=alert.notification_error
    )
    return alert
