"""Services that change ad accounts and policies."""

from django.db import transaction

from campaigns.auth import authorize
from campaigns.credentials import (
    CredentialsUnreadable,
    credential_key_names,
    decrypt_credentials,
    encrypt_credentials,
    unknown_credential_names,
    unknown_credentials_message,
)
from campaigns.models import AdAccount, ExecutionMode, GuardrailPolicy
from campaigns.services.errors import ServiceError
from campaigns.services.history import save_with_history


def account_set_credentials(
    *, account: AdAccount, actor, values: dict[str, str], merge: bool = True
) -> AdAccount:
    """Store platform credentials encrypted; blank values keep what is stored.

    Only the keys the platform documents (campaigns.credentials.CREDENTIAL_KEYS)
    are accepted; any other is refused, naming it, and nothing is stored.
    """
    authorize(actor, "campaigns.change_adaccount", account)
    with transaction.atomic():
        current = AdAccount.objects.select_for_update().get(pk=account.pk)
        unknown = unknown_credential_names(current.platform, values)
        if unknown:
            raise ServiceError(unknown_credentials_message(current.platform, unknown))
        try:
            stored = decrypt_credentials(current.credentials_ciphertext) if merge else {}
        except CredentialsUnreadable:
            stored = {}  # unreadable after a key change: what is entered now replaces it
        # A key stored before the table existed (an `ims_url`, say) does not survive.
        known = set(credential_key_names(current.platform))
        stored = {k: v for k, v in stored.items() if k in known}
        stored.update({k: v for k, v in values.items() if v})
        current.credentials_ciphertext = encrypt_credentials(stored)
        # Which names changed is history-worthy; the values never are.
        names = ", ".join(sorted(k for k, v in values.items() if v)) or "none"
        save_with_history(current, actor=actor, reason=f"Credentials updated ({names})")
    return current


def account_set_execution_mode(*, account: AdAccount, actor, mode: str, reason: str) -> AdAccount:
    """Switch an account between read-only, dry-run and live (admins only)."""
    authorize(actor, "campaigns.change_execution_mode", account)
    if mode not in ExecutionMode.values:
        raise ServiceError(f"Unknown execution mode {mode!r}.")
    if not reason.strip():
        raise ServiceError("Say why the execution mode changes.")
    with transaction.atomic():
        current = AdAccount.objects.select_for_update().get(pk=account.pk)
        before = current.get_execution_mode_display()
        current.execution_mode = mode
        save_with_history(
            current,
            actor=actor,
            reason=f"Execution mode {before} → {current.get_execution_mode_display()}: {reason}",
        )
    return current


def policy_save(*, policy: GuardrailPolicy, actor, reason: str) -> GuardrailPolicy:
    """Save a policy, bumping its version so decisions record which one they used."""
    authorize(actor, "campaigns.change_guardrailpolicy", policy)
    if policy.account_id and policy.account.organization_id != policy.organization_id:
        raise ServiceError("A policy can only override an account of its own organization.")
    with transaction.atomic():
        if policy.pk:
            stored = GuardrailPolicy.objects.select_for_update().get(pk=policy.pk)
            # The stored row decides whose policy this is, not the edited copy.
            authorize(actor, "campaigns.change_guardrailpolicy", stored)
            if stored.organization_id != policy.organization_id:
                raise ServiceError("A policy cannot move to another organization.")
            policy.version = stored.version + 1
        save_with_history(policy, actor=actor, reason=reason or "Policy updated")
    return policy
