"""The dashboard says what Spectra will do next for each account and whether it may."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from campaigns.models import AdAccount, ExecutionMode
from campaigns.services.switch import execution_switch_set, organization_execution_set
from spectra.dashboard import ops_dashboard
from spectra.models import AccountCycle, CycleRun, CycleStatus
from spectra.schedules import DISPATCH_CYCLES, install_schedules
from tests.factories import make_campaign
from tests.spectra.console.conftest import busy_account

INDEX = reverse("admin:index")


def _tile(page: str) -> str:
    return page.split('id="tile-kill-switch"')[1].split("</a>")[0]


def _row(page: str, account) -> str:
    return page.split(f'id="account-health-{account.pk}"')[1].split("</tr>")[0]


def test_one_capped_campaign_does_not_turn_the_whole_account_red(client, alice):
    account = alice.account
    make_campaign(account, spend_today=Decimal("600"), max_daily_spend=Decimal("1000"))
    for _ in range(3):
        make_campaign(account, spend_today=Decimal("8000"))
    client.force_login(alice.viewer)

    [row] = ops_dashboard(user=alice.viewer).accounts
    html = _row(client.get(INDEX).content.decode(), account)

    assert row.pacing_pct == 60.0  # 600 of 1,000, not 24,600 of 1,000
    assert "60 %" in html
    assert "1 of 5 campaigns capped" in html
    assert "ops-alarm" not in html.split('class="pacing')[1][:20]


def test_an_account_without_limits_shows_no_limit_and_no_bar(client, alice):
    client.force_login(alice.viewer)

    page = client.get(INDEX).content.decode()

    assert "no limit" in _row(page, alice.account)
    assert "Spend today, % of the daily limit: nothing to show" in page
    assert f"nothing to pace against: {alice.account.name}" in page


def test_the_kill_switch_tile_is_off_when_the_organizations_switch_is(client, alice):
    organization_execution_set(
        organization=alice.org, actor=alice.admin, enabled=False, reason="Client freeze"
    )
    client.force_login(alice.viewer)

    page = client.get(INDEX).content.decode()

    tile = _tile(page)
    assert 'data-state="off"' in tile
    assert "ON" not in tile
    assert "Switched off for alice org: Client freeze" in tile
    assert "changes blocked: organization switch off" in _row(page, alice.account)


def test_an_operator_sees_writes_partly_off_when_one_organization_is(client, alice, bob, superuser):
    organization_execution_set(organization=bob.org, actor=bob.admin, enabled=False, reason="Audit")
    client.force_login(superuser)

    page = client.get(INDEX).content.decode()

    tile = _tile(page)
    assert 'data-state="partly"' in tile
    assert "Switched off for bob org: Audit" in tile
    assert "changes blocked" not in _row(page, alice.account)
    assert "changes blocked" in _row(page, bob.account)


def test_the_environment_switch_shows_with_its_reason(client, alice):
    client.force_login(alice.viewer)

    with override_settings(SPECTRA_EXECUTION_ENABLED=False):
        tile = _tile(client.get(INDEX).content.decode())

    assert 'data-state="off"' in tile
    assert "switched off in the environment" in tile


def test_the_global_switch_shows_with_its_reason(client, alice, superuser):
    execution_switch_set(actor=superuser, enabled=False, reason="Platform outage")
    client.force_login(alice.viewer)

    page = client.get(INDEX).content.decode()

    assert "switched off globally: Platform outage" in _tile(page)
    assert "changes blocked: global switch off" in _row(page, alice.account)


def test_a_read_only_account_is_never_blocked_it_writes_nothing(client, alice, superuser):
    AdAccount.objects.filter(pk=alice.account.pk).update(execution_mode=ExecutionMode.READ_ONLY)
    execution_switch_set(actor=superuser, enabled=False, reason="Outage")
    client.force_login(alice.viewer)

    row = _row(client.get(INDEX).content.decode(), alice.account)

    assert "read-only" in row
    assert "changes blocked" not in row


def test_each_account_shows_its_execution_mode(client, alice):
    AdAccount.objects.filter(pk=alice.account.pk).update(execution_mode=ExecutionMode.LIVE)
    dry = busy_account(alice.org, label="dry")[0]
    AdAccount.objects.filter(pk=dry.pk).update(execution_mode=ExecutionMode.DRY_RUN)
    client.force_login(alice.viewer)

    page = client.get(INDEX).content.decode()

    assert "ops-mode-live" in _row(page, alice.account)
    assert "dry run" in _row(page, dry)


def test_it_shows_the_last_cycle_and_when_the_next_one_starts(client, alice):
    install_schedules()
    tick = timezone.now() + timedelta(seconds=40)
    Schedule.objects.filter(name=DISPATCH_CYCLES).update(next_run=tick)
    due = timezone.now() + timedelta(hours=20)
    AccountCycle.objects.create(account=alice.account, next_due_at=due)
    CycleRun.objects.create(
        account=alice.account, status=CycleStatus.SUCCEEDED, finished_at=timezone.now()
    )
    failed = CycleRun.objects.create(account=alice.account, status=CycleStatus.FAILED)
    client.force_login(alice.viewer)

    [row] = ops_dashboard(user=alice.viewer).accounts
    html = _row(client.get(INDEX).content.decode(), alice.account)

    assert row.cycle.last_status == "failed"  # the newest run
    assert row.cycle.last_at == failed.queued_at
    assert row.cycle.next_at == due  # the first dispatcher tick at or after it is due
    assert "failed" in html.split('class="last-cycle')[1]
    assert row.cycle.next_note == ""


def test_an_account_due_now_starts_at_the_next_dispatcher_tick(alice):
    install_schedules()
    tick = timezone.now() + timedelta(seconds=40)
    Schedule.objects.filter(name=DISPATCH_CYCLES).update(next_run=tick)

    [row] = ops_dashboard(user=alice.viewer).accounts  # no schedule yet: due now

    assert row.cycle.last_status is None
    assert row.cycle.next_at == tick


def test_without_the_dispatcher_no_cycle_is_coming(client, alice):
    client.force_login(alice.viewer)

    [row] = ops_dashboard(user=alice.viewer).accounts
    html = _row(client.get(INDEX).content.decode(), alice.account)

    assert row.cycle.next_at is None
    assert "never run" in html
    assert "the cycle dispatcher is not scheduled" in html


def test_a_switched_off_cycle_says_so(alice):
    install_schedules()
    AccountCycle.objects.create(account=alice.account, enabled=False)

    [row] = ops_dashboard(user=alice.viewer).accounts

    assert row.cycle.next_note == "cycle switched off"


def test_each_execution_tile_opens_the_log_filtered_to_what_it_counts(client, alice, bob):
    busy_account(alice.org)
    busy_account(bob.org)
    client.force_login(alice.viewer)
    page = client.get(INDEX).content.decode()
    data = ops_dashboard(user=alice.viewer)

    for word, outcome in [
        ("executed", "succeeded"),
        ("failed", "failed"),
        ("blocked", "blocked"),
        ("simulated", "simulated"),
    ]:
        tile = page.split(f'data-outcome="{word}"')[1].split("</a>")[0]
        href = tile.split('href="')[1].split('"')[0].replace("&amp;", "&")
        query = parse_qs(urlsplit(href).query)
        assert query["outcome__exact"] == [outcome]
        assert query["created_at__gte"] == [data.day_start.isoformat()]

        log = client.get(href)
        assert log.status_code == 200
        rows = list(log.context["cl"].queryset)
        assert len(rows) == data.executions_today[word] == 1
        assert {r.outcome for r in rows} == {outcome}
        assert {r.account.organization_id for r in rows} == {alice.org.pk}
