"""A changelist filters only by the filters its admin declares.

Django lets a query string look up any local field of a changelist's model, so
`?credentials_ciphertext__gte=…` told a viewer, one row at a time, whether the
stored ciphertext sorts after a guess: a binary search recovers it. Only the
declared filters, the date hierarchy and the console's own links are answered;
everything else is refused before a query is made.
"""

import re
from html import unescape
from urllib.parse import urljoin

import pytest
from django.contrib import admin
from django.urls import reverse

from campaigns.admin.base import DeclaredLookupsOnly
from campaigns.models import AdAccount
from optimizer.models import OptimizationRun
from tests.campaigns.admin.conftest import change_url, changelist_url

pytestmark = pytest.mark.django_db

CIPHERTEXT = "gAAAAABnS3cr3t-ciphertext-of-alices-credentials"
RESTRICTED = {
    model: model_admin
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, DeclaredLookupsOnly)
}
LABELS = sorted(model._meta.label for model in RESTRICTED)
BY_LABEL = {model._meta.label: (model, model_admin) for model, model_admin in RESTRICTED.items()}


def _changelist(label: str) -> str:
    model, _ = BY_LABEL[label]
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def alice_with_credentials(tenants):
    alice, _ = tenants
    AdAccount.objects.filter(pk=alice.account.pk).update(credentials_ciphertext=CIPHERTEXT)
    return alice


def test_a_viewer_cannot_binary_search_the_credentials_ciphertext(client, alice_with_credentials):
    alice = alice_with_credentials
    client.force_login(alice.viewer)

    def sorts_at_or_after(guess: str):
        response = client.get(changelist_url("adaccount"), {"credentials_ciphertext__gte": guess})
        return response.status_code, change_url(alice.account) in response.content.decode()

    # Before: (200, True) below the ciphertext and (200, False) above it, the oracle.
    assert sorts_at_or_after("") == sorts_at_or_after(CIPHERTEXT[:8]) == sorts_at_or_after("~")
    assert sorts_at_or_after("")[0] == 400


def test_the_refusal_names_nothing_of_the_row(client, alice_with_credentials):
    client.force_login(alice_with_credentials.viewer)

    response = client.get(changelist_url("adaccount"), {"credentials_ciphertext__startswith": "g"})

    assert response.status_code == 400
    assert CIPHERTEXT.encode() not in response.content
    assert b"alice" not in response.content


@pytest.mark.parametrize("label", LABELS)
def test_no_undeclared_field_can_be_looked_up(client, tenants, superuser, label):
    model, model_admin = BY_LABEL[label]
    client.force_login(superuser)
    declared = model_admin.declared_lookups(None)
    for field in model._meta.concrete_fields:
        for lookup in (f"{field.attname}__gte", f"{field.attname}__isnull", field.attname):
            if lookup in declared:
                continue
            response = client.get(_changelist(label), {lookup: "0"})
            assert response.status_code == 400, (lookup, response.status_code)


@pytest.mark.parametrize("label", LABELS)
def test_every_parameter_a_declared_filter_reads_is_allowed(client, tenants, superuser, label):
    _, model_admin = BY_LABEL[label]
    client.force_login(superuser)
    response = client.get(_changelist(label))
    declared = model_admin.declared_lookups(response.wsgi_request)
    for spec in response.context["cl"].filter_specs:
        assert set(spec.expected_parameters()) <= declared, spec


@pytest.mark.parametrize("label", LABELS)
def test_every_choice_of_every_declared_filter_still_works(client, tenants, superuser, label):
    client.force_login(superuser)
    page = client.get(_changelist(label))
    assert page.status_code == 200
    cl = page.context["cl"]
    queries = [choice["query_string"] for spec in cl.filter_specs for choice in spec.choices(cl)]
    _, model_admin = BY_LABEL[label]
    if model_admin.date_hierarchy:
        hierarchy = model_admin.date_hierarchy
        queries.append(f"?{hierarchy}__year=2025&{hierarchy}__month=3&{hierarchy}__day=10")
    for query in queries:
        response = client.get(_changelist(label) + query)
        assert response.status_code == 200, (query, response.status_code)


def _admin_links(page: str, html: str) -> list[str]:
    """Every admin link with a query string on a page, made absolute."""
    links = (urljoin(page, unescape(href)) for href in re.findall(r'href="([^"]*\?[^"]*)"', html))
    return [link for link in links if link.startswith("/admin/")]


def test_every_filtered_link_the_console_builds_still_works(client, tenants):
    alice, _ = tenants
    run = OptimizationRun.objects.create(
        account=alice.account,
        as_of="2025-03-10",
        window_start="2025-02-10",
        window_end="2025-03-09",
    )
    client.force_login(alice.admin)
    pages = [
        reverse("admin:index"),  # the ops dashboard's tiles
        change_url(alice.campaign),  # "all recommendations of this campaign"
        reverse("admin:optimizer_optimizationrun_change", args=[run.pk]),  # "proposed by this run"
    ]
    links = [
        link for page in pages for link in _admin_links(page, client.get(page).content.decode())
    ]
    assert any(f"campaign={alice.campaign.pk}" in link for link in links)
    assert any(f"run__id__exact={run.pk}" in link for link in links)
    assert any("status__exact=proposed" in link for link in links)
    assert any("acknowledged=no" in link for link in links)
    for link in links:
        response = client.get(link)
        assert response.status_code in (200, 302), (link, response.status_code)
        if response.status_code == 302:
            assert "e=1" not in response["Location"], link  # refused as an invalid lookup


def test_the_approval_queue_lands_on_a_working_filter(client, tenants):
    alice, _ = tenants
    client.force_login(alice.approver)

    response = client.get(reverse("admin:campaigns_recommendation_queue"), follow=True)

    assert response.status_code == 200
    assert alice.recommendation in response.context["cl"].result_list
