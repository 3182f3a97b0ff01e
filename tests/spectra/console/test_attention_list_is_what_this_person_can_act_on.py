"""The "Needs your attention" page lists what waits for this person, per their role."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Alert, AlertKind, Recommendation, RecommendationStatus, Severity
from campaigns.services.switch import organization_execution_set
from spectra.attention import attention_for
from tests.factories import make_campaign, make_recommendation

URL = reverse("attention")


def _sections(user) -> dict[str, list[str]]:
    return {s.key: [line.text for line in s.lines] for s in attention_for(user=user).sections}


def test_an_approver_sees_the_decisions_waiting_per_account(alice):
    second = make_campaign(alice.account, name="second")
    for _ in range(3):
        make_recommendation(second)

    sections = _sections(alice.approver)

    assert sections["decisions"] == ["alice account: 4 proposed change(s)"]


def test_a_viewer_is_not_asked_to_decide(alice):
    assert "decisions" not in _sections(alice.viewer)


def test_blocked_and_failed_changes_are_listed_where_they_can_be_acted_on(alice):
    blocked, failed = make_recommendation(alice.campaign), make_recommendation(alice.campaign)
    Recommendation.objects.filter(pk=blocked.pk).update(status=RecommendationStatus.BLOCKED)
    Recommendation.objects.filter(pk=failed.pk).update(status=RecommendationStatus.FAILED)

    approver, viewer = _sections(alice.approver), _sections(alice.viewer)

    assert approver["stopped"] == [
        "alice account: 1 blocked by a guardrail (re-queue or let them go)",
        "alice account: 1 failed on the platform this week",
    ]
    # A viewer cannot re-queue; a failure is still worth knowing.
    assert viewer["stopped"] == ["alice account: 1 failed on the platform this week"]


def test_a_failure_older_than_a_week_has_left_the_list(alice):
    failed = make_recommendation(alice.campaign)
    Recommendation.objects.filter(pk=failed.pk).update(
        status=RecommendationStatus.FAILED, updated_at=timezone.now() - timedelta(days=8)
    )

    assert "stopped" not in _sections(alice.approver)


def test_open_alerts_come_critical_first_and_acknowledged_ones_are_gone(alice):
    Alert.objects.create(
        organization=alice.org,
        kind=AlertKind.SYNC_FAILED,
        title="warning one",
        severity=Severity.WARNING,
    )
    Alert.objects.create(
        organization=alice.org,
        kind=AlertKind.SYNC_FAILED,
        title="critical one",
        severity=Severity.CRITICAL,
    )
    Alert.objects.create(
        organization=alice.org,
        kind=AlertKind.SYNC_FAILED,
        title="seen",
        acknowledged_at=timezone.now(),
    )

    assert _sections(alice.viewer)["alerts"] == [
        "critical one · alice org",
        "warning one · alice org",
    ]


def test_a_switched_off_organization_is_said_first(alice):
    organization_execution_set(
        organization=alice.org, actor=alice.admin, enabled=False, reason="audit week"
    )

    sections = attention_for(user=alice.viewer).sections

    assert sections[0].key == "switches"
    assert sections[0].lines[0].text == "Platform writes are switched off for this organization"


def test_bob_sees_nothing_of_alices(client, alice, bob):
    for _ in range(5):
        make_recommendation(alice.campaign)
    Alert.objects.create(organization=alice.org, kind=AlertKind.SYNC_FAILED, title="alice broke")
    client.force_login(bob.approver)

    page = client.get(URL).content.decode()

    assert "alice" not in page
    assert "bob account: 1 proposed change(s)" in page


def test_every_page_links_to_the_list(client, alice):
    client.force_login(alice.viewer)

    page = client.get(reverse("admin:index")).content.decode()

    assert f'href="{URL}" id="attention-link"' in page


def test_nothing_waiting_says_so(client, alice):
    Recommendation.objects.all().delete()
    client.force_login(alice.viewer)

    page = client.get(URL).content.decode()

    assert "Nothing waits for you" in page


def test_the_page_needs_a_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("admin:login") in response.url


# Session, user, permissions (2) and memberships (1): 5; the list: the switch row and
# organizations switched off (2), proposals and change sets per account (2), blocked and
# failed per account (2), alerts by severity and the newest ten (2): 8. An operator skips
# the membership queries, reads the accounts' organizations for the switches and the
# dead-letter count. Pinned: raise one only for a reason you can name.
MEMBER_QUERIES = 13


@pytest.mark.parametrize("accounts", [1, 10])
def test_the_page_runs_a_fixed_number_of_queries(client, alice, accounts):
    from tests.factories import make_account

    for i in range(accounts):
        campaign = make_campaign(make_account(alice.org, name=f"extra {i}"), name=f"c{i}")
        blocked = make_recommendation(campaign)
        Recommendation.objects.filter(pk=blocked.pk).update(status=RecommendationStatus.BLOCKED)
        make_recommendation(campaign)
        Alert.objects.create(organization=alice.org, kind=AlertKind.SYNC_FAILED, title=f"a{i}")
    client.force_login(alice.approver)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)

    assert response.status_code == 200
    assert len(captured) == MEMBER_QUERIES
