"""Services behind admin pages that had none: accounts' plain settings, tenants, alerts.

Credentials and execution mode have their own services (campaigns.services.accounts);
`account_save` never touches them, so an ordinary edit cannot switch an account
to LIVE or overwrite secrets with a stale copy.
"""

from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from campaigns.auth import authorize
from campaigns.credentials import encrypt_secret, mask_url
from campaigns.models import AdAccount, Alert, BudgetPool, Membership, Organization
from campaigns.models.tenancy import WEBHOOK_URL_VALIDATORS
from campaigns.services.errors import ServiceError
from campaigns.services.history import save_with_history

# What an ordinary account edit may change. Organization (tenancy), platform
# (the credentials belong to it), execution mode and credentials are not here.
ACCOUNT_EDITABLE_FIELDS = (
    "name",
    "external_id",
    "currency",
    "time_zone",
    "autonomy",
    "api_base_url",
    "is_active",
)
# The webhook URL is a secret with its own service (organization_set_webhook).
ORGANIZATION_EDITABLE_FIELDS = ("name", "slug")


def account_save(*, account: AdAccount, actor, reason: str) -> AdAccount:
    """Create an ad account, or save the plain settings of an existing one.

    A new account starts with the model's default execution mode and no
    credentials; both are set afterwards through their own services. Changing
    the API base URL drops the stored credentials (the history says so): they
    are entered again for the new destination.
    """
    if account.pk is None:
        authorize(actor, "campaigns.add_adaccount", account)
        if account.credentials_ciphertext:
            raise ServiceError("Set credentials with account_set_credentials, not on creation.")
        account.execution_mode = AdAccount._meta.get_field("execution_mode").default
        with transaction.atomic():
            save_with_history(account, actor=actor, reason=reason or "Account created")
        return account
    with transaction.atomic():
        current = AdAccount.objects.select_for_update().get(pk=account.pk)
        authorize(actor, "campaigns.change_adaccount", current)
        if account.organization_id != current.organization_id:
            raise ServiceError("An account cannot move to another organization.")
        if account.platform != current.platform:
            raise ServiceError("An account cannot change platform; create a new account.")
        reason = reason or "Account settings updated"
        moved = _destination(account.api_base_url) != _destination(current.api_base_url)
        if moved and current.credentials_ciphertext:
            # The secrets were entered for the old destination: whoever may change the
            # URL must not be able to send them (or tokens made from them) elsewhere.
            reason = (
                f"{reason}; credentials dropped: the API base URL moved from "
                f"{_host(current.api_base_url)} to {_host(account.api_base_url)}, "
                "enter them again"
            )
            current.credentials_ciphertext = ""
        for name in ACCOUNT_EDITABLE_FIELDS:
            setattr(current, name, getattr(account, name))
        save_with_history(current, actor=actor, reason=reason)
    return current


def _destination(url: str) -> str:
    # The clients add the trailing slash themselves: with or without is one place.
    return url.strip().rstrip("/")


def _host(url: str) -> str:
    return urlsplit(url).hostname or "?"


def organization_save(*, organization: Organization, actor, reason: str) -> Organization:
    """Create an organization (superusers) or rename it (its admins)."""
    if organization.pk is None:
        authorize(actor, "campaigns.add_organization", organization)
        with transaction.atomic():
            save_with_history(organization, actor=actor, reason=reason or "Organization created")
        return organization
    with transaction.atomic():
        current = Organization.objects.select_for_update().get(pk=organization.pk)
        authorize(actor, "campaigns.change_organization", current)
        for name in ORGANIZATION_EDITABLE_FIELDS:
            setattr(current, name, getattr(organization, name))
        save_with_history(current, actor=actor, reason=reason or "Organization updated")
    return current


def organization_set_webhook(
    *, organization: Organization, actor, url: str, reason: str = ""
) -> Organization:
    """Replace the organization's alert webhook URL ("" removes it); its admins only.

    Write-only: stored encrypted, never read back by a page. The history row
    records that it changed and the new host, never the URL (Slack and Teams
    URLs carry their secret in the path).
    """
    url = url.strip()
    if url:
        for validate in WEBHOOK_URL_VALIDATORS:
            validate(url)
    with transaction.atomic():
        current = Organization.objects.select_for_update().get(pk=organization.pk)
        authorize(actor, "campaigns.change_organization", current)
        current.webhook_url_ciphertext = encrypt_secret(url)
        what = f"Webhook URL replaced ({mask_url(url)})" if url else "Webhook URL removed"
        save_with_history(current, actor=actor, reason=f"{reason}: {what}" if reason else what)
    return current


def membership_save(*, membership: Membership, actor, reason: str) -> Membership:
    """Add a user to an organization with a role, or change the role (organization admins).

    Moving a membership to another organization needs the right in both.
    """
    with transaction.atomic():
        if membership.pk is None:
            authorize(actor, "campaigns.add_membership", membership)
        else:
            current = Membership.objects.select_for_update().get(pk=membership.pk)
            authorize(actor, "campaigns.change_membership", current)
            authorize(actor, "campaigns.change_membership", membership)
        save_with_history(membership, actor=actor, reason=reason or "Membership updated")
    return membership


def membership_delete(*, membership: Membership, actor, reason: str) -> None:
    """Remove a user from an organization; the history row names who and why."""
    with transaction.atomic():
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        authorize(actor, "campaigns.delete_membership", current)
        current._history_user = actor
        current._change_reason = reason or "Membership removed"
        current.delete()


def alert_acknowledge(*, alert: Alert, actor) -> Alert:
    """Mark an open alert as seen and handled by `actor`.

    Acknowledging closes the alert, so the same condition raised again opens a
    fresh one instead of updating this one (see Alert.dedup_key).
    """
    with transaction.atomic():
        current = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("acknowledged_by")
            .get(pk=alert.pk)
        )
        authorize(actor, "campaigns.acknowledge_alert", current)
        if current.acknowledged_at is not None:
            raise ServiceError(
                f"Alert '{current}' was already acknowledged by {current.acknowledged_by} "
                f"at {current.acknowledged_at:%Y-%m-%d %H:%M} UTC."
            )
        current.acknowledged_by = actor
        current.acknowledged_at = timezone.now()
        current.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return current


def budget_pool_save(*, pool: BudgetPool, actor, reason: str) -> BudgetPool:
    """Create a budget pool in an account, or rename one (organization admins).

    Which campaigns share a pool is not set here: moving a campaign between
    pools changes what budget neutrality keeps constant, so it deserves its
    own audited service when the console needs it.
    """
    with transaction.atomic():
        if pool.pk is None:
            authorize(actor, "campaigns.add_budgetpool", pool)
            save_with_history(pool, actor=actor, reason=reason or "Budget pool created")
            return pool
        current = BudgetPool.objects.select_for_update().select_related("account").get(pk=pool.pk)
        authorize(actor, "campaigns.change_budgetpool", current)
        if pool.account_id != current.account_id:
            raise ServiceError("A budget pool cannot move to another account.")
        current.name = pool.name
        save_with_history(current, actor=actor, reason=reason or "Budget pool renamed")
    return current
