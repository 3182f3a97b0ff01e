"""The AI layer's console pages: prompts frozen once published and diffed, prices kept,
keys never rendered, calls listed in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creative.defaults import install_defaults
from creative.models import AICall, AIProvider, PromptStatus, PromptVersion
from creative.services.prompts import prompt_draft

KEY = "sk-live-do-not-show-0123456789"


def test_an_operator_diffs_two_versions_and_publishes_the_new_one(client, superuser, db):
    install_defaults()
    old = PromptVersion.objects.get(name="ad-copy")
    new = prompt_draft(
        name="ad-copy",
        system=old.system,
        template=old.template.replace("Selling points:", "Key selling points:"),
        schema="ad_copy",
    )
    client.force_login(superuser)

    diff = client.get(
        reverse("admin:creative_promptversion_diff", args=[new.pk]), {"against": old.pk}
    ).content.decode()
    response = client.post(
        reverse("admin:creative_promptversion_changelist"),
        {"action": "publish_selected", "_selected_action": [new.pk]},
    )

    assert '<div class="del">-Selling points:</div>' in diff
    assert '<div class="add">+Key selling points:</div>' in diff
    assert response.status_code == 302
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (PromptStatus.RETIRED, PromptStatus.PUBLISHED)


def test_a_published_prompt_cannot_be_edited_even_by_an_operator(client, superuser, db):
    install_defaults()
    published = PromptVersion.objects.get(name="ad-copy")
    client.force_login(superuser)

    client.post(
        reverse("admin:creative_promptversion_change", args=[published.pk]),
        {"name": "ad-copy", "system": "pwned", "template": "pwned", "schema": "ad_copy"},
    )

    published.refresh_from_db()
    assert published.system != "pwned"


def test_members_read_prompts_and_prices_but_do_not_change_them(client, alice, db):
    install_defaults()
    client.force_login(alice.admin)
    published = PromptVersion.objects.get(name="ad-copy")

    assert client.get(reverse("admin:creative_promptversion_changelist")).status_code == 200
    assert client.get(reverse("admin:creative_modelprice_changelist")).status_code == 200
    assert client.get(reverse("admin:creative_modelprice_add")).status_code == 403
    page = client.get(reverse("admin:creative_promptversion_change", args=[published.pk]))
    assert 'name="system"' not in page.content.decode()  # read-only


def test_the_provider_page_never_renders_the_key(client, alice, db):
    client.force_login(alice.admin)
    url = reverse("admin:creative_aiprovider_add")

    client.post(
        url,
        {
            "organization": alice.org.pk,
            "name": "OpenAI",
            "base_url": "https://api.openai.com/v1",
            "chat_model": "gpt-4.1-mini",
            "timeout_seconds": 60,
            "max_attempts": 3,
            "requests_per_minute": 60,
            "context_tokens": 128000,
            "api_key": KEY,
        },
    )

    provider = AIProvider.objects.get()
    assert provider.has_key
    page = client.get(reverse("admin:creative_aiprovider_change", args=[provider.pk]))
    listing = client.get(reverse("admin:creative_aiprovider_changelist"))
    assert KEY not in page.content.decode() and KEY not in listing.content.decode()
    assert "set" in listing.content.decode()


# Session, user, permissions (2), memberships (1); the page (paginated, no full count):
# the rows with their organization, campaign and prompt (1), the count (1) and the
# organization filter's choices (1).
CALL_LIST_QUERIES = 8


@pytest.mark.parametrize("rows", [2, 40])
def test_the_call_list_runs_a_fixed_number_of_queries(client, alice, rows, db):
    install_defaults()
    version = PromptVersion.objects.get(name="ad-copy")
    AICall.objects.bulk_create(
        AICall(
            organization=alice.org,
            campaign=alice.campaign,
            purpose="copy",
            provider_name="sandbox",
            model="sandbox-writer",
            prompt_version=version,
            outcome="ok",
        )
        for _ in range(rows)
    )
    client.force_login(alice.viewer)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:creative_aicall_changelist"))

    assert response.status_code == 200
    assert len(captured) == CALL_LIST_QUERIES
