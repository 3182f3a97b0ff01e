"""Operators flip the global kill switch after confirming with a reason; members only see it."""

import pytest
from django.urls import reverse

from campaigns.models import ExecutionSwitch
from campaigns.switches import forget_switches, writes_allowed
from tests.campaigns.admin.conftest import messages_of

PAGE = reverse("admin:campaigns_executionswitch_changelist")
FLIP = reverse("admin:campaigns_executionswitch_global")


def test_an_operator_switches_writes_off_after_confirming_with_a_reason(client, alice, superuser):
    client.force_login(superuser)
    page = client.get(PAGE).content.decode()
    assert 'id="flip-global"' in page

    confirm = client.get(FLIP, {"enabled": "off"}).content.decode()
    assert "Yes, switch platform writes off" in confirm
    assert ExecutionSwitch.objects.count() == 0  # the confirmation page changes nothing

    response = client.post(FLIP, {"enabled": "off", "reason": "Adobe outage, stop all writes"})

    assert response.status_code == 302
    assert "Platform writes are now OFF for every organization." in messages_of(response)
    forget_switches()
    assert not writes_allowed(alice.org.pk).enabled
    page = client.get(PAGE).content.decode()
    assert "Platform writes OFF" in page
    assert "Adobe outage, stop all writes" in page  # the history row
    last = ExecutionSwitch.history.latest()
    assert last.history_user == superuser
    assert not last.enabled


def test_switching_back_on_is_confirmed_and_recorded_too(client, superuser):
    client.force_login(superuser)
    client.post(FLIP, {"enabled": "off", "reason": "Outage"})

    client.post(FLIP, {"enabled": "on", "reason": "Outage over"})

    assert ExecutionSwitch.objects.get().enabled
    assert [h.enabled for h in ExecutionSwitch.history.order_by("history_date")] == [False, True]


def test_a_flip_without_a_reason_is_refused_and_changes_nothing(client, superuser):
    client.force_login(superuser)

    response = client.post(FLIP, {"enabled": "off", "reason": "  "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ExecutionSwitch.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "analyst", "approver", "admin"])
def test_organization_members_see_the_global_switch_but_cannot_flip_it(client, alice, role):
    client.force_login(getattr(alice, role))

    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Platform writes ON" in page.content.decode()
    assert 'id="flip-global"' not in page.content.decode()

    assert client.get(FLIP).status_code == 403
    assert client.post(FLIP, {"enabled": "off", "reason": "mine now"}).status_code == 403
    assert not ExecutionSwitch.objects.exists()
