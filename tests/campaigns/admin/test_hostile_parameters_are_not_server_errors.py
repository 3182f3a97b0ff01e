"""Hostile query strings and URLs get a normal page or a 404 from the admin, never a 500.

Each was a 500: a non-numeric id in the account and organization filters, a
date-hierarchy year out of range, a huge page of the audit timeline, a
non-numeric history version id.
"""

import pytest
from django.urls import reverse

from tests.campaigns.admin.conftest import changelist_url, history_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(client, tenants):
    alice, _ = tenants
    client.force_login(alice.viewer)
    client.raise_request_exception = False  # a 500 must show as a 500, not as a traceback
    return client


@pytest.mark.parametrize(
    ("model_name", "query"),
    [
        ("campaign", "account=abc"),
        ("campaign", "account=1.5"),
        ("campaign", "account=99999999999999999999"),
        ("adaccount", "organization=abc"),
        ("alert", "account=-1e3"),
        ("recommendation", f"campaign={2**63}"),  # the campaign page's own link, overflowed
        ("recommendation", "campaign=abc"),
        ("recommendation", "run__id__exact=abc"),
    ],
)
def test_a_filter_id_that_is_no_id_redirects_to_the_unfiltered_list(viewer, model_name, query):
    response = viewer.get(f"{changelist_url(model_name)}?{query}")

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")  # Django's "incorrect lookup" answer


@pytest.mark.parametrize(
    "query",
    [
        "created_at__year=0",
        "created_at__year=99999",
        "created_at__year=9999&created_at__month=12",
        "created_at__year=9999&created_at__month=12&created_at__day=31",
        "created_at__year=1&created_at__month=1&created_at__day=1",
        "created_at__year=2025&created_at__month=13",
        "created_at__year=abc",
        "created_at__year=-1",
    ],
)
def test_a_date_hierarchy_out_of_range_is_an_incorrect_lookup(viewer, query):
    response = viewer.get(f"{changelist_url('alert')}?{query}")

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")


def _audit(campaign, page) -> str:
    return reverse("admin:campaigns_campaign_audit", args=[campaign.pk]) + f"?p={page}"


@pytest.mark.parametrize("page", ["99999999999999999999", str(2**62), "9" * 5000, "0", "-3", "x"])
def test_an_audit_timeline_page_that_cannot_exist_is_a_404(viewer, tenants, page):
    alice, _ = tenants

    assert viewer.get(_audit(alice.campaign, page)).status_code == 404


def test_the_first_audit_page_and_the_ones_after_it_still_show(viewer, tenants):
    alice, _ = tenants

    assert viewer.get(_audit(alice.campaign, 1)).status_code == 200
    assert viewer.get(_audit(alice.campaign, 2)).status_code == 404  # one page of history


# A NUL byte anywhere is a 400 before any view (tests/spectra/test_nul_bytes_are_refused.py).
@pytest.mark.parametrize("version", ["abc", "1.5", "-1", "99999999999999999999"])
def test_a_history_version_id_that_is_no_id_is_a_404(viewer, tenants, version):
    alice, _ = tenants

    assert viewer.get(f"{history_url(alice.campaign)}{version}/").status_code == 404


def test_a_real_history_version_still_shows(viewer, tenants):
    alice, _ = tenants
    version = alice.campaign.history.first().history_id

    assert viewer.get(f"{history_url(alice.campaign)}{version}/").status_code == 200
