"""Every response carries a strict Content-Security-Policy: only Spectra's own scripts,
no framing, no plugins."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/campaigns/organization/",
        "/admin/campaigns/campaign/",
        "/api/docs/",
        "/api/schema/",
        "/api/v1/campaigns/",
    ],
)
def test_every_page_carries_the_policy(client, alice, url):
    client.force_login(alice.admin)

    response = client.get(url)

    assert response.status_code == 200, url
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline scripts, no eval
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_the_login_page_and_errors_carry_it_too(client, db):
    for response in (client.get("/admin/login/"), client.get("/api/v1/campaigns/")):
        assert _policy(response)["script-src"] == ["'self'"]


def test_the_api_docs_script_is_a_file_not_inline(client, db):
    html = client.get(reverse("api-docs")).content.decode()
    assert "<script>" not in html.replace(" ", "")
