"""The demo organization: one Adobe account on the sandbox, a user per role.

Idempotent: running the demo again reuses what exists and re-syncs.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from campaigns.actors import system_user
from campaigns.models import (
    AdAccount,
    AdGroup,
    Audience,
    Autonomy,
    Campaign,
    DailyMetric,
    ExecutionMode,
    GuardrailPolicy,
    Membership,
    Organization,
    Platform,
    QuarantinedRow,
    Role,
)
from campaigns.services.accounts import account_set_credentials
from executors.sync import sync_account
from executors.windows import account_today

DEMO_PASSWORD = "spectra-demo"
DEMO_TIME_ZONE = "Asia/Kolkata"
# What the sandbox accepts by default (see docs/sandbox-api.md).
SANDBOX_CREDENTIALS = {
    "client_id": "spectra-sandbox",
    "client_secret": "sandbox-secret",
    "ims_org_id": "SANDBOX0000@AdobeOrg",
    "sandbox_name": "prod",
}


@dataclass
class DemoSummary:
    account: AdAccount
    logins: list[tuple[str, str, str]]
    campaigns: int
    ad_groups: int
    audiences: int
    metric_rows: int
    days: int
    quarantined: int


def demo_seed(*, sandbox_url: str) -> AdAccount:
    """Create (or reuse) the demo organization, its users and its sandbox account."""
    users = get_user_model()
    with transaction.atomic():
        org, _ = Organization.objects.get_or_create(slug="demo", defaults={"name": "Demo Agency"})
        GuardrailPolicy.objects.get_or_create(organization=org, account=None)
        if not users.objects.filter(username="admin").exists():
            users.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
        for role in Role.values:
            user, created = users.objects.get_or_create(
                username=f"demo-{role}", defaults={"is_staff": True}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, organization=org, defaults={"role": role})
        account, _ = AdAccount.objects.update_or_create(
            organization=org,
            platform=Platform.ADOBE,
            external_id="SANDBOX-ADOBE-1",
            defaults={
                "name": "Demo Adobe account (sandbox)",
                "currency": "INR",
                "time_zone": DEMO_TIME_ZONE,
                "api_base_url": sandbox_url,
                "execution_mode": ExecutionMode.DRY_RUN,
                "autonomy": Autonomy.MANUAL,
            },
        )
    return account_set_credentials(account=account, actor=system_user(), values=SANDBOX_CREDENTIALS)


def demo_sync(account: AdAccount, *, days: int = 35) -> DemoSummary:
    """Sync `days` complete days of history and count what arrived."""
    yesterday = account_today(account) - timedelta(days=1)
    run = sync_account(
        account=account, date_from=yesterday - timedelta(days=days - 1), date_to=yesterday
    )
    metrics = DailyMetric.objects.filter(campaign__account=account)
    return DemoSummary(
        account=account,
        logins=[("admin", DEMO_PASSWORD, "superuser")]
        + [(f"demo-{role}", DEMO_PASSWORD, role) for role in Role.values],
        campaigns=Campaign.objects.filter(account=account).count(),
        ad_groups=AdGroup.objects.filter(campaign__account=account).count(),
        audiences=Audience.objects.filter(account=account).count(),
        metric_rows=metrics.count(),
        days=metrics.values("date").distinct().count(),
        quarantined=QuarantinedRow.objects.filter(account=account).count() or run.rows_quarantined,
    )
