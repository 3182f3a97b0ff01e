"""`make demo`'s setup step: the demo org, its users and 35 days over HTTP."""

import zoneinfo
from datetime import timedelta

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import AdGroup, Audience, Campaign, DailyMetric, Membership, Role
from campaigns.services.notifications import alert_recipients
from creative.models import ModelPrice, PromptVersion
from executors.clients.adobe import forget_cached_tokens
from executors.sandbox.server import SandboxServer
from spectra.demo import DEMO_PASSWORD, DEMO_TIME_ZONE


def _demo(capsys, sandbox):
    call_command("demo", "--no-serve", "--sandbox-url", sandbox.base_url)
    return capsys.readouterr().out


def test_the_demo_syncs_a_realistic_account_and_prints_how_to_log_in(db, capsys):
    forget_cached_tokens()
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(DEMO_TIME_ZONE)).date()
    with SandboxServer(seed=42, start_date=today - timedelta(days=35)) as sandbox:
        out = _demo(capsys, sandbox)

        assert Campaign.objects.count() >= 40
        assert AdGroup.objects.count() >= 150
        assert Audience.objects.count() >= 10
        days = DailyMetric.objects.values("date").distinct().count()
        assert days == 35
        assert "http://127.0.0.1:8000/admin/" in out
        for role in Role.values:
            user = authenticate(username=f"demo-{role}", password=DEMO_PASSWORD)
            assert user is not None and user.is_staff
            assert Membership.objects.get(user=user).role == role
        # The AI layer's prompts and prices are in place for the first launch.
        assert set(PromptVersion.objects.values_list("name", flat=True)) >= {
            "ad-copy",
            "strategy",
            "safety-judge",
        }
        assert ModelPrice.objects.filter(model="sandbox-writer").exists()
        # Alert e-mail reaches the demo's people, not nobody.
        org = Membership.objects.get(user__username="demo-admin").organization
        assert alert_recipients(org.pk)

        # Running it again reuses everything and writes no new metric rows.
        rows = DailyMetric.objects.count()
        _demo(capsys, sandbox)
        assert DailyMetric.objects.count() == rows
        assert Membership.objects.filter(organization__slug="demo").count() == len(Role.values)
