"""Organization quotas that a write must respect (accounts; the API's rate is a throttle)."""

from django.db import transaction

from campaigns.auth import authorize
from campaigns.models import AdAccount, Organization
from campaigns.services.admin_support import account_save
from campaigns.services.errors import ServiceError


class QuotaExceeded(ServiceError):
    """An organization reached one of its quotas; `quota` names which."""

    def __init__(self, message: str, *, quota: str):
        super().__init__(message)
        self.quota = quota


def account_create_within_quota(*, account: AdAccount, actor, reason: str) -> AdAccount:
    """Create an ad account unless its organization already has `max_accounts` of them.

    The organization row is locked while counting, so two creations at once
    cannot both take the last place.
    """
    authorize(actor, "campaigns.add_adaccount", account)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=account.organization_id)
        used = AdAccount.objects.filter(organization=organization).count()
        if used >= organization.max_accounts:
            raise QuotaExceeded(
                f"{organization} already has {used} ad accounts, its quota is "
                f"{organization.max_accounts}; deactivate one or ask Spectra's operators "
                "for a higher quota.",
                quota="max_accounts",
            )
        return account_save(account=account, actor=actor, reason=reason)
