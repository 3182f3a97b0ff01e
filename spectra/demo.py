"""The demo organization: an Adobe and a Google Ads account on the sandbox, a user per role.

The Adobe account is LIVE against the sandbox (no real money: the sandbox is the
seed's "mock" platform) and applies low-risk changes by itself; the Google Ads
account is a DRY_RUN view of the same world (validate-only requests). Both run
the daily cycle every hour, due at once, so a fresh `make demo` shows the loop
working within a minute. Idempotent: running the demo again reuses what exists.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

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
from executors.sandbox.google_auth import GoogleAdsConfig
from executors.sync import sync_account
from executors.windows import account_today
from spectra.models import AccountCycle

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


def demo_seed(*, sandbox_url: str) -> list[AdAccount]:
    """Create (or reuse) the demo organization, its users and its two sandbox accounts."""
    users = get_user_model()
    with transaction.atomic():
        org, _ = Organization.objects.get_or_create(slug="demo", defaults={"name": "Demo Agency"})
        # A reallocation is one decision (a change set) as risky as its largest leg, and
        # its legs reach the 30 % cap; so here a whole reallocation within the cap is
        # low risk and applies itself (simulated on the dry-run Google account), while
        # audience switches and anything beyond wait for a person.
        GuardrailPolicy.objects.get_or_create(
            organization=org, account=None, defaults={"approval_threshold_pct": Decimal("30")}
        )
        if not users.objects.filter(username="admin").exists():
            users.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
        for role in Role.values:
            user, created = users.objects.get_or_create(
                username=f"demo-{role}", defaults={"is_staff": True}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            # An address, so alert e-mail reaches them (the console backend prints it).
            user.email = user.email or f"demo-{role}@example.com"
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
                "execution_mode": ExecutionMode.LIVE,
                "autonomy": Autonomy.AUTO_LOW_RISK,
            },
        )
        google, _ = AdAccount.objects.update_or_create(
            organization=org,
            platform=Platform.GOOGLE_ADS,
            external_id=GoogleAdsConfig.customer_id,
            defaults={
                "name": "Demo Google Ads account (sandbox, dry run)",
                "currency": "INR",
                "time_zone": DEMO_TIME_ZONE,
                "api_base_url": sandbox_url.rstrip("/") + "/googleads/",
                "execution_mode": ExecutionMode.DRY_RUN,
                "autonomy": Autonomy.AUTO_LOW_RISK,
            },
        )
        for each in (account, google):
            AccountCycle.objects.update_or_create(
                account=each, defaults={"every_minutes": 60, "next_due_at": timezone.now()}
            )
    actor = system_user()
    return [
        account_set_credentials(account=account, actor=actor, values=SANDBOX_CREDENTIALS),
        account_set_credentials(
            account=google, actor=actor, values=GoogleAdsConfig().credentials()
        ),
    ]


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
