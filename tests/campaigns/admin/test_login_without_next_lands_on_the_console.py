"""Signing in without a `next` parameter lands on the console, not on a 404."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_login_post_without_next_lands_on_the_admin_index(alice):
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": "alice-viewer", "password": "pw-for-tests-only"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


def test_a_login_post_with_next_still_goes_there(alice):
    client = Client()
    target = reverse("admin:campaigns_campaign_changelist")
    response = client.post(
        f"{reverse('admin:login')}?next={target}",
        {"username": "alice-viewer", "password": "pw-for-tests-only"},
    )
    assert response["Location"] == target


def test_the_login_page_sends_people_to_the_index_by_default(alice):
    page = Client().get(reverse("admin:login"))
    assert f'name="next" value="{reverse("admin:index")}"' in page.content.decode()
