"""A NUL byte in a path, a query or a form is a 400 on every backend.

PostgreSQL refuses NUL in any text parameter, so before the middleware an admin
list filter given one answered 500 there (and 200 on SQLite, so only the
PostgreSQL pass saw it). Asserted here through the full stack on both.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(alice):
    client = Client()
    client.force_login(alice.admin)
    return client


@pytest.mark.parametrize(
    "params",
    [{"autonomy__exact": "\x00"}, {"q": "a\x00b"}, {"\x00": "1"}],
    ids=["filter value", "search", "parameter name"],
)
def test_an_admin_changelist_refuses_a_nul_byte(browser, params):
    response = browser.get(reverse("admin:campaigns_adaccount_changelist"), params)
    assert response.status_code == 400
    assert b"NUL" in response.content


def test_an_audit_search_refuses_a_nul_byte(browser, alice):
    url = reverse("admin:campaigns_campaign_audit", args=[alice.campaign.pk])
    assert browser.get(url, {"q": "budget"}).status_code == 200
    assert browser.get(url, {"q": "\x00"}).status_code == 400


def test_a_form_post_with_a_nul_byte_is_refused_and_saves_nothing(browser, alice):
    url = reverse("admin:campaigns_campaign_change", args=[alice.campaign.pk])
    response = browser.post(url, {"name": "renamed\x00"})
    assert response.status_code == 400
    alice.campaign.refresh_from_db()
    assert alice.campaign.name == "alice campaign"


def test_an_api_list_refuses_a_nul_byte(alice):
    api = client_for(alice.viewer)
    assert api.get("/api/v1/campaigns/", {"status": "active"}).status_code == 200
    assert api.get("/api/v1/campaigns/", {"status": "\x00"}).status_code == 400
    assert api.get("/api/v1/campaigns/", {"search": "\x00"}).status_code == 400


def test_a_page_without_nul_bytes_is_untouched(browser):
    response = browser.get(reverse("admin:campaigns_adaccount_changelist"), {"q": "alice"})
    assert response.status_code == 200
    assert b"alice account" in response.content


def test_the_api_says_so_in_its_own_error_shape(alice):
    response = client_for(alice.viewer).get("/api/v1/campaigns/", {"status": "\x00"})
    assert response.json() == {
        "code": "invalid",
        "message": "A NUL byte is not a value Spectra can store.",
    }
