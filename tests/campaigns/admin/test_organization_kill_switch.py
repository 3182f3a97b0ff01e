"""An organization's admins flip its own kill switch with a reason; nobody else can."""

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.models import Organization
from campaigns.switches import forget_switches, writes_allowed
from tests.campaigns.admin.conftest import change_url, changelist_url, messages_of

PAGE = reverse("admin:campaigns_executionswitch_changelist")


def flip_url(org) -> str:
    return reverse("admin:campaigns_executionswitch_organization", args=[org.pk])


def test_an_admin_switches_his_organization_off_and_the_other_keeps_writing(client, alice, bob):
    client.force_login(alice.admin)
    page = client.get(PAGE).content.decode()
    assert f"Switch off for {alice.org.name}" in page

    confirm = client.get(flip_url(alice.org), {"enabled": "off"})
    assert "Yes, switch platform writes off" in confirm.content.decode()
    response = client.post(
        flip_url(alice.org), {"enabled": "off", "reason": "Client asked to freeze changes"}
    )

    assert f"Platform writes are now OFF for {alice.org.name}." in messages_of(response)
    forget_switches()
    assert not writes_allowed(alice.org.pk).enabled
    assert writes_allowed(bob.org.pk).enabled
    last = alice.org.history.latest()
    assert (last.history_user, last.execution_enabled) == (alice.admin, False)
    assert "Client asked to freeze changes" in client.get(PAGE).content.decode()


def test_a_flip_without_a_reason_changes_nothing(client, alice):
    client.force_login(alice.admin)

    response = client.post(flip_url(alice.org), {"enabled": "off", "reason": ""})

    assert response.status_code == 200
    assert Organization.objects.get(pk=alice.org.pk).execution_enabled


@pytest.mark.parametrize("role", ["viewer", "analyst", "approver"])
def test_members_below_admin_see_the_state_but_are_refused_the_flip(client, alice, role):
    client.force_login(getattr(alice, role))

    page = client.get(PAGE).content.decode()
    assert f'id="organization-switch-{alice.org.pk}"' in page
    assert "flip-organization" not in page
    response = client.post(flip_url(alice.org), {"enabled": "off", "reason": "why not"})

    assert response.status_code == 403
    assert Organization.objects.get(pk=alice.org.pk).execution_enabled


def test_another_organizations_admin_neither_sees_nor_flips_it(client, alice, bob):
    alices = Client()
    alices.force_login(alice.admin)
    alices.post(flip_url(alice.org), {"enabled": "off", "reason": "Alice's private reason"})
    client.force_login(bob.admin)

    page = client.get(PAGE).content.decode()
    response = client.post(flip_url(alice.org), {"enabled": "on", "reason": "mine now"})

    assert alice.org.name not in page
    assert "Alice's private reason" not in page
    assert response.status_code == 404
    assert not Organization.objects.get(pk=alice.org.pk).execution_enabled


def test_the_organization_list_links_to_its_switch(client, alice):
    client.force_login(alice.viewer)

    listing = client.get(changelist_url("organization")).content.decode()
    detail = client.get(change_url(alice.org)).content.decode()

    assert f"{PAGE}#organization-switch-{alice.org.pk}" in listing
    assert f"{PAGE}#organization-switch-{alice.org.pk}" in detail
